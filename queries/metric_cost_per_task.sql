-- cost-per-task: what a task (an agent run, a retried job) costs, counted per successful task.
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until     TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      feature, team, user_tier, model, model_tier, provider,
--                           prompt_version, day, week (ISO, e.g. 2026-W47) or none
-- @param group_by = feature
--
-- Only calls with a task_id, and of those only the calls inside the period: a task that
-- straddles the period boundary is judged on the part inside it.
-- A task belongs to the group of its FIRST call (by ts, step, call_id), with all of its
-- calls' cost, even when later calls carry another value (e.g. a search task that ends
-- in chat is a search task). So each task is counted once.
-- A task succeeded when its last non-NULL task_outcome is 'success'; when it logged no
-- outcome, when its last call (by ts, then step, then call_id) has status 'ok' (the macro
-- task_succeeded, queries/calls_in_period.sql).
--
-- The CLI and llmfinops.metrics.compute name `group` after the dimension (group_by none:
-- no key column); this macro cannot, so here it is `group`.
--
-- Output, one row per group; most expensive first (day/week: oldest first):
--   group                     VARCHAR  dimension value of the tasks' first calls (NULL is a group)
--   tasks                     BIGINT   distinct task_ids
--   successful_tasks          BIGINT   tasks that succeeded (see above)
--   cost_usd                  DOUBLE   cost of all the tasks' calls, failed and retried ones included
--   cost_per_successful_task  DOUBLE   cost_usd / successful_tasks; NULL when none succeeded
--   avg_steps                 DOUBLE   calls per task
--   unpriced_calls            BIGINT   the tasks' calls with cost_usd NULL (they add nothing)
--   partially_priced_calls BIGINT priced calls with a unit no price covers (price_flags), left out of cost_usd
WITH period_calls AS (
    SELECT
        grp,
        task_id,
        ts,
        step,
        call_id,
        status,
        task_outcome,
        cost_usd,
        partly_priced
    FROM calls_in_period($since, $until, $group_by)
    WHERE task_id IS NOT NULL
),
tasks AS (
    SELECT
        task_id,
        -- first()/last() keep NULLs, so a NULL group or status is taken as it is.
        first(grp ORDER BY ts, step, call_id) AS grp,
        task_succeeded(task_outcome, status, ts, step, call_id) AS succeeded,
        count(*) AS calls,
        -- exact: a float sum varies in its last bits with the thread count, and so would ranks
        coalesce(sum(CAST(cost_usd AS DECIMAL(38, 12))), 0) AS cost_usd,
        count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls,
        count(*) FILTER (WHERE partly_priced) AS partially_priced_calls
    FROM period_calls
    GROUP BY task_id
),
per_group AS (
    SELECT
        grp,
        count(*) AS tasks,
        count(*) FILTER (WHERE succeeded) AS successful_tasks,
        sum(cost_usd) AS cost_usd,
        sum(calls) AS calls,
        sum(unpriced_calls) AS unpriced_calls,
        sum(partially_priced_calls) AS partially_priced_calls
    FROM tasks
    GROUP BY grp
)
SELECT
    grp AS "group",
    tasks,
    successful_tasks,
    CAST(cost_usd AS DOUBLE) AS cost_usd,
    CAST(cost_usd AS DOUBLE) / nullif(successful_tasks, 0) AS cost_per_successful_task,
    calls / tasks AS avg_steps,
    CAST(unpriced_calls AS BIGINT) AS unpriced_calls,
    CAST(partially_priced_calls AS BIGINT) AS partially_priced_calls
FROM per_group
ORDER BY
    CASE WHEN $group_by IN ('day', 'week') THEN grp END,
    cost_usd DESC,
    grp NULLS LAST
