-- cost-per-session: what one user or agent session costs, and how many actions it holds.
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until     TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      feature, team, user_tier, model, model_tier, provider,
--                           prompt_version, day, week (ISO, e.g. 2026-W47) or none
-- @param group_by = feature
--
-- Only calls with a session_id, and of those only the calls inside the period; the others
-- are counted in calls_without_session (under their own call's group). A session belongs to
-- the group of its FIRST call (by ts, step, call_id) with all of its calls' cost, so each
-- session is counted once. An action is coalesce(action_id, task_id, call_id), as in
-- cost-per-action; a session's actions are the distinct actions among its calls.
--
-- The CLI and llmfinops.metrics.compute name `group` after the dimension (group_by none:
-- no key column); this macro cannot, so here it is `group`.
--
-- Output, one row per group with a call; most expensive first (day/week: oldest first):
--   group                  VARCHAR  dimension value of the sessions' first calls (NULL is a group)
--   sessions               BIGINT   distinct session_ids
--   cost_usd               DOUBLE   cost of all the sessions' calls; unpriced calls add nothing
--   cost_per_session       DOUBLE   cost_usd / sessions; NULL when there are none
--   actions_per_session    DOUBLE   the sessions' actions / sessions; NULL when there are none
--   calls_without_session  BIGINT   the group's calls with no session_id (not in the figures above)
--   unpriced_calls         BIGINT   the sessions' calls with cost_usd NULL
WITH period_calls AS (
    SELECT
        grp,
        session_id,
        coalesce('action:' || action_id, 'task:' || task_id, 'call:' || call_id) AS action_key,
        ts,
        step,
        call_id,
        cost_usd
    FROM calls_in_period($since, $until, $group_by)
),
-- One pass over the calls: a row per session, and a row per group for its calls without one.
units AS (
    SELECT
        session_id,
        first(grp ORDER BY ts, step, call_id) AS grp,
        count(DISTINCT action_key) AS actions,
        count(*) AS calls,
        -- exact: a float sum varies in its last bits with the thread count, and so would ranks
        coalesce(sum(CAST(cost_usd AS DECIMAL(38, 12))), 0) AS cost_usd,
        count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls
    FROM period_calls
    GROUP BY session_id, CASE WHEN session_id IS NULL THEN grp END
),
joined AS (
    SELECT
        grp,
        count(*) FILTER (WHERE session_id IS NOT NULL) AS sessions,
        coalesce(sum(cost_usd) FILTER (WHERE session_id IS NOT NULL), 0) AS cost_usd,
        sum(actions) FILTER (WHERE session_id IS NOT NULL) AS actions,
        coalesce(sum(calls) FILTER (WHERE session_id IS NULL), 0) AS calls_without_session,
        coalesce(sum(unpriced_calls) FILTER (WHERE session_id IS NOT NULL), 0) AS unpriced_calls
    FROM units
    GROUP BY grp
)
SELECT
    grp AS "group",
    sessions,
    CAST(cost_usd AS DOUBLE) AS cost_usd,
    CAST(cost_usd AS DOUBLE) / nullif(sessions, 0) AS cost_per_session,
    actions / nullif(sessions, 0) AS actions_per_session,
    CAST(calls_without_session AS BIGINT) AS calls_without_session,
    CAST(unpriced_calls AS BIGINT) AS unpriced_calls
FROM joined
ORDER BY
    CASE WHEN $group_by IN ('day', 'week') THEN grp END,
    cost_usd DESC,
    grp NULLS LAST
