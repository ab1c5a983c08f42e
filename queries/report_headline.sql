-- report headline: the period's spend, calls, active users and cost per successful task, each
-- beside the same figure for the previous period of equal length (Period.previous()).
--
-- Parameters:
--   $since       TIMESTAMPTZ  start of the period, inclusive (00:00 UTC)
--   $until       TIMESTAMPTZ  end of the period, exclusive
--   $prev_since  TIMESTAMPTZ  start of the previous period, inclusive
--   $prev_until  TIMESTAMPTZ  end of the previous period, exclusive (normally = $since)
--
-- Every figure comes from a metric macro (metric_spend, metric_cost_per_tier,
-- metric_cost_per_task with group_by 'none'), so it is defined exactly as in docs/metrics.md.
--
-- Output, exactly one row (an empty period gives zeros and NULL ratios):
--   cost_usd                       DOUBLE  priced cost of the period's calls
--   prev_cost_usd                  DOUBLE  idem, previous period
--   calls                          BIGINT  all calls
--   prev_calls                     BIGINT  idem, previous period
--   unpriced_calls                 BIGINT  calls of the period with cost_usd NULL
--   active_users                   BIGINT  distinct user_ids with a call
--   prev_active_users              BIGINT  idem, previous period
--   successful_tasks               BIGINT  tasks that succeeded (metric cost-per-task)
--   prev_successful_tasks          BIGINT  idem, previous period
--   cost_per_successful_task       DOUBLE  cost of all task calls / successful tasks; NULL if none
--   prev_cost_per_successful_task  DOUBLE  idem, previous period
--   last_call_at                   TIMESTAMPTZ  latest call in the whole warehouse (how fresh the data is)
WITH
cur_spend AS (
    FROM metric_spend(CAST($since AS TIMESTAMPTZ), CAST($until AS TIMESTAMPTZ), group_by := 'none')
),
prev_spend AS (
    FROM metric_spend(CAST($prev_since AS TIMESTAMPTZ), CAST($prev_until AS TIMESTAMPTZ), group_by := 'none')
),
cur_users AS (
    FROM metric_cost_per_tier(CAST($since AS TIMESTAMPTZ), CAST($until AS TIMESTAMPTZ), group_by := 'none')
),
prev_users AS (
    FROM metric_cost_per_tier(
        CAST($prev_since AS TIMESTAMPTZ), CAST($prev_until AS TIMESTAMPTZ), group_by := 'none'
    )
),
cur_tasks AS (
    FROM metric_cost_per_task(CAST($since AS TIMESTAMPTZ), CAST($until AS TIMESTAMPTZ), group_by := 'none')
),
prev_tasks AS (
    FROM metric_cost_per_task(
        CAST($prev_since AS TIMESTAMPTZ), CAST($prev_until AS TIMESTAMPTZ), group_by := 'none'
    )
)
SELECT
    coalesce((SELECT cost_usd FROM cur_spend), 0) AS cost_usd,
    coalesce((SELECT cost_usd FROM prev_spend), 0) AS prev_cost_usd,
    coalesce((SELECT calls FROM cur_spend), 0) AS calls,
    coalesce((SELECT calls FROM prev_spend), 0) AS prev_calls,
    coalesce((SELECT unpriced_calls FROM cur_spend), 0) AS unpriced_calls,
    coalesce((SELECT active_users FROM cur_users), 0) AS active_users,
    coalesce((SELECT active_users FROM prev_users), 0) AS prev_active_users,
    coalesce((SELECT successful_tasks FROM cur_tasks), 0) AS successful_tasks,
    coalesce((SELECT successful_tasks FROM prev_tasks), 0) AS prev_successful_tasks,
    (SELECT cost_per_successful_task FROM cur_tasks) AS cost_per_successful_task,
    (SELECT cost_per_successful_task FROM prev_tasks) AS prev_cost_per_successful_task,
    (SELECT max(ts) FROM calls) AS last_call_at
