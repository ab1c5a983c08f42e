-- cost-per-tier: what an active user costs, per user tier, against what the tier pays.
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until     TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      user_tier (default), feature, team, model, model_tier, provider,
--                           prompt_version, day, week (ISO, e.g. 2026-W47) or none
-- @param group_by = user_tier
--
-- Only calls with a user_id. A user-day is one user's priced cost on one UTC day with a call.
-- Revenue comes from the session variable tier_economics, a list of
-- {user_tier, arpu_usd_month, user_ceiling_usd} structs (the CLI sets it from the config's
-- [user_tiers.*]; unset means no revenue known). In an analyst session:
--   SET VARIABLE tier_economics = [{'user_tier': 'pro', 'arpu_usd_month': 20.0, 'user_ceiling_usd': 4.0}];
--
-- The CLI and llmfinops.metrics.compute name `group` after the dimension (group_by none:
-- no key column); this macro cannot, so here it is `group`.
--
-- Output, one row per group; most expensive first (day/week: oldest first):
--   group                 VARCHAR  dimension value (NULL is a group)
--   active_users          BIGINT   distinct user_ids with a call in the period
--   cost_usd              DOUBLE   sum of cost_usd; unpriced calls add nothing
--   cost_per_active_user  DOUBLE   cost_usd / active_users
--   p95_user_day_cost     DOUBLE   95th percentile of the group's user-day costs (quantile_cont)
--   arpu_usd_month        DOUBLE   revenue per user per month of the tier (group_by user_tier only)
--   cost_to_arpu          DOUBLE   (cost_per_active_user * 30 / days in the period) / arpu_usd_month;
--                                  NULL without a (non-zero) ARPU
--   unpriced_calls        BIGINT   calls with cost_usd NULL
--   partially_priced_calls BIGINT priced calls with a unit no price covers (price_flags), left out of cost_usd
WITH user_days AS (
    SELECT * FROM user_days_in_period($since, $until, $group_by)
),
per_group AS (
    SELECT
        grp,
        count(DISTINCT user_id) AS active_users,
        -- exact: a float sum varies in its last bits with the thread count, and so would ranks
        sum(CAST(cost_usd AS DECIMAL(38, 12))) AS cost_usd,
        quantile_cont(cost_usd, 0.95) AS p95_user_day_cost,
        CAST(sum(unpriced_calls) AS BIGINT) AS unpriced_calls,
        CAST(sum(partially_priced_calls) AS BIGINT) AS partially_priced_calls
    FROM user_days
    GROUP BY grp
),
tier_economics AS (
    SELECT unnest(
        CAST(coalesce(getvariable('tier_economics'), [])
            AS STRUCT(user_tier VARCHAR, arpu_usd_month DOUBLE, user_ceiling_usd DOUBLE)[]),
        recursive := true
    )
),
with_revenue AS (
    SELECT
        per_group.*,
        CAST(cost_usd AS DOUBLE) / active_users AS cost_per_active_user,
        tier_economics.arpu_usd_month
    FROM per_group
    LEFT JOIN tier_economics
        ON $group_by = 'user_tier' AND tier_economics.user_tier = per_group.grp
)
SELECT
    grp AS "group",
    active_users,
    CAST(cost_usd AS DOUBLE) AS cost_usd,
    cost_per_active_user,
    p95_user_day_cost,
    arpu_usd_month,
    cost_per_active_user * 30
        / ((epoch(CAST($until AS TIMESTAMPTZ)) - epoch(CAST($since AS TIMESTAMPTZ))) / 86400)
        / nullif(arpu_usd_month, 0) AS cost_to_arpu,
    unpriced_calls,
    partially_priced_calls
FROM with_revenue
ORDER BY
    CASE WHEN $group_by IN ('day', 'week') THEN grp END,
    cost_usd DESC,
    grp NULLS LAST
