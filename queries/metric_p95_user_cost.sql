-- p95-user-cost: how a user's daily cost is distributed: mean, median, 95th percentile, max.
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until     TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      none (default: one row, group 'all'), feature, team, user_tier,
--                           model, model_tier, provider, prompt_version, day, week
-- @param group_by = none
--
-- Only calls with a user_id. A user-day is one user's priced cost on one UTC day, for the
-- days the user made a call (a day of only unpriced calls is a user-day costing 0).
-- Quantiles are quantile_cont: linear interpolation, as NumPy's default.
--
-- The CLI and llmfinops.metrics.compute name `group` after the dimension (group_by none:
-- no key column); this macro cannot, so here it is `group`.
--
-- Output, one row per group; most expensive p95 first (day/week: oldest first):
--   group           VARCHAR  dimension value (NULL is a group); 'all' for group_by none
--   user_days       BIGINT   number of user-days
--   mean            DOUBLE   mean user-day cost, USD
--   p50             DOUBLE   median user-day cost, USD
--   p95             DOUBLE   95th percentile user-day cost, USD
--   max             DOUBLE   most expensive user-day, USD
--   unpriced_calls  BIGINT   calls with cost_usd NULL (they add nothing)
--   partially_priced_calls BIGINT priced calls with a unit no price covers (price_flags), left out of cost_usd
WITH user_days AS (
    SELECT * FROM user_days_in_period($since, $until, $group_by)
)
SELECT
    grp AS "group",
    count(*) AS user_days,
    CAST(avg(CAST(cost_usd AS DECIMAL(38, 12))) AS DOUBLE) AS "mean",  -- exact, as run-to-run stable
    quantile_cont(cost_usd, 0.5) AS p50,
    quantile_cont(cost_usd, 0.95) AS p95,
    max(cost_usd) AS "max",
    CAST(sum(unpriced_calls) AS BIGINT) AS unpriced_calls,
    CAST(sum(partially_priced_calls) AS BIGINT) AS partially_priced_calls
FROM user_days
GROUP BY grp
ORDER BY
    CASE WHEN $group_by IN ('day', 'week') THEN grp END,
    p95 DESC,
    grp NULLS LAST
