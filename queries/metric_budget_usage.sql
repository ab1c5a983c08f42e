-- budget-usage: per user tier, how many active users reached the tier's per-user cost ceiling.
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until     TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      user_tier (the only grouping: ceilings are configured per tier)
-- @param group_by = user_tier
--
-- Only calls with a user_id. A user's cost is the priced cost of their calls in the period
-- that carry the tier (a user seen under two tiers counts in both); unpriced calls add
-- nothing. The ceiling is the tier's user_ceiling_usd from the session variable tier_economics
-- (see cost-per-tier), compared with the period's cost as it is ("per-user cost ceiling for
-- the period"). This is the showback report's tier table (report_tiers.sql reads it).
--
-- The CLI and llmfinops.metrics.compute name `group` after the dimension (group_by none:
-- no key column); this macro cannot, so here it is `group`.
--
-- Output, one row per user tier with an active user; most active users first:
--   group             VARCHAR  user tier (NULL: users without one)
--   active_users      BIGINT   distinct user_ids with a call in the period
--   user_ceiling_usd  DOUBLE   the tier's per-user ceiling for the period; NULL: none configured
--   users_at_ceiling  BIGINT   users whose period cost >= user_ceiling_usd; NULL without a ceiling
--   share_at_ceiling  DOUBLE   users_at_ceiling / active_users; NULL without a ceiling
--   unpriced_calls    BIGINT   the users' calls with cost_usd NULL
WITH user_costs AS (
    SELECT
        grp,
        user_id,
        -- summed exactly, so whether a user is at the ceiling is the same on every run
        CAST(coalesce(sum(CAST(cost_usd AS DECIMAL(38, 12))), 0) AS DOUBLE) AS cost_usd,
        count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls
    FROM calls_in_period($since, $until, $group_by)
    WHERE user_id IS NOT NULL
        AND CASE WHEN $group_by = 'user_tier' THEN true
            ELSE error('budget-usage is grouped by user_tier only, not ' || $group_by) END
    GROUP BY ALL
),
economics AS (
    SELECT unnest(
        CAST(coalesce(getvariable('tier_economics'), [])
            AS STRUCT(user_tier VARCHAR, arpu_usd_month DOUBLE, user_ceiling_usd DOUBLE)[]),
        recursive := true
    )
),
per_tier AS (
    SELECT
        user_costs.grp,
        count(*) AS active_users,
        economics.user_ceiling_usd,
        count(*) FILTER (WHERE user_costs.cost_usd >= economics.user_ceiling_usd) AS at_ceiling,
        sum(user_costs.unpriced_calls) AS unpriced_calls
    FROM user_costs
    LEFT JOIN economics ON economics.user_tier = user_costs.grp
    GROUP BY ALL
)
SELECT
    grp AS "group",
    active_users,
    user_ceiling_usd,
    CASE WHEN user_ceiling_usd IS NOT NULL THEN at_ceiling END AS users_at_ceiling,
    CASE WHEN user_ceiling_usd IS NOT NULL THEN at_ceiling / active_users END AS share_at_ceiling,
    CAST(unpriced_calls AS BIGINT) AS unpriced_calls
FROM per_tier
ORDER BY active_users DESC, grp NULLS LAST
