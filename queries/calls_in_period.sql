-- The calls of a period, each with the value of its group: what every metric starts from;
-- the user-days of a period, for the per-user metrics; and the one rule of a successful task.
-- calls_in_period(since, until, group_by) -> the `calls` columns plus `grp` (VARCHAR) and
-- `partly_priced` (BOOLEAN): priced from the catalog or an override, but with a unit no price
-- covers left out of cost_usd (price_flags not empty). Every metric that sums cost counts these
-- calls as partially_priced_calls next to unpriced_calls.
-- since (inclusive) and until (exclusive) are TIMESTAMPTZ; a call belongs to the period by its ts.
-- group_by names the dimension: feature, team, user_tier, model, model_tier, provider,
-- prompt_version, day (UTC date), week (ISO week, Monday start, UTC: 2026-W47), none ('all');
-- any other name is an error rather than one silent group. A NULL dimension value is a group of
-- its own. The same bounds on the hive column `day` let DuckDB skip other days' files;
-- timezone('UTC', …) takes the UTC day whatever the session's time zone.
CREATE OR REPLACE MACRO calls_in_period(since, until, group_by) AS TABLE
    SELECT
        CASE group_by
            WHEN 'feature' THEN feature
            WHEN 'team' THEN team
            WHEN 'user_tier' THEN user_tier
            WHEN 'model' THEN model
            WHEN 'model_tier' THEN model_tier
            WHEN 'provider' THEN provider
            WHEN 'prompt_version' THEN prompt_version
            WHEN 'day' THEN strftime(timezone('UTC', ts), '%Y-%m-%d')
            WHEN 'week' THEN strftime(timezone('UTC', ts), '%G-W%V')
            WHEN 'none' THEN 'all'
            WHEN 'user_id' THEN user_id
            ELSE error('unknown group_by ' || group_by)
        END AS grp,
        *,
        coalesce(cost_source IN ('catalog', 'override') AND len(price_flags) > 0, false) AS partly_priced
    FROM calls
    WHERE ts >= CAST(since AS TIMESTAMPTZ) AND ts < CAST(until AS TIMESTAMPTZ)
        AND day >= CAST(timezone('UTC', CAST(since AS TIMESTAMPTZ)) AS DATE)
        AND day <= CAST(timezone('UTC', CAST(until AS TIMESTAMPTZ) - INTERVAL 1 MICROSECOND) AS DATE);

-- User-days of a period: one row per (group, user, UTC day with a call) of calls with a user_id:
-- the user's priced cost that day (unpriced calls add nothing) and how many calls were unpriced
-- or partly priced.
-- user_days_in_period(since, until, group_by) -> grp, user_id, utc_day, cost_usd, unpriced_calls,
-- partially_priced_calls.
CREATE OR REPLACE MACRO user_days_in_period(since, until, group_by) AS TABLE
    SELECT
        grp,
        user_id,
        CAST(timezone('UTC', ts) AS DATE) AS utc_day,
        -- summed exactly, so a user-day's cost (and what ranks on it) is the same on every run
        CAST(coalesce(sum(CAST(cost_usd AS DECIMAL(38, 12))), 0) AS DOUBLE) AS cost_usd,
        count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls,
        count(*) FILTER (WHERE partly_priced) AS partially_priced_calls
    FROM calls_in_period(since, until, group_by)
    WHERE user_id IS NOT NULL
    GROUP BY ALL;

-- Whether a task succeeded: an AGGREGATE over the task's calls (use it in a query grouped by
-- task_id). A task succeeded when its last non-NULL task_outcome is 'success'; when it logged
-- no outcome, when its last call's status is 'ok' (a NULL status: not succeeded, never NULL).
-- "Last" is by (ts, step, call_id), the order of a task's steps everywhere (whatif --step-cap).
-- task_succeeded(task_outcome, status, ts, step, call_id) -> BOOLEAN, never NULL.
-- One definition for cost-per-task and agent-loops (and the analyst file, and Spark, which
-- inlines it); first()/last() keep NULLs, so a NULL status on the last call is taken as it is.
CREATE OR REPLACE MACRO task_succeeded(task_outcome, status, ts, step, call_id) AS
    coalesce(
        last(task_outcome ORDER BY ts, step, call_id) FILTER (WHERE task_outcome IS NOT NULL) = 'success',
        last(status ORDER BY ts, step, call_id) = 'ok',
        false
    );
