-- report pricing tiers: per user tier, active users, cost per active user, P95 user-day cost,
-- cost against the tier's revenue, and the share of users whose cost reached the tier's ceiling.
--
-- Parameters:
--   $since       TIMESTAMPTZ  start of the period, inclusive (00:00 UTC)
--   $until       TIMESTAMPTZ  end of the period, exclusive
--   $prev_since  TIMESTAMPTZ  start of the previous period, inclusive
--   $prev_until  TIMESTAMPTZ  end of the previous period, exclusive
--
-- Per-tier revenue and ceilings come from the session variable tier_economics (a list of
-- {user_tier, arpu_usd_month, user_ceiling_usd}; the CLI sets it from [user_tiers.*]).
-- Only calls with a user_id. A user's period cost is the priced cost of their calls in the
-- period that carry that tier (a user seen under two tiers counts in both). The ceiling is
-- compared with the period's cost as it is (config: "per-user cost ceiling for the period").
-- Active users, cost per active user, P95 and cost_to_arpu are metric_cost_per_tier; users at
-- the ceiling and their share are metric_budget_usage.
--
-- Output, one row per tier with users in either period (NULL tier is a row); most expensive first:
--   user_tier                  VARCHAR  tier (NULL: users without one)
--   active_users               BIGINT   distinct users with a call in the period
--   prev_active_users          BIGINT   idem, previous period
--   cost_usd                   DOUBLE   priced cost of those users' calls
--   cost_per_active_user       DOUBLE   cost_usd / active_users
--   prev_cost_per_active_user  DOUBLE
--   p95_user_day_cost          DOUBLE   95th percentile of user-day costs (quantile_cont)
--   prev_p95_user_day_cost     DOUBLE
--   arpu_usd_month             DOUBLE   the tier's revenue per user per month (config)
--   cost_to_arpu               DOUBLE   (cost_per_active_user * 30 / period days) / arpu_usd_month
--   prev_cost_to_arpu          DOUBLE
--   user_ceiling_usd           DOUBLE   the tier's per-user ceiling for the period (config); NULL: none
--   users_at_ceiling           BIGINT   users whose period cost >= user_ceiling_usd; NULL without one
--   share_at_ceiling           DOUBLE   users_at_ceiling / active_users
WITH
cur AS (FROM metric_cost_per_tier(CAST($since AS TIMESTAMPTZ), CAST($until AS TIMESTAMPTZ))),
prev AS (FROM metric_cost_per_tier(CAST($prev_since AS TIMESTAMPTZ), CAST($prev_until AS TIMESTAMPTZ))),
tiers AS (
    SELECT "group" FROM cur
    UNION
    SELECT "group" FROM prev
),
economics AS (
    SELECT unnest(
        CAST(coalesce(getvariable('tier_economics'), [])
            AS STRUCT(user_tier VARCHAR, arpu_usd_month DOUBLE, user_ceiling_usd DOUBLE)[]),
        recursive := true
    )
),
usage AS (FROM metric_budget_usage(CAST($since AS TIMESTAMPTZ), CAST($until AS TIMESTAMPTZ)))
SELECT
    t."group" AS user_tier,
    coalesce(cur.active_users, 0) AS active_users,
    coalesce(prev.active_users, 0) AS prev_active_users,
    coalesce(cur.cost_usd, 0) AS cost_usd,
    cur.cost_per_active_user,
    prev.cost_per_active_user AS prev_cost_per_active_user,
    cur.p95_user_day_cost,
    prev.p95_user_day_cost AS prev_p95_user_day_cost,
    economics.arpu_usd_month,
    cur.cost_to_arpu,
    prev.cost_to_arpu AS prev_cost_to_arpu,
    economics.user_ceiling_usd,
    CASE WHEN economics.user_ceiling_usd IS NOT NULL THEN coalesce(usage.users_at_ceiling, 0) END
        AS users_at_ceiling,
    usage.share_at_ceiling
FROM tiers AS t
LEFT JOIN cur ON cur."group" IS NOT DISTINCT FROM t."group"
LEFT JOIN prev ON prev."group" IS NOT DISTINCT FROM t."group"
LEFT JOIN economics ON economics.user_tier = t."group"
LEFT JOIN usage ON usage."group" IS NOT DISTINCT FROM t."group"
ORDER BY cost_usd DESC, user_tier NULLS LAST
