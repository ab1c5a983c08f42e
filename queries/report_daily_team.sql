-- report daily spend by team: one row per UTC day of the period and team, zeros included, for
-- the stacked daily trend.
--
-- Parameters:
--   $since  TIMESTAMPTZ  start of the period, inclusive (00:00 UTC)
--   $until  TIMESTAMPTZ  end of the period, exclusive
--
-- Teams are those with a call in the period (NULL: calls without a team); every day of the
-- period appears for every such team, with 0 when it had no call that day.
--
-- Output, by day then team (NULL last):
--   day       DATE     UTC day
--   team      VARCHAR  team (NULL: calls without a team)
--   calls     BIGINT   calls that day
--   cost_usd  DOUBLE   priced cost that day
WITH period_calls AS (
    SELECT team, CAST(timezone('UTC', ts) AS DATE) AS utc_day, cost_usd
    FROM calls_in_period($since, $until, 'none')
),
days AS (
    SELECT CAST(d AS DATE) AS utc_day
    FROM generate_series(
        CAST(timezone('UTC', CAST($since AS TIMESTAMPTZ)) AS DATE),
        CAST(timezone('UTC', CAST($until AS TIMESTAMPTZ) - INTERVAL 1 MICROSECOND) AS DATE),
        INTERVAL 1 DAY
    ) AS t(d)
),
teams AS (SELECT DISTINCT team FROM period_calls),
per_day AS (
    SELECT team, utc_day, count(*) AS calls, coalesce(sum(cost_usd), 0) AS cost_usd
    FROM period_calls
    GROUP BY ALL
)
SELECT
    days.utc_day AS day,
    teams.team,
    coalesce(per_day.calls, 0) AS calls,
    coalesce(per_day.cost_usd, 0) AS cost_usd
FROM days
CROSS JOIN teams
LEFT JOIN per_day ON per_day.utc_day = days.utc_day AND per_day.team IS NOT DISTINCT FROM teams.team
ORDER BY day, team NULLS LAST
