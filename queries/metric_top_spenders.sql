-- top-spenders: the most expensive users (or other groups), ranked, with a Pareto view.
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until     TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      user_id (default), feature, team, user_tier, model, model_tier,
--                           provider, prompt_version, day, week (ISO, e.g. 2026-W47) or none
-- @param group_by = user_id
--
-- All rows are returned; the CLI shows the first --limit. Ties in cost are ranked by the
-- group value (NULL last), so the ranking and the cumulative share are deterministic.
--
-- The CLI and llmfinops.metrics.compute name `group` after the dimension (group_by none:
-- no key column); this macro cannot, so here it is `group`.
--
-- Output, one row per group, by rank:
--   rank              BIGINT   1 = most expensive
--   group             VARCHAR  dimension value; calls without one (e.g. no user_id) are a group
--   cost_usd          DOUBLE   sum of cost_usd; unpriced calls add nothing
--   share             DOUBLE   cost_usd / the period's priced cost; NULL when that is 0
--   cumulative_share  DOUBLE   share of this group and all ranked above it
--   calls             BIGINT   all calls
--   unpriced_calls    BIGINT   calls with cost_usd NULL
--   partially_priced_calls BIGINT priced calls with a unit no price covers (price_flags), left out of cost_usd
WITH period_calls AS (
    SELECT
        grp,
        cost_usd,
        partly_priced
    FROM calls_in_period($since, $until, $group_by)
),
per_group AS (
    SELECT
        grp,
        count(*) AS calls,
        -- Exact: a float sum varies in its last bits with the thread count, so equal costs
        -- would rank differently from run to run and the tie-break on the group never apply.
        coalesce(sum(CAST(cost_usd AS DECIMAL(38, 12))), 0) AS cost_usd,
        count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls,
        count(*) FILTER (WHERE partly_priced) AS partially_priced_calls
    FROM period_calls
    GROUP BY grp
),
ranked AS (
    SELECT
        *,
        row_number() OVER (ORDER BY cost_usd DESC, grp NULLS LAST) AS rank,
        nullif(sum(cost_usd) OVER (), 0) AS total
    FROM per_group
)
SELECT
    rank,
    grp AS "group",
    CAST(cost_usd AS DOUBLE) AS cost_usd,
    CAST(cost_usd AS DOUBLE) / CAST(total AS DOUBLE) AS share,
    CAST(sum(cost_usd) OVER (ORDER BY rank ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS DOUBLE)
        / CAST(total AS DOUBLE) AS cumulative_share,
    calls,
    unpriced_calls,
    partially_priced_calls
FROM ranked
ORDER BY rank
