-- output-token-ratio: output tokens per input token, a ratio of sums over calls that reached a model.
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until     TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      feature, team, user_tier, model, model_tier, provider,
--                           prompt_version, day, week (ISO, e.g. 2026-W47) or none
-- @param group_by = feature
--
-- A call reached a model unless response_cache_hit is true (NULL counts as false): the
-- tokens logged on a response-cache hit were never sent, so they count nowhere here.
--
-- The CLI and llmfinops.metrics.compute name `group` after the dimension (group_by none:
-- no key column); this macro cannot, so here it is `group`.
--
-- Output, one row per group with a call; highest ratio first (day/week: oldest first):
--   group               VARCHAR  dimension value (NULL is a group)
--   input_tokens        BIGINT   sum of input_tokens over calls that reached a model
--   output_tokens       BIGINT   sum of output_tokens over the same calls
--   output_token_ratio  DOUBLE   output_tokens / input_tokens; NULL when input_tokens is 0
WITH period_calls AS (
    SELECT
        grp,
        coalesce(response_cache_hit, false) AS cache_hit,
        input_tokens,
        output_tokens
    FROM calls_in_period($since, $until, $group_by)
),
per_group AS (
    SELECT
        grp,
        CAST(coalesce(sum(input_tokens) FILTER (WHERE NOT cache_hit), 0) AS BIGINT) AS input_tokens,
        CAST(coalesce(sum(output_tokens) FILTER (WHERE NOT cache_hit), 0) AS BIGINT) AS output_tokens
    FROM period_calls
    GROUP BY grp
)
SELECT
    grp AS "group",
    input_tokens,
    output_tokens,
    output_tokens / nullif(input_tokens, 0) AS output_token_ratio
FROM per_group
ORDER BY
    CASE WHEN $group_by IN ('day', 'week') THEN grp END,
    output_token_ratio DESC NULLS LAST,
    grp NULLS LAST
