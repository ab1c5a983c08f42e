-- inference-margin: what a feature earns against what its model calls cost.
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until     TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      feature (the only grouping: revenue is configured per feature)
-- @param group_by = feature
--
-- Revenue comes from the session variable feature_economics, a list of {feature,
-- revenue_usd_month, revenue_usd_per_action, revenue_usd_per_task, gate_for} structs (the CLI
-- sets it from the config's [features.*]; at most one revenue key per feature; unset means no
-- revenue known). In an analyst session:
--   SET VARIABLE feature_economics = [{'feature': 'chat', 'revenue_usd_month': 300.0}];
-- A feature's revenue for the period is, by the key it has:
--   revenue_usd_month       × days in the period / 30 (prorated)
--   revenue_usd_per_action  × its actions: the distinct coalesce(action_id, task_id, call_id) among
--                           its calls (an action with a call of the feature earns the feature's
--                           price, even when a gate feature made its first call)
--   revenue_usd_per_task    × its tasks: the distinct task_ids among its calls, whatever their outcome
-- Its cost is the priced cost of its calls in the period (the spend metric's cost_usd).
-- Features with calls but no revenue are listed with revenue_usd and margin NULL; features
-- with revenue configured but no calls are listed with cost 0. Calls without a feature are
-- the NULL feature.
--
-- The CLI and llmfinops.metrics.compute name `group` after the dimension (group_by none:
-- no key column); this macro cannot, so here it is `group`.
--
-- Output, one row per feature; lowest margin first (NULL margins last), then by cost:
--   group           VARCHAR  feature (NULL: calls without one)
--   revenue_usd     DOUBLE   the period's revenue (see above); NULL when none is configured
--   cost_usd        DOUBLE   sum of cost_usd of the feature's calls; unpriced calls add nothing
--   margin          DOUBLE   (revenue_usd - cost_usd) / revenue_usd; NULL without (non-zero) revenue
--   unpriced_calls  BIGINT   the feature's calls with cost_usd NULL
WITH period_calls AS (
    SELECT
        grp,
        coalesce('action:' || action_id, 'task:' || task_id, 'call:' || call_id) AS action_key,
        task_id,
        cost_usd
    FROM calls_in_period($since, $until, $group_by)
),
spent AS (
    SELECT
        grp,
        -- exact: a float sum varies in its last bits with the thread count, and so would ranks
        coalesce(sum(CAST(cost_usd AS DECIMAL(38, 12))), 0) AS cost_usd,
        count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls,
        count(DISTINCT action_key) AS actions,
        count(DISTINCT task_id) AS tasks
    FROM period_calls
    GROUP BY grp
),
economics AS (
    SELECT unnest(
        CAST(coalesce(getvariable('feature_economics'), []) AS STRUCT(
            feature VARCHAR, revenue_usd_month DOUBLE, revenue_usd_per_action DOUBLE,
            revenue_usd_per_task DOUBLE, gate_for VARCHAR)[]),
        recursive := true
    )
),
earning AS (
    SELECT * FROM economics
    WHERE revenue_usd_month IS NOT NULL OR revenue_usd_per_action IS NOT NULL OR revenue_usd_per_task IS NOT NULL
),
features AS (
    SELECT grp FROM spent
    UNION
    SELECT feature FROM earning
),
joined AS (
    SELECT
        features.grp,
        CASE
            WHEN earning.revenue_usd_month IS NOT NULL THEN earning.revenue_usd_month
                * ((epoch(CAST($until AS TIMESTAMPTZ)) - epoch(CAST($since AS TIMESTAMPTZ))) / 86400) / 30
            WHEN earning.revenue_usd_per_action IS NOT NULL
                THEN earning.revenue_usd_per_action * coalesce(spent.actions, 0)
            WHEN earning.revenue_usd_per_task IS NOT NULL
                THEN earning.revenue_usd_per_task * coalesce(spent.tasks, 0)
        END AS revenue_usd,
        CAST(coalesce(spent.cost_usd, 0) AS DOUBLE) AS cost_usd,
        coalesce(spent.unpriced_calls, 0) AS unpriced_calls
    FROM features
    LEFT JOIN spent ON spent.grp IS NOT DISTINCT FROM features.grp
    LEFT JOIN earning ON earning.feature = features.grp
)
SELECT
    grp AS "group",
    revenue_usd,
    cost_usd,
    (revenue_usd - cost_usd) / nullif(revenue_usd, 0) AS margin,
    CAST(unpriced_calls AS BIGINT) AS unpriced_calls
FROM joined
WHERE CASE WHEN $group_by = 'feature' THEN true
    ELSE error('inference-margin is grouped by feature only, not ' || $group_by) END
ORDER BY margin NULLS LAST, cost_usd DESC, grp NULLS LAST
