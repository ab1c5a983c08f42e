-- report spend by team and feature: the period's cost per team and per (team, feature), beside
-- the previous period's.
--
-- Parameters:
--   $since       TIMESTAMPTZ  start of the period, inclusive (00:00 UTC)
--   $until       TIMESTAMPTZ  end of the period, exclusive
--   $prev_since  TIMESTAMPTZ  start of the previous period, inclusive
--   $prev_until  TIMESTAMPTZ  end of the previous period, exclusive
--
-- A NULL team or feature is a group of its own. Groups with calls in either period appear.
--
-- Output, one row per team (row_kind 'team', feature NULL) and per (team, feature) (row_kind
-- 'feature'); teams most expensive first, each followed by its features, most expensive first:
--   row_kind       VARCHAR  'team' (a team's total) or 'feature' (one feature of the team)
--   team           VARCHAR  team (NULL: calls without a team)
--   feature        VARCHAR  feature; NULL on team rows, and for calls without a feature
--   calls          BIGINT   calls in the period
--   cost_usd       DOUBLE   priced cost in the period
--   share          DOUBLE   cost_usd / the period's priced cost; NULL when that is 0
--   prev_cost_usd  DOUBLE   priced cost in the previous period
WITH both_periods AS (
    SELECT
        team,
        feature,
        ts >= CAST($since AS TIMESTAMPTZ) AS is_current,
        cost_usd
    FROM calls
    WHERE ((ts >= CAST($since AS TIMESTAMPTZ) AND ts < CAST($until AS TIMESTAMPTZ))
            OR (ts >= CAST($prev_since AS TIMESTAMPTZ) AND ts < CAST($prev_until AS TIMESTAMPTZ)))
        -- The same bounds on the hive column let DuckDB skip the other days' files.
        AND day >= CAST(timezone('UTC', CAST($prev_since AS TIMESTAMPTZ)) AS DATE)
        AND day <= CAST(timezone('UTC', CAST($until AS TIMESTAMPTZ) - INTERVAL 1 MICROSECOND) AS DATE)
),
grouped AS (
    SELECT
        CASE WHEN grouping(feature) = 1 THEN 'team' ELSE 'feature' END AS row_kind,
        team,
        feature,
        count(*) FILTER (WHERE is_current) AS calls,
        coalesce(sum(cost_usd) FILTER (WHERE is_current), 0) AS cost_usd,
        coalesce(sum(cost_usd) FILTER (WHERE NOT is_current), 0) AS prev_cost_usd
    FROM both_periods
    GROUP BY GROUPING SETS ((team), (team, feature))
),
ranked AS (
    SELECT
        *,
        -- Each feature row sorts under its team: the team's cost is the first sort key.
        max(CASE WHEN row_kind = 'team' THEN cost_usd END) OVER (PARTITION BY team) AS team_cost,
        sum(CASE WHEN row_kind = 'team' THEN cost_usd END) OVER () AS total_cost
    FROM grouped
)
SELECT
    row_kind,
    team,
    feature,
    calls,
    cost_usd,
    cost_usd / nullif(total_cost, 0) AS share,
    prev_cost_usd
FROM ranked
ORDER BY
    team_cost DESC,
    team NULLS LAST,
    row_kind DESC,  -- 'team' before 'feature'
    cost_usd DESC,
    feature NULLS LAST
