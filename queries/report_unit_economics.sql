-- report unit economics per feature: what a successful task, an action, a token and a cache hit
-- look like per feature, and the model-tier mix, beside the previous period's.
--
-- Parameters:
--   $since       TIMESTAMPTZ  start of the period, inclusive (00:00 UTC)
--   $until       TIMESTAMPTZ  end of the period, exclusive
--   $prev_since  TIMESTAMPTZ  start of the previous period, inclusive
--   $prev_until  TIMESTAMPTZ  end of the previous period, exclusive
--
-- Every figure is a metric macro grouped by feature (definitions in docs/metrics.md):
-- metric_spend, metric_cost_per_task, metric_cost_per_action, metric_output_token_ratio,
-- metric_cache_hit_rate and metric_model_tier_mix. Tasks and actions belong to the feature of
-- their first call. prev_* columns are the same figure in the previous period.
--
-- Output, one row per feature with a call in either period (NULL feature is a row); most
-- expensive first:
--   feature                        VARCHAR  feature (NULL: calls without one)
--   calls                          BIGINT   calls in the period
--   cost_usd                       DOUBLE   priced cost
--   prev_cost_usd                  DOUBLE
--   successful_tasks               BIGINT   tasks that succeeded
--   cost_per_successful_task       DOUBLE   task cost / successful tasks; NULL without a success
--   prev_cost_per_successful_task  DOUBLE
--   cost_per_action                DOUBLE   cost / actions (action = action_id, else task_id, else call)
--   prev_cost_per_action           DOUBLE
--   calls_per_action               DOUBLE   calls / actions
--   prev_calls_per_action          DOUBLE
--   output_token_ratio             DOUBLE   output tokens / input tokens of calls that reached a model
--   prev_output_token_ratio        DOUBLE
--   response_cache_hit_rate        DOUBLE   calls answered by the app's response cache / calls
--   prev_response_cache_hit_rate   DOUBLE
--   prompt_cache_token_rate        DOUBLE   cached input tokens / input tokens (calls that reached a model)
--   prev_prompt_cache_token_rate   DOUBLE
--   budget_call_share              DOUBLE   share of model calls on budget-tier models
--   mid_call_share                 DOUBLE   idem, mid tier
--   frontier_call_share            DOUBLE   idem, frontier tier (unplaced models count in no share)
--   prev_frontier_call_share       DOUBLE
WITH
spend AS (FROM metric_spend(CAST($since AS TIMESTAMPTZ), CAST($until AS TIMESTAMPTZ), group_by := 'feature')),
prev_spend AS (
    FROM metric_spend(CAST($prev_since AS TIMESTAMPTZ), CAST($prev_until AS TIMESTAMPTZ), group_by := 'feature')
),
tasks AS (
    FROM metric_cost_per_task(CAST($since AS TIMESTAMPTZ), CAST($until AS TIMESTAMPTZ), group_by := 'feature')
),
prev_tasks AS (
    FROM metric_cost_per_task(
        CAST($prev_since AS TIMESTAMPTZ), CAST($prev_until AS TIMESTAMPTZ), group_by := 'feature'
    )
),
actions AS (
    FROM metric_cost_per_action(CAST($since AS TIMESTAMPTZ), CAST($until AS TIMESTAMPTZ), group_by := 'feature')
),
prev_actions AS (
    FROM metric_cost_per_action(
        CAST($prev_since AS TIMESTAMPTZ), CAST($prev_until AS TIMESTAMPTZ), group_by := 'feature'
    )
),
tokens AS (
    FROM metric_output_token_ratio(
        CAST($since AS TIMESTAMPTZ), CAST($until AS TIMESTAMPTZ), group_by := 'feature'
    )
),
prev_tokens AS (
    FROM metric_output_token_ratio(
        CAST($prev_since AS TIMESTAMPTZ), CAST($prev_until AS TIMESTAMPTZ), group_by := 'feature'
    )
),
cache AS (
    FROM metric_cache_hit_rate(CAST($since AS TIMESTAMPTZ), CAST($until AS TIMESTAMPTZ), group_by := 'feature')
),
prev_cache AS (
    FROM metric_cache_hit_rate(
        CAST($prev_since AS TIMESTAMPTZ), CAST($prev_until AS TIMESTAMPTZ), group_by := 'feature'
    )
),
mix AS (
    SELECT
        "group",
        true AS seen,  -- the feature had calls that reached a model
        sum(call_share) FILTER (WHERE model_tier = 'budget') AS budget_call_share,
        sum(call_share) FILTER (WHERE model_tier = 'mid') AS mid_call_share,
        sum(call_share) FILTER (WHERE model_tier = 'frontier') AS frontier_call_share
    FROM metric_model_tier_mix(CAST($since AS TIMESTAMPTZ), CAST($until AS TIMESTAMPTZ), group_by := 'feature')
    GROUP BY "group"
),
prev_mix AS (
    SELECT "group", true AS seen, sum(call_share) FILTER (WHERE model_tier = 'frontier') AS frontier_call_share
    FROM metric_model_tier_mix(
        CAST($prev_since AS TIMESTAMPTZ), CAST($prev_until AS TIMESTAMPTZ), group_by := 'feature'
    )
    GROUP BY "group"
),
features AS (
    SELECT "group" FROM spend
    UNION
    SELECT "group" FROM prev_spend
)
SELECT
    f."group" AS feature,
    coalesce(spend.calls, 0) AS calls,
    coalesce(spend.cost_usd, 0) AS cost_usd,
    coalesce(prev_spend.cost_usd, 0) AS prev_cost_usd,
    coalesce(tasks.successful_tasks, 0) AS successful_tasks,
    tasks.cost_per_successful_task,
    prev_tasks.cost_per_successful_task AS prev_cost_per_successful_task,
    actions.cost_per_action,
    prev_actions.cost_per_action AS prev_cost_per_action,
    actions.calls_per_action,
    prev_actions.calls_per_action AS prev_calls_per_action,
    tokens.output_token_ratio,
    prev_tokens.output_token_ratio AS prev_output_token_ratio,
    cache.response_cache_hit_rate,
    prev_cache.response_cache_hit_rate AS prev_response_cache_hit_rate,
    cache.prompt_cache_token_rate,
    prev_cache.prompt_cache_token_rate AS prev_prompt_cache_token_rate,
    -- A feature with model calls but none on a tier has a 0 share of it, not NULL.
    CASE WHEN mix.seen THEN coalesce(mix.budget_call_share, 0) END AS budget_call_share,
    CASE WHEN mix.seen THEN coalesce(mix.mid_call_share, 0) END AS mid_call_share,
    CASE WHEN mix.seen THEN coalesce(mix.frontier_call_share, 0) END AS frontier_call_share,
    CASE WHEN prev_mix.seen THEN coalesce(prev_mix.frontier_call_share, 0) END AS prev_frontier_call_share
FROM features AS f
LEFT JOIN spend ON spend."group" IS NOT DISTINCT FROM f."group"
LEFT JOIN prev_spend ON prev_spend."group" IS NOT DISTINCT FROM f."group"
LEFT JOIN tasks ON tasks."group" IS NOT DISTINCT FROM f."group"
LEFT JOIN prev_tasks ON prev_tasks."group" IS NOT DISTINCT FROM f."group"
LEFT JOIN actions ON actions."group" IS NOT DISTINCT FROM f."group"
LEFT JOIN prev_actions ON prev_actions."group" IS NOT DISTINCT FROM f."group"
LEFT JOIN tokens ON tokens."group" IS NOT DISTINCT FROM f."group"
LEFT JOIN prev_tokens ON prev_tokens."group" IS NOT DISTINCT FROM f."group"
LEFT JOIN cache ON cache."group" IS NOT DISTINCT FROM f."group"
LEFT JOIN prev_cache ON prev_cache."group" IS NOT DISTINCT FROM f."group"
LEFT JOIN mix ON mix."group" IS NOT DISTINCT FROM f."group"
LEFT JOIN prev_mix ON prev_mix."group" IS NOT DISTINCT FROM f."group"
ORDER BY cost_usd DESC, feature NULLS LAST
