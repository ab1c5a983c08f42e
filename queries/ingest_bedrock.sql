-- AWS Bedrock model-invocation log records -> canonical calls.
-- Input: relation `lines(line_no BIGINT, raw VARCHAR)`, one record per row:
--   {schemaType: "ModelInvocationLog", timestamp, accountId, identity{arn}, region, requestId, operation,
--    modelId, inferenceRegion, input{inputTokenCount, cacheReadInputTokenCount, cacheWriteInputTokenCount,
--    inputBodyJson}, output{outputTokenCount, outputBodyJson}, requestMetadata{…}, errorCode}
-- Parameters: $source_file, $source.
-- Output: line_no, reason, and the canonical columns except the priced ones; provider is 'aws'.
-- Tokens by Bedrock's rule (usage_bedrock_log: input excludes cache reads and writes). The model
-- id loses its ARN prefix, region prefix and version suffix ("us.anthropic.claude-sonnet-4-20250514-v1:0"
-- -> "claude-sonnet-4-20250514"). requestMetadata keys with canonical names (team, feature,
-- user_id, …) fill those columns; other keys, identity.arn, account, region, inference region and
-- operation become tags. inputBodyJson / outputBodyJson (prompts and answers) are never read, except
-- the number outputBodyJson.metrics.latencyMs. A failed invocation (errorCode set) is stored with
-- status 'error' and the counts it has (missing ones = 0).
WITH fields AS (
    SELECT
        line_no,
        raw,
        -- one parse per record, keeping only the small fields (never the request/response bodies)
        TRY(json_transform(raw, '{
            "schemaType": "VARCHAR", "timestamp": "VARCHAR", "accountId": "VARCHAR", "region": "VARCHAR",
            "requestId": "VARCHAR", "operation": "VARCHAR", "modelId": "VARCHAR", "inferenceRegion": "VARCHAR",
            "errorCode": "VARCHAR", "requestMetadata": "JSON", "identity": {"arn": "VARCHAR"},
            "input": {"inputTokenCount": "JSON", "cacheReadInputTokenCount": "JSON",
                      "cacheWriteInputTokenCount": "JSON"},
            "output": {"outputTokenCount": "JSON", "outputBodyJson": {"metrics": {"latencyMs": "VARCHAR"}}}
        }')) AS r,
        r IS NOT NULL AS valid
    FROM lines
    WHERE has_text(raw)
),
counted AS (
    SELECT
        *,
        parse_ts(r.timestamp) AS ts_n,
        normalize_model(r.modelId) AS model_n,
        -- the record's counts only, in the record's own nesting
        usage_bedrock_log(json_object('input', r.input, 'output', {'outputTokenCount': r.output.outputTokenCount}))
            AS u,
        nullif(trim(r.errorCode), '') IS NOT NULL AS failed,
        CASE WHEN json_type(r.requestMetadata) = 'OBJECT' THEN r.requestMetadata END AS meta
    FROM fields
)
SELECT
    line_no,
    CASE
        WHEN NOT valid THEN 'malformed JSON'
        WHEN r.schemaType IS DISTINCT FROM 'ModelInvocationLog' THEN 'not a Bedrock invocation log record'
        WHEN r.timestamp IS NULL THEN 'missing ts'
        WHEN ts_n IS NULL THEN 'unparsable ts'
        WHEN model_n IS NULL THEN 'missing model'
        WHEN u.bad THEN 'negative or non-numeric token count'
        WHEN NOT failed AND (u.input_tokens IS NULL OR u.output_tokens IS NULL) THEN 'missing token counts'
    END AS reason,
    coalesce(r.requestId, 'h:' || md5(raw)) AS call_id,
    ts_n AS ts,
    'aws' AS provider,
    model_n AS model,
    coalesce(u.input_tokens, u.cached_input_tokens + u.cache_write_tokens) AS input_tokens,
    u.cached_input_tokens,
    u.cache_write_tokens,
    u.cache_write_1h_tokens,
    coalesce(u.output_tokens, 0) AS output_tokens,
    u.reasoning_tokens,
    u.extra AS extra_units,
    CAST(NULL AS DOUBLE) AS cost_usd,
    nullif(trim(json_extract_string(meta, '$.user_id')), '') AS user_id,
    nullif(lower(trim(json_extract_string(meta, '$.user_tier'))), '') AS user_tier,
    nullif(trim(json_extract_string(meta, '$.team')), '') AS team,
    nullif(trim(json_extract_string(meta, '$.feature')), '') AS feature,
    nullif(trim(json_extract_string(meta, '$.task_id')), '') AS task_id,
    nullif(trim(json_extract_string(meta, '$.action_id')), '') AS action_id,
    nullif(trim(json_extract_string(meta, '$.session_id')), '') AS session_id,
    as_count(json_extract_string(meta, '$.step')) AS step,
    CASE WHEN failed THEN 'error' ELSE 'ok' END AS status,
    CAST(NULL AS VARCHAR) AS task_outcome,
    FALSE AS response_cache_hit,
    FALSE AS batch,
    region_scope_of(r.modelId) AS region_scope,
    TRY_CAST(r.output.outputBodyJson.metrics.latencyMs AS DOUBLE) AS latency_ms,
    nullif(trim(json_extract_string(meta, '$.prompt_version')), '') AS prompt_version,
    $source AS source,
    $source_file AS source_file,
    CASE WHEN valid THEN map_concat(
        record_tags(coalesce(meta, '{}'::JSON), [
            'user_id', 'user_tier', 'team', 'feature', 'task_id', 'action_id', 'session_id', 'step',
            'prompt_version'
        ]),
        map_from_entries(list_filter([
            {'key': 'identity.arn', 'value': r.identity.arn},
            {'key': 'account_id', 'value': r.accountId},
            {'key': 'region', 'value': r.region},
            {'key': 'inference_region', 'value': r.inferenceRegion},
            {'key': 'operation', 'value': r.operation},
            {'key': 'model_id', 'value': r.modelId},
            {'key': 'error_code', 'value': left(r.errorCode, 64)}
        ], lambda e: e.value IS NOT NULL))
    ) END AS tags
FROM counted
