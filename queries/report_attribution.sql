-- report attribution: how much of the period's spend cannot be put on a team, a feature or a
-- user (the tags are missing), for the data-quality section.
--
-- Parameters:
--   $since  TIMESTAMPTZ  start of the period, inclusive (00:00 UTC)
--   $until  TIMESTAMPTZ  end of the period, exclusive
--
-- Output, one row per dimension (team, feature, user), in that order:
--   dimension           VARCHAR  'team', 'feature' or 'user' (user_id)
--   calls_without       BIGINT   calls where the dimension is NULL
--   cost_without_usd    DOUBLE   their priced cost
--   share_of_calls      DOUBLE   calls_without / all calls; NULL without calls
--   share_of_spend      DOUBLE   cost_without_usd / the period's priced cost; NULL when that is 0
WITH period_calls AS (
    SELECT team, feature, user_id, cost_usd
    FROM calls_in_period($since, $until, 'none')
),
totals AS (
    SELECT
        count(*) AS calls,
        nullif(coalesce(sum(cost_usd), 0), 0) AS cost_usd,
        count(*) FILTER (WHERE team IS NULL) AS team_calls,
        coalesce(sum(cost_usd) FILTER (WHERE team IS NULL), 0) AS team_cost,
        count(*) FILTER (WHERE feature IS NULL) AS feature_calls,
        coalesce(sum(cost_usd) FILTER (WHERE feature IS NULL), 0) AS feature_cost,
        count(*) FILTER (WHERE user_id IS NULL) AS user_calls,
        coalesce(sum(cost_usd) FILTER (WHERE user_id IS NULL), 0) AS user_cost
    FROM period_calls
),
dims AS (
    SELECT 1 AS pos, 'team' AS dimension, team_calls AS calls_without, team_cost AS cost_without_usd,
        calls, cost_usd FROM totals
    UNION ALL
    SELECT 2, 'feature', feature_calls, feature_cost, calls, cost_usd FROM totals
    UNION ALL
    SELECT 3, 'user', user_calls, user_cost, calls, cost_usd FROM totals
)
SELECT
    dimension,
    calls_without,
    cost_without_usd,
    calls_without / nullif(calls, 0) AS share_of_calls,
    cost_without_usd / cost_usd AS share_of_spend
FROM dims
ORDER BY pos
