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
sessions AS (
    SELECT
        session_id,
        first(grp ORDER BY ts, step, call_id) AS grp,
        count(DISTINCT action_key) AS actions,
        coalesce(sum(cost_usd), 0) AS cost_usd,
        count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls
    FROM period_calls
    WHERE session_id IS NOT NULL
    GROUP BY session_id
),
per_group AS (
    SELECT
        grp,
        count(*) AS sessions,
        sum(cost_usd) AS cost_usd,
        sum(actions) AS actions,
        sum(unpriced_calls) AS unpriced_calls
    FROM sessions
    GROUP BY grp
),
without_session AS (
    SELECT grp, count(*) AS calls_without_session
    FROM period_calls
    WHERE session_id IS NULL
    GROUP BY grp
),
joined AS (
    SELECT
        coalesce(per_group.grp, without_session.grp) AS grp,
        coalesce(per_group.sessions, 0) AS sessions,
        coalesce(per_group.cost_usd, 0) AS cost_usd,
        per_group.actions,
        coalesce(without_session.calls_without_session, 0) AS calls_without_session,
        coalesce(per_group.unpriced_calls, 0) AS unpriced_calls
    FROM per_group
    FULL JOIN without_session ON without_session.grp IS NOT DISTINCT FROM per_group.grp
)
SELECT
    grp AS "group",
    sessions,
    cost_usd,
    cost_usd / nullif(sessions, 0) AS cost_per_session,
    actions / nullif(sessions, 0) AS actions_per_session,
    CAST(calls_without_session AS BIGINT) AS calls_without_session,
    CAST(unpriced_calls AS BIGINT) AS unpriced_calls
FROM joined
ORDER BY
    CASE WHEN $group_by IN ('day', 'week') THEN grp END,
    cost_usd DESC,
    grp NULLS LAST
