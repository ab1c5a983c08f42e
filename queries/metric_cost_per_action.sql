-- cost-per-action: what one user action (a click, a message) costs, and how many calls it takes.
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until     TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      feature, team, user_tier, model, model_tier, provider,
--                           prompt_version, day, week (ISO, e.g. 2026-W47) or none
-- @param group_by = feature
--
-- An action is coalesce(action_id, task_id, call_id): a call with no action_id belongs
-- to its task's action, a call with neither is an action of its own. The three kinds of
-- id are kept apart (an action_id 'x' is not the task_id 'x').
-- An action belongs to the group of its FIRST call (by ts, step, call_id) with all of its
-- calls, so each action is counted once; only calls inside the period are used.
--
-- The CLI and llmfinops.metrics.compute name `group` after the dimension (group_by none:
-- no key column); this macro cannot, so here it is `group`.
--
-- Output, one row per group; most expensive first (day/week: oldest first):
--   group             VARCHAR  dimension value of the actions' first calls (NULL is a group)
--   actions           BIGINT   distinct actions
--   calls             BIGINT   their calls, unpriced ones and response-cache hits included
--   calls_per_action  DOUBLE   calls / actions
--   cost_usd          DOUBLE   sum of cost_usd; unpriced calls add nothing
--   cost_per_action   DOUBLE   cost_usd / actions
--   cost_per_call     DOUBLE   cost_usd / calls
--   unpriced_calls    BIGINT   calls with cost_usd NULL
--   partially_priced_calls BIGINT priced calls with a unit no price covers (price_flags), left out of cost_usd
WITH period_calls AS (
    SELECT
        grp,
        coalesce('action:' || action_id, 'task:' || task_id, 'call:' || call_id) AS action_key,
        ts,
        step,
        call_id,
        cost_usd,
        partly_priced
    FROM calls_in_period($since, $until, $group_by)
),
actions AS (
    SELECT
        action_key,
        first(grp ORDER BY ts, step, call_id) AS grp,
        count(*) AS calls,
        -- exact: a float sum varies in its last bits with the thread count, and so would ranks
        coalesce(sum(CAST(cost_usd AS DECIMAL(38, 12))), 0) AS cost_usd,
        count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls,
        count(*) FILTER (WHERE partly_priced) AS partially_priced_calls
    FROM period_calls
    GROUP BY action_key
),
per_group AS (
    SELECT
        grp,
        count(*) AS actions,
        CAST(sum(calls) AS BIGINT) AS calls,
        sum(cost_usd) AS cost_usd,
        CAST(sum(unpriced_calls) AS BIGINT) AS unpriced_calls,
        CAST(sum(partially_priced_calls) AS BIGINT) AS partially_priced_calls
    FROM actions
    GROUP BY grp
)
SELECT
    grp AS "group",
    actions,
    calls,
    calls / actions AS calls_per_action,
    CAST(cost_usd AS DOUBLE) AS cost_usd,
    CAST(cost_usd AS DOUBLE) / actions AS cost_per_action,
    CAST(cost_usd AS DOUBLE) / calls AS cost_per_call,
    unpriced_calls,
    partially_priced_calls
FROM per_group
ORDER BY
    CASE WHEN $group_by IN ('day', 'week') THEN grp END,
    cost_usd DESC,
    grp NULLS LAST
