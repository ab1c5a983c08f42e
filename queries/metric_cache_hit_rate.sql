-- cache-hit-rate: how often the app's response cache answers, and how much of the prompt
-- the providers' prompt caches serve.
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until     TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      feature, team, user_tier, model, model_tier, provider,
--                           prompt_version, day, week (ISO, e.g. 2026-W47) or none
-- @param group_by = feature
--
-- A call reached a model unless response_cache_hit is true (NULL counts as false).
--
-- The CLI and llmfinops.metrics.compute name `group` after the dimension (group_by none:
-- no key column); this macro cannot, so here it is `group`.
--
-- Output, one row per group; most calls first (day/week: oldest first):
--   group                      VARCHAR  dimension value (NULL is a group)
--   calls                      BIGINT   all calls
--   response_cache_hits        BIGINT   calls with response_cache_hit true
--   response_cache_hit_rate    DOUBLE   response_cache_hits / calls
--   prompt_cache_token_rate    DOUBLE   sum(cached_input_tokens) / sum(input_tokens) over calls
--                                       that reached a model; NULL when that input is 0
--   prompt_cache_request_rate  DOUBLE   share of calls that reached a model with
--                                       cached_input_tokens > 0; NULL when there are none
WITH period_calls AS (
    SELECT
        grp,
        coalesce(response_cache_hit, false) AS cache_hit,
        input_tokens,
        cached_input_tokens
    FROM calls_in_period($since, $until, $group_by)
),
per_group AS (
    SELECT
        grp,
        count(*) AS calls,
        count(*) FILTER (WHERE cache_hit) AS response_cache_hits,
        count(*) FILTER (WHERE NOT cache_hit) AS model_calls,
        count(*) FILTER (WHERE NOT cache_hit AND cached_input_tokens > 0) AS prompt_cached_calls,
        sum(cached_input_tokens) FILTER (WHERE NOT cache_hit) AS cached_input_tokens,
        sum(input_tokens) FILTER (WHERE NOT cache_hit) AS input_tokens
    FROM period_calls
    GROUP BY grp
)
SELECT
    grp AS "group",
    calls,
    response_cache_hits,
    response_cache_hits / calls AS response_cache_hit_rate,
    coalesce(cached_input_tokens, 0) / nullif(input_tokens, 0) AS prompt_cache_token_rate,
    prompt_cached_calls / nullif(model_calls, 0) AS prompt_cache_request_rate
FROM per_group
ORDER BY
    CASE WHEN $group_by IN ('day', 'week') THEN grp END,
    calls DESC,
    grp NULLS LAST
