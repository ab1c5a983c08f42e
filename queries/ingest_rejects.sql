-- Records a reader rejected before any field could be read (e.g. a CSV row with the wrong
-- number of columns): quarantine rows with the reader's reason and no data.
-- Input: relation `lines(line_no BIGINT, why VARCHAR)`. Parameters: $source, $source_file.
-- Output: the staging columns (line_no, reason, canonical columns all NULL but source*).
SELECT
    line_no,
    why AS reason,
    CAST(NULL AS VARCHAR) AS call_id,
    CAST(NULL AS TIMESTAMPTZ) AS ts,
    CAST(NULL AS VARCHAR) AS provider,
    CAST(NULL AS VARCHAR) AS model,
    CAST(NULL AS BIGINT) AS input_tokens,
    CAST(NULL AS BIGINT) AS cached_input_tokens,
    CAST(NULL AS BIGINT) AS cache_write_tokens,
    CAST(NULL AS BIGINT) AS cache_write_1h_tokens,
    CAST(NULL AS BIGINT) AS output_tokens,
    CAST(NULL AS BIGINT) AS reasoning_tokens,
    CAST(NULL AS DOUBLE) AS cost_usd,
    CAST(NULL AS VARCHAR) AS user_id,
    CAST(NULL AS VARCHAR) AS user_tier,
    CAST(NULL AS VARCHAR) AS team,
    CAST(NULL AS VARCHAR) AS feature,
    CAST(NULL AS VARCHAR) AS task_id,
    CAST(NULL AS VARCHAR) AS action_id,
    CAST(NULL AS VARCHAR) AS session_id,
    CAST(NULL AS BIGINT) AS step,
    CAST(NULL AS VARCHAR) AS status,
    CAST(NULL AS VARCHAR) AS task_outcome,
    CAST(NULL AS BOOLEAN) AS response_cache_hit,
    CAST(NULL AS BOOLEAN) AS batch,
    CAST(NULL AS DOUBLE) AS latency_ms,
    CAST(NULL AS VARCHAR) AS prompt_version,
    $source AS source,
    $source_file AS source_file,
    CAST(NULL AS MAP(VARCHAR, VARCHAR)) AS tags
FROM lines
