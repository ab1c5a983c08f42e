-- savings prompt versions: cost per successful task per feature and prompt version, for the
-- `prompt_regression` opportunity (run for the period and for the one before it).
--
-- Parameters:
--   $since  TIMESTAMPTZ  start, inclusive        $until  TIMESTAMPTZ  end, exclusive
-- Tasks as in cost-per-task (first call's feature and prompt_version; success judged the same).
--
-- Output, one row per (feature, prompt_version) with tasks; by feature, then most tasks first:
--   feature                   VARCHAR  the feature of the tasks' first calls
--   prompt_version            VARCHAR  their prompt version (NULL is a version of its own)
--   tasks                     BIGINT   tasks
--   successful_tasks          BIGINT   of them, successful
--   cost_usd                  DOUBLE   cost of all their calls
--   cost_per_successful_task  DOUBLE   cost_usd / successful_tasks (NULL when none succeeded)
--   success_rate              DOUBLE   successful_tasks / tasks
WITH tasks AS (
    SELECT
        task_id,
        first(feature ORDER BY ts, step, call_id) AS feature,
        first(prompt_version ORDER BY ts, step, call_id) AS prompt_version,
        coalesce(sum(cost_usd), 0) AS cost_usd,
        task_succeeded(task_outcome, status, ts, step, call_id) AS succeeded  -- queries/calls_in_period.sql
    FROM calls_in_period($since, $until, 'feature')
    WHERE task_id IS NOT NULL
    GROUP BY task_id
)
SELECT
    feature,
    prompt_version,
    count(*) AS tasks,
    count(*) FILTER (WHERE succeeded) AS successful_tasks,
    sum(cost_usd) AS cost_usd,
    sum(cost_usd) / nullif(count(*) FILTER (WHERE succeeded), 0) AS cost_per_successful_task,
    count(*) FILTER (WHERE succeeded) / count(*) AS success_rate
FROM tasks
WHERE feature IS NOT NULL
GROUP BY feature, prompt_version
ORDER BY feature, tasks DESC, prompt_version NULLS LAST
