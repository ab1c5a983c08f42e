-- report agent steps: per agent feature and step index, what the calls at that index cost and
-- how much input they sent — the shape of the agent loop (showback section "Agents").
--
-- Parameters:
--   $since  TIMESTAMPTZ  start, inclusive        $until  TIMESTAMPTZ  end, exclusive
-- Tasks as in agent-loops: calls with a task_id in the period, in the feature of the task's first
-- call; a call's step index = row_number() over its task's calls by (ts, step, call_id).
-- Response-cache hits send no input to a model: left out of the token mean.
--
-- Output, one row per (feature, step_index); by feature, then index:
--   feature            VARCHAR  the feature of the tasks' first calls
--   step_index         BIGINT   1, 2, ...
--   tasks              BIGINT   tasks that reached this index
--   cost_usd           DOUBLE   cost of the calls at this index (unpriced add nothing)
--   mean_input_tokens  DOUBLE   mean input tokens of the calls at this index that reached a model
WITH indexed AS (
    SELECT
        task_id,
        cost_usd,
        CASE WHEN NOT coalesce(response_cache_hit, false) THEN input_tokens END AS input_tokens,
        first(feature) OVER (PARTITION BY task_id ORDER BY ts, step, call_id) AS task_feature,
        row_number() OVER (PARTITION BY task_id ORDER BY ts, step, call_id) AS step_index
    FROM calls_in_period($since, $until, 'feature')
    WHERE task_id IS NOT NULL
)
SELECT
    task_feature AS feature,
    step_index,
    count(*) AS tasks,
    coalesce(sum(cost_usd), 0) AS cost_usd,
    avg(input_tokens) AS mean_input_tokens
FROM indexed
WHERE task_feature IS NOT NULL
GROUP BY ALL
ORDER BY feature, step_index
