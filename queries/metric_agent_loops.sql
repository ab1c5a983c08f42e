-- agent-loops: how agent tasks grow — steps, cost per task, context growth, success by length,
-- runaway tasks, and what capping their steps would save.
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until     TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      feature, team, user_tier, model, model_tier, provider,
--                           prompt_version, day, week (ISO, e.g. 2026-W47) or none
-- @param group_by = feature
-- Session variable: agents_task_budget_usd ([agents] task_budget_usd; NULL -> 0.50).
--
-- Only calls with a task_id, and of those only the calls inside the period (as cost-per-task).
-- A task belongs to the group of its FIRST call; steps = its calls in the period; a call's step
-- index = row_number() over the task's calls ordered by (ts, step, call_id) (as whatif --step-cap).
-- A task succeeded when its last non-NULL task_outcome is 'success'; when it logged no outcome,
-- when its last call (by ts, step, call_id) has status 'ok' (the macro task_succeeded,
-- queries/calls_in_period.sql, as cost-per-task). A task's cost is the sum of its priced calls
-- (unpriced ones add nothing), summed exactly (DECIMAL) so its rank is the same on every run. A response-cache hit reached no model:
-- its input tokens count as none (NULL in the means, 0 in the cumulative sums).
--
-- Output, one row per group; most expensive first (day/week: oldest first):
--   group                    VARCHAR  dimension value of the tasks' first calls (NULL is a group)
--   tasks                    BIGINT   distinct task_ids
--   steps_p50                DOUBLE   quantile_cont(0.5) of steps per task
--   steps_p95                DOUBLE   quantile_cont(0.95) of steps per task
--   steps_max                BIGINT   most steps of one task
--   cost_per_task_p50        DOUBLE   quantile_cont(0.5) of the tasks' cost
--   cost_per_task_p95        DOUBLE   quantile_cont(0.95) of the tasks' cost
--   cost_per_task_max        DOUBLE   the costliest task
--   top5pct_cost_share       DOUBLE   cost of the ceil(5% of tasks) costliest tasks / cost_usd (NULL if 0)
--   input_tokens_step1       DOUBLE   mean input tokens of the calls at index 1
--   input_tokens_last        DOUBLE   mean input tokens of each task's call at its last index
--   context_growth_exponent  DOUBLE   regr_slope(ln cumulative input tokens at index i, ln i) over all
--                                     (task, index) pairs of tasks with >= 2 steps (pairs whose
--                                     cumulative input is 0 have no logarithm and are left out);
--                                     1 = linear, 2 = each step re-sends everything before it
--   success_rate_1           DOUBLE   successful / tasks among the tasks of 1 step (NULL: no such task)
--   success_rate_2_3         DOUBLE   idem, tasks of 2-3 steps
--   success_rate_4_7         DOUBLE   idem, 4-7 steps
--   success_rate_8_15        DOUBLE   idem, 8-15 steps
--   success_rate_16_plus     DOUBLE   idem, 16 steps or more
--   runaway_tasks            BIGINT   tasks with steps above the P99 (quantile_cont) of the group's
--                                     successful tasks' steps, or cost above the task budget
--   suggested_step_cap       BIGINT   quantile_disc(0.95) of the successful tasks' steps (NULL: none)
--   step_cap_savings_usd     DOUBLE   cost of the group's tasks' calls at an index above the cap:
--                                     what whatif --step-cap <group>=<cap> saves (NULL without a cap)
--   cost_usd                 DOUBLE   cost of all the tasks' calls
--   unpriced_calls           BIGINT   the tasks' calls with cost_usd NULL
--   partially_priced_calls   BIGINT   the tasks' calls priced with a unit no price covers (price_flags)
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
        partly_priced,
        CASE WHEN NOT coalesce(response_cache_hit, false) THEN input_tokens END AS input_tokens,
        row_number() OVER (PARTITION BY task_id ORDER BY ts, step, call_id) AS idx
    FROM calls_in_period($since, $until, $group_by)
    WHERE task_id IS NOT NULL
),
indexed AS (
    SELECT
        *,
        sum(coalesce(input_tokens, 0)) OVER (PARTITION BY task_id ORDER BY idx) AS cum_input
    FROM period_calls
),
tasks AS (
    SELECT
        task_id,
        first(grp ORDER BY idx) AS grp,
        task_succeeded(task_outcome, status, ts, step, call_id) AS succeeded,
        count(*) AS steps,
        -- exact: a float sum varies in its last bits with the thread count, and so would ranks
        coalesce(sum(CAST(cost_usd AS DECIMAL(38, 12))), 0) AS exact_cost,
        CAST(coalesce(sum(CAST(cost_usd AS DECIMAL(38, 12))), 0) AS DOUBLE) AS cost_usd,
        count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls,
        count(*) FILTER (WHERE partly_priced) AS partially_priced_calls,
        first(input_tokens ORDER BY idx) AS input_first,
        last(input_tokens ORDER BY idx) AS input_last
    FROM indexed
    GROUP BY task_id
),
judged AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY grp ORDER BY exact_cost DESC, task_id) AS cost_rank,
        count(*) OVER (PARTITION BY grp) AS group_tasks
    FROM tasks
),
limits AS (
    SELECT
        grp,
        quantile_cont(steps, 0.99) FILTER (WHERE succeeded) AS p99_success_steps,
        quantile_disc(steps, 0.95) FILTER (WHERE succeeded) AS suggested_step_cap
    FROM judged
    GROUP BY grp
),
capped AS (
    SELECT
        t.grp,
        sum(i.cost_usd) FILTER (WHERE i.idx > l.suggested_step_cap) AS capped_cost
    FROM indexed AS i
    JOIN judged AS t ON t.task_id = i.task_id
    JOIN limits AS l ON l.grp IS NOT DISTINCT FROM t.grp
    GROUP BY t.grp
),
growth_pairs AS (
    -- ORDER BY: the same sums in the same order on every run, so the same last bit
    SELECT t.grp, regr_slope(ln(i.cum_input), ln(i.idx) ORDER BY i.task_id, i.idx) AS slope
    FROM indexed AS i
    JOIN judged AS t ON t.task_id = i.task_id
    WHERE t.steps >= 2 AND i.cum_input > 0
    GROUP BY t.grp
),
per_group AS (
    SELECT
        j.grp,
        count(*) AS tasks,
        quantile_cont(j.steps, 0.5) AS steps_p50,
        quantile_cont(j.steps, 0.95) AS steps_p95,
        max(j.steps) AS steps_max,
        quantile_cont(j.cost_usd, 0.5) AS cost_per_task_p50,
        quantile_cont(j.cost_usd, 0.95) AS cost_per_task_p95,
        max(j.cost_usd) AS cost_per_task_max,
        CAST(sum(j.exact_cost) FILTER (WHERE j.cost_rank <= ceil(0.05 * j.group_tasks)) AS DOUBLE) AS top_cost,
        avg(j.input_first) AS input_tokens_step1,
        avg(j.input_last) AS input_tokens_last,
        avg(CAST(j.succeeded AS INTEGER)) FILTER (WHERE j.steps = 1) AS success_rate_1,
        avg(CAST(j.succeeded AS INTEGER)) FILTER (WHERE j.steps BETWEEN 2 AND 3) AS success_rate_2_3,
        avg(CAST(j.succeeded AS INTEGER)) FILTER (WHERE j.steps BETWEEN 4 AND 7) AS success_rate_4_7,
        avg(CAST(j.succeeded AS INTEGER)) FILTER (WHERE j.steps BETWEEN 8 AND 15) AS success_rate_8_15,
        avg(CAST(j.succeeded AS INTEGER)) FILTER (WHERE j.steps >= 16) AS success_rate_16_plus,
        count(*) FILTER (
            WHERE j.steps > l.p99_success_steps
                OR j.cost_usd > coalesce(CAST(getvariable('agents_task_budget_usd') AS DOUBLE), 0.50)
        ) AS runaway_tasks,
        any_value(l.suggested_step_cap) AS suggested_step_cap,
        CAST(sum(j.exact_cost) AS DOUBLE) AS cost_usd,
        sum(j.unpriced_calls) AS unpriced_calls,
        sum(j.partially_priced_calls) AS partially_priced_calls
    FROM judged AS j
    JOIN limits AS l ON l.grp IS NOT DISTINCT FROM j.grp
    GROUP BY j.grp
)
SELECT
    p.grp AS "group",
    p.tasks,
    p.steps_p50,
    p.steps_p95,
    p.steps_max,
    p.cost_per_task_p50,
    p.cost_per_task_p95,
    p.cost_per_task_max,
    p.top_cost / nullif(p.cost_usd, 0) AS top5pct_cost_share,
    p.input_tokens_step1,
    p.input_tokens_last,
    gp.slope AS context_growth_exponent,
    p.success_rate_1,
    p.success_rate_2_3,
    p.success_rate_4_7,
    p.success_rate_8_15,
    p.success_rate_16_plus,
    p.runaway_tasks,
    CAST(p.suggested_step_cap AS BIGINT) AS suggested_step_cap,
    CASE WHEN p.suggested_step_cap IS NOT NULL THEN coalesce(g.capped_cost, 0) END AS step_cap_savings_usd,
    p.cost_usd,
    CAST(p.unpriced_calls AS BIGINT) AS unpriced_calls,
    CAST(p.partially_priced_calls AS BIGINT) AS partially_priced_calls
FROM per_group AS p
LEFT JOIN capped AS g ON g.grp IS NOT DISTINCT FROM p.grp
LEFT JOIN growth_pairs AS gp ON gp.grp IS NOT DISTINCT FROM p.grp
ORDER BY
    CASE WHEN $group_by IN ('day', 'week') THEN p.grp END,
    p.cost_usd DESC,
    p.grp NULLS LAST
