-- spend: what the calls of each group cost over a period, and their share of the total.
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until     TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      dimension name: feature, team, user_tier, model, model_tier,
--                           provider, prompt_version, day (UTC, YYYY-MM-DD),
--                           week (ISO, Monday start, UTC, e.g. 2026-W47) or none (one row 'all')
-- @param group_by = feature
--
-- The CLI and llmfinops.metrics.compute name `group` after the dimension (group_by none:
-- no key column); this macro cannot, so here it is `group`.
--
-- Output, one row per group; most expensive first (day/week: oldest first):
--   group           VARCHAR  dimension value; calls where it is NULL form their own group
--   calls           BIGINT   all calls, unpriced ones and response-cache hits included
--   cost_usd        DOUBLE   sum of cost_usd; an unpriced call (cost_usd NULL) adds nothing
--   input_tokens    BIGINT   sum over calls that reached a model (response-cache hits excluded)
--   output_tokens   BIGINT   idem
--   share           DOUBLE   cost_usd / the period's priced cost; NULL when that is 0
--   unpriced_calls  BIGINT   calls with cost_usd NULL
--   partially_priced_calls BIGINT priced calls with a unit no price covers (price_flags), left out of cost_usd
WITH period_calls AS (
    SELECT
        grp,
        coalesce(response_cache_hit, false) AS cache_hit,
        cost_usd,
        input_tokens,
        output_tokens,
        partly_priced
    FROM calls_in_period($since, $until, $group_by)
),
per_group AS (
    SELECT
        grp,
        count(*) AS calls,
        -- exact: a float sum varies in its last bits with the thread count, and so would ranks
        coalesce(sum(CAST(cost_usd AS DECIMAL(38, 12))), 0) AS cost_usd,
        CAST(coalesce(sum(input_tokens) FILTER (WHERE NOT cache_hit), 0) AS BIGINT) AS input_tokens,
        CAST(coalesce(sum(output_tokens) FILTER (WHERE NOT cache_hit), 0) AS BIGINT) AS output_tokens,
        count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls,
        count(*) FILTER (WHERE partly_priced) AS partially_priced_calls
    FROM period_calls
    GROUP BY grp
)
SELECT
    grp AS "group",
    calls,
    CAST(cost_usd AS DOUBLE) AS cost_usd,
    input_tokens,
    output_tokens,
    CAST(cost_usd AS DOUBLE) / CAST(nullif(sum(cost_usd) OVER (), 0) AS DOUBLE) AS share,
    unpriced_calls,
    partially_priced_calls
FROM per_group
ORDER BY
    CASE WHEN $group_by IN ('day', 'week') THEN grp END,
    cost_usd DESC,
    grp NULLS LAST
