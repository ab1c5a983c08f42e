-- gate-intercept: how many actions a cheap gate feature stops before they reach the feature it
-- guards, and what the pair costs per action with and without the gate.
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until     TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      feature (the only grouping: one row per gate feature)
-- @param group_by = feature
--
-- Gates come from the session variable feature_economics (the config's [features.NAME]
-- gate_for = "OTHER"; see inference-margin): a feature with gate_for is a gate for the gated
-- feature gate_for. In an analyst session:
--   SET VARIABLE feature_economics = [{'feature': 'classify', 'gate_for': 'chat'}];
-- An action is coalesce(action_id, task_id, call_id), as in cost-per-action; only calls inside
-- the period are used. A gate action is a distinct action among the gate's calls; it passed
-- when a call of the gated feature carries the same action key. The gated cost is the priced
-- cost of the gated feature's calls under passed gate actions (its calls under other actions
-- are not part of the pair). Every configured gate is listed, with 0 actions if it had none.
--
-- The CLI and llmfinops.metrics.compute name `group` after the dimension (group_by none:
-- no key column); this macro cannot, so here it is `group`.
--
-- Output, one row per gate; most gate actions first:
--   group                         VARCHAR  the gate feature
--   gated_feature                 VARCHAR  the feature it gates (its gate_for)
--   gate_actions                  BIGINT   distinct actions among the gate's calls
--   passed_actions                BIGINT   gate actions with a call of the gated feature
--   intercept_rate                DOUBLE   1 - passed_actions / gate_actions; NULL without gate actions
--   gate_cost_usd                 DOUBLE   priced cost of the gate's calls
--   gated_cost_per_action         DOUBLE   (gate_cost_usd + gated cost) / gate_actions: what a gate
--                                          action costs, gate and gated feature together
--   cost_per_action_without_gate  DOUBLE   gated cost / passed_actions: the gated feature's cost per
--                                          action, which every gate action would cost had it
--                                          reached the gated feature, with nothing for the gate;
--                                          NULL when no action passed
--   unpriced_calls                BIGINT   the gate's calls and the gated calls with cost_usd NULL
WITH gates AS (
    SELECT feature AS gate, gate_for
    FROM (
        SELECT unnest(
            CAST(coalesce(getvariable('feature_economics'), []) AS STRUCT(
                feature VARCHAR, revenue_usd_month DOUBLE, revenue_usd_per_action DOUBLE,
                revenue_usd_per_task DOUBLE, gate_for VARCHAR)[]),
            recursive := true
        )
    )
    WHERE gate_for IS NOT NULL
),
period_calls AS (
    SELECT
        grp,
        coalesce('action:' || action_id, 'task:' || task_id, 'call:' || call_id) AS action_key,
        cost_usd
    FROM calls_in_period($since, $until, $group_by)
    WHERE CASE WHEN $group_by = 'feature' THEN true
        ELSE error('gate-intercept is grouped by feature (the gate) only, not ' || $group_by) END
),
gate_actions AS (
    SELECT
        gates.gate,
        gates.gate_for,
        period_calls.action_key,
        -- exact sums: a float sum varies in its last bits with the thread count
        coalesce(sum(CAST(period_calls.cost_usd AS DECIMAL(38, 12))), 0) AS cost_usd,
        count(*) FILTER (WHERE period_calls.cost_usd IS NULL) AS unpriced_calls
    FROM gates
    JOIN period_calls ON period_calls.grp = gates.gate
    GROUP BY ALL
),
passed AS (
    SELECT
        gate_actions.gate,
        gate_actions.action_key,
        coalesce(sum(CAST(period_calls.cost_usd AS DECIMAL(38, 12))), 0) AS cost_usd,
        count(*) FILTER (WHERE period_calls.cost_usd IS NULL) AS unpriced_calls
    FROM gate_actions
    JOIN period_calls
        ON period_calls.grp = gate_actions.gate_for AND period_calls.action_key = gate_actions.action_key
    GROUP BY ALL
),
per_gate AS (
    SELECT
        gates.gate,
        gates.gate_for,
        count(gate_actions.action_key) AS gate_actions,
        count(passed.action_key) AS passed_actions,
        CAST(coalesce(sum(gate_actions.cost_usd), 0) AS DOUBLE) AS gate_cost_usd,
        CAST(coalesce(sum(passed.cost_usd), 0) AS DOUBLE) AS gated_cost_usd,
        coalesce(sum(gate_actions.unpriced_calls), 0) + coalesce(sum(passed.unpriced_calls), 0)
            AS unpriced_calls
    FROM gates
    LEFT JOIN gate_actions ON gate_actions.gate = gates.gate
    LEFT JOIN passed ON passed.gate = gate_actions.gate AND passed.action_key = gate_actions.action_key
    GROUP BY ALL
)
SELECT
    gate AS "group",
    gate_for AS gated_feature,
    gate_actions,
    passed_actions,
    1 - passed_actions / nullif(gate_actions, 0) AS intercept_rate,
    gate_cost_usd,
    (gate_cost_usd + gated_cost_usd) / nullif(gate_actions, 0) AS gated_cost_per_action,
    gated_cost_usd / nullif(passed_actions, 0) AS cost_per_action_without_gate,
    CAST(unpriced_calls AS BIGINT) AS unpriced_calls
FROM per_gate
ORDER BY gate_actions DESC, gate
