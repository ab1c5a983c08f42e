-- report budgets: month-to-date spend per team and per feature against the config's monthly
-- budgets, with a straight-line projection to the end of the month.
--
-- Parameters:
--   $month_start  TIMESTAMPTZ  00:00 UTC on the 1st of the month that holds the period's last day
--   $as_of        TIMESTAMPTZ  end of the period, exclusive: month to date means [$month_start, $as_of)
--   $month_end    TIMESTAMPTZ  00:00 UTC on the 1st of the next month
--   $budgets      STRUCT(kind VARCHAR, name VARCHAR, budget_usd DOUBLE)[]  the config's [budgets]:
--                 kind 'team' or 'feature', monthly USD
--
-- projected_usd = mtd_usd / days_elapsed * days_in_month (straight line). A team or feature
-- with spend this month but no budget is listed with budget_usd NULL; a budget with no spend
-- is listed with mtd_usd 0. A NULL team or feature is listed as a name of NULL.
--
-- Output, one row per (kind, name); teams first, then features; by name (NULL last):
--   kind                 VARCHAR  'team' or 'feature'
--   name                 VARCHAR  team or feature
--   budget_usd           DOUBLE   monthly budget; NULL when none is configured
--   mtd_usd              DOUBLE   priced cost from $month_start up to $as_of
--   days_elapsed         DOUBLE   days from $month_start to $as_of
--   days_in_month        DOUBLE   days from $month_start to $month_end
--   projected_usd        DOUBLE   straight-line projection to the month's end
--   budget_used          DOUBLE   mtd_usd / budget_usd; NULL without a (non-zero) budget
--   projected_vs_budget  DOUBLE   projected_usd - budget_usd: over (> 0) or under (< 0)
--   status               VARCHAR  'over' (already spent more than the budget), 'projected over',
--                                  'on track', or 'no budget'
WITH
month_calls AS (
    SELECT team, feature, cost_usd
    FROM calls
    WHERE ts >= CAST($month_start AS TIMESTAMPTZ) AND ts < CAST($as_of AS TIMESTAMPTZ)
        AND day >= CAST(timezone('UTC', CAST($month_start AS TIMESTAMPTZ)) AS DATE)
        AND day <= CAST(timezone('UTC', CAST($as_of AS TIMESTAMPTZ) - INTERVAL 1 MICROSECOND) AS DATE)
),
spent AS (
    SELECT 'team' AS kind, team AS name, coalesce(sum(cost_usd), 0) AS mtd_usd FROM month_calls GROUP BY team
    UNION ALL
    SELECT 'feature', feature, coalesce(sum(cost_usd), 0) FROM month_calls GROUP BY feature
),
budgets AS (
    SELECT unnest(
        CAST($budgets AS STRUCT(kind VARCHAR, name VARCHAR, budget_usd DOUBLE)[]), recursive := true
    )
),
days AS (
    SELECT
        (epoch(CAST($as_of AS TIMESTAMPTZ)) - epoch(CAST($month_start AS TIMESTAMPTZ))) / 86400 AS days_elapsed,
        (epoch(CAST($month_end AS TIMESTAMPTZ)) - epoch(CAST($month_start AS TIMESTAMPTZ))) / 86400
            AS days_in_month
),
joined AS (
    SELECT
        coalesce(budgets.kind, spent.kind) AS kind,
        coalesce(budgets.name, spent.name) AS name,
        budgets.budget_usd,
        coalesce(spent.mtd_usd, 0) AS mtd_usd,
        days.days_elapsed,
        days.days_in_month,
        coalesce(spent.mtd_usd, 0) / days.days_elapsed * days.days_in_month AS projected_usd
    FROM budgets
    FULL JOIN spent ON spent.kind = budgets.kind AND spent.name IS NOT DISTINCT FROM budgets.name
    CROSS JOIN days
)
SELECT
    kind,
    name,
    budget_usd,
    mtd_usd,
    days_elapsed,
    days_in_month,
    projected_usd,
    mtd_usd / nullif(budget_usd, 0) AS budget_used,
    projected_usd - budget_usd AS projected_vs_budget,
    CASE
        WHEN budget_usd IS NULL THEN 'no budget'
        WHEN mtd_usd > budget_usd THEN 'over'
        WHEN projected_usd > budget_usd THEN 'projected over'
        ELSE 'on track'
    END AS status
FROM joined
ORDER BY kind = 'feature', name NULLS LAST
