-- report runaway tasks: the period's runaway agent tasks, costliest first (showback "Agents").
--
-- Parameters:
--   $since  TIMESTAMPTZ  start, inclusive        $until  TIMESTAMPTZ  end, exclusive
-- Session variable: agents_task_budget_usd ([agents] task_budget_usd; NULL -> 0.50).
-- As agent-loops defines them: a task (feature of its first call, judged as cost-per-task) runs
-- away when its steps are above the P99 (quantile_cont) of its feature's successful tasks'
-- steps, or its cost is above the task budget.
--
-- Output, one row per runaway task; costliest first (ties by task_id):
--   feature     VARCHAR      the feature of the task's first call
--   task_id     VARCHAR      the task
--   started_at  TIMESTAMPTZ  its first call in the period
--   steps       BIGINT       its calls in the period
--   cost_usd    DOUBLE       their cost
--   outcome     VARCHAR      success | failure (as cost-per-task judges it)
--   why         VARCHAR      steps | cost | steps and cost: which limit it crossed
WITH tasks AS (
    SELECT
        task_id,
        first(feature ORDER BY ts, step, call_id) AS feature,
        min(ts) AS started_at,
        count(*) AS steps,
        coalesce(sum(cost_usd), 0) AS cost_usd,
        task_succeeded(task_outcome, status, ts, step, call_id) AS succeeded  -- queries/calls_in_period.sql
    FROM calls_in_period($since, $until, 'feature')
    WHERE task_id IS NOT NULL
    GROUP BY task_id
),
limits AS (
    SELECT feature, quantile_cont(steps, 0.99) FILTER (WHERE succeeded) AS p99_steps
    FROM tasks
    GROUP BY feature
),
judged AS (
    SELECT
        t.*,
        coalesce(t.steps > l.p99_steps, false) AS by_steps,
        t.cost_usd > coalesce(CAST(getvariable('agents_task_budget_usd') AS DOUBLE), 0.50) AS by_cost
    FROM tasks AS t
    JOIN limits AS l ON l.feature IS NOT DISTINCT FROM t.feature
)
SELECT
    feature,
    task_id,
    started_at,
    steps,
    cost_usd,
    CASE WHEN succeeded THEN 'success' ELSE 'failure' END AS outcome,
    CASE WHEN by_steps AND by_cost THEN 'steps and cost' WHEN by_steps THEN 'steps' ELSE 'cost' END AS why
FROM judged
WHERE by_steps OR by_cost
ORDER BY cost_usd DESC, task_id
