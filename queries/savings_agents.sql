-- savings agents: per feature, the step and context caps that would stop its runaway tasks and
-- how many successful tasks each would cut, for the `step_cap` and `context_cap` opportunities.
--
-- Parameters:
--   $since  TIMESTAMPTZ  start, inclusive        $until  TIMESTAMPTZ  end, exclusive
-- Tasks as in cost-per-task and agent-loops: calls with a task_id inside the period, grouped by
-- the task's first call (by ts, step, call_id), judged successful the same way. A task's context
-- is the largest input of one of its calls that reached a model.
--
-- Output, one row per feature with tasks:
--   feature                   VARCHAR  the feature of the tasks' first calls
--   tasks                     BIGINT   tasks
--   successful_tasks          BIGINT   of them, successful
--   step_cap                  BIGINT   quantile_disc(0.95) of successful tasks' steps (as agent-loops)
--   tasks_cut_by_step_cap     BIGINT   successful tasks with more steps than step_cap
--   context_cap               BIGINT   quantile_disc(0.95) of successful tasks' largest input
--   tasks_cut_by_context_cap  BIGINT   successful tasks with a call whose input is above context_cap
WITH task_calls AS (
    SELECT
        task_id,
        feature,
        ts,
        step,
        call_id,
        status,
        task_outcome,
        CASE WHEN NOT coalesce(response_cache_hit, false) THEN input_tokens END AS input_tokens
    FROM calls_in_period($since, $until, 'feature')
    WHERE task_id IS NOT NULL
),
tasks AS (
    SELECT
        task_id,
        first(feature ORDER BY ts, step, call_id) AS feature,
        count(*) AS steps,
        max(input_tokens) AS context,
        task_succeeded(task_outcome, status, ts, step, call_id) AS succeeded  -- queries/calls_in_period.sql
    FROM task_calls
    GROUP BY task_id
),
caps AS (
    SELECT
        feature,
        count(*) AS tasks,
        count(*) FILTER (WHERE succeeded) AS successful_tasks,
        quantile_disc(steps, 0.95) FILTER (WHERE succeeded) AS step_cap,
        quantile_disc(context, 0.95) FILTER (WHERE succeeded) AS context_cap
    FROM tasks
    WHERE feature IS NOT NULL
    GROUP BY feature
)
SELECT
    c.feature,
    c.tasks,
    c.successful_tasks,
    CAST(c.step_cap AS BIGINT) AS step_cap,
    count(*) FILTER (WHERE t.succeeded AND t.steps > c.step_cap) AS tasks_cut_by_step_cap,
    CAST(c.context_cap AS BIGINT) AS context_cap,
    count(*) FILTER (WHERE t.succeeded AND t.context > c.context_cap) AS tasks_cut_by_context_cap
FROM caps AS c
JOIN tasks AS t ON t.feature = c.feature
GROUP BY ALL
ORDER BY c.feature
