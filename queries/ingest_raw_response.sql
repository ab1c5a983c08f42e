-- Raw provider responses, logged as they came back -> canonical calls. Recognised bodies: OpenAI
-- Chat Completions and Responses (also Azure OpenAI), Anthropic Messages, Gemini / Vertex AI
-- generateContent, Bedrock Converse.
-- Input: relation `lines(line_no BIGINT, raw VARCHAR)`, one response object per row. A logger may
-- have added top-level fields (ts/timestamp, call_id, request_id, provider, model, user_id, team,
-- feature, ...) and the body's `metadata` may carry the same names; explicit ones win.
-- Parameters: $source_file (recorded on every row), $source (ingester name).
-- Output: line_no, reason (NULL for a usable record, else why it is quarantined), and the
-- canonical columns except model_tier / cost_source / price_version (set by pricing).
-- Time: the logged ts/timestamp, else the body's created / created_at / createTime. Anthropic
-- messages, Gemini Developer API and Bedrock Converse bodies carry no time: without a logged one
-- they are quarantined ("no timestamp") — the time of ingest is never used.
-- call_id: a logged call_id, else the body's id (chatcmpl-…, resp_…, msg_…, responseId), which
-- OTel spans and LiteLLM logs carry too, so one call seen by two sources is stored once; else
-- the logged request_id; else a hash of the record.
WITH parsed AS (
    SELECT line_no, json_valid(raw) AS valid, CASE WHEN json_valid(raw) THEN json(raw) END AS j
    FROM lines
    WHERE has_text(raw)
),
fields AS (
    SELECT
        line_no,
        valid,
        j,
        json_type(j) = 'OBJECT' AS is_object,
        CASE WHEN json_type(j) = 'OBJECT' THEN json_transform(j, '{
            "ts": "VARCHAR", "timestamp": "VARCHAR", "call_id": "VARCHAR", "request_id": "VARCHAR",
            "provider": "VARCHAR", "id": "VARCHAR", "responseId": "VARCHAR", "object": "VARCHAR",
            "type": "VARCHAR", "model": "VARCHAR", "modelVersion": "VARCHAR", "modelId": "VARCHAR",
            "created": "VARCHAR", "created_at": "VARCHAR", "createTime": "VARCHAR", "status": "VARCHAR",
            "service_tier": "VARCHAR", "user_id": "VARCHAR", "user": "VARCHAR", "safety_identifier": "VARCHAR",
            "user_tier": "VARCHAR", "team": "VARCHAR", "feature": "VARCHAR", "task_id": "VARCHAR",
            "action_id": "VARCHAR", "session_id": "VARCHAR", "step": "VARCHAR", "task_outcome": "VARCHAR",
            "latency_ms": "VARCHAR", "prompt_version": "VARCHAR", "cost_usd": "VARCHAR", "batch": "VARCHAR",
            "usage": "JSON", "usageMetadata": "JSON", "metadata": "JSON", "error": "JSON",
            "prompt_filter_results": "JSON", "choices": "JSON", "metrics": "JSON"
        }') END AS r
    FROM parsed
),
shaped AS (
    SELECT
        *,
        CASE
            WHEN r.object IN ('chat.completion', 'text_completion') THEN 'openai_chat'
            WHEN r.object = 'response' THEN 'openai_responses'
            WHEN r.type = 'message' THEN 'anthropic'
            WHEN r.usageMetadata IS NOT NULL THEN 'gemini'
            WHEN json_exists(r.usage, '$.inputTokens') THEN 'bedrock_converse'
        END AS kind,
        normalize_model(regexp_replace(coalesce(r.model, r.modelVersion, r.modelId), '^arn:aws[^/]*/', ''))
            AS model_n,
        coalesce(r.ts, r.timestamp, r.created, r.created_at, r.createTime) AS ts_raw,
        coalesce(r.usage, r.usageMetadata) AS usage_block
    FROM fields
),
counted AS (
    SELECT
        *,
        parse_ts(ts_raw) AS ts_n,
        coalesce(
            normalize_provider(r.provider),
            CASE
                WHEN r.prompt_filter_results IS NOT NULL
                    OR json_exists(r.choices, '$[0].content_filter_results') THEN 'azure'
                WHEN kind = 'anthropic' THEN 'anthropic'
                WHEN kind = 'gemini' THEN 'google'
                WHEN kind = 'bedrock_converse' THEN 'aws'
            END,
            infer_provider(model_n)
        ) AS provider_n,
        usage_canonical(usage_block, CASE WHEN kind = 'anthropic' THEN 'anthropic' ELSE model_n END) AS u,
        coalesce(r.service_tier, json_extract_string(r.usage, '$.service_tier')) AS tier
    FROM shaped
)
SELECT
    line_no,
    CASE
        WHEN NOT valid THEN 'malformed JSON'
        WHEN NOT is_object THEN 'not a JSON object'
        WHEN kind IS NULL THEN 'not a provider response'
        WHEN ts_raw IS NULL THEN 'no timestamp'
        WHEN ts_n IS NULL THEN 'unparsable ts'
        WHEN model_n IS NULL THEN 'missing model'
        WHEN usage_block IS NULL THEN 'missing usage'
        WHEN u IS NULL THEN 'unrecognised usage block'
        WHEN u.bad THEN 'negative or non-numeric token count'
        WHEN u.input_tokens IS NULL OR u.output_tokens IS NULL THEN 'missing token counts'
        WHEN u.cached_input_tokens + u.cache_write_tokens > u.input_tokens THEN 'cached tokens exceed input tokens'
        WHEN u.reasoning_tokens > u.output_tokens THEN 'reasoning tokens exceed output tokens'
        WHEN r.cost_usd IS NOT NULL AND NOT coalesce(TRY_CAST(r.cost_usd AS DOUBLE) >= 0, FALSE)
            THEN 'negative or non-numeric cost_usd'
    END AS reason,
    coalesce(r.call_id, r.id, r.responseId, r.request_id, 'h:' || md5(CAST(j AS VARCHAR))) AS call_id,
    ts_n AS ts,
    provider_n AS provider,
    model_n AS model,
    u.input_tokens,
    u.cached_input_tokens,
    u.cache_write_tokens,
    u.cache_write_1h_tokens,
    u.output_tokens,
    u.reasoning_tokens,
    TRY_CAST(r.cost_usd AS DOUBLE) AS cost_usd,
    nullif(trim(coalesce(r.user_id, json_extract_string(r.metadata, '$.user_id'), r.safety_identifier, r.user)), '')
        AS user_id,
    nullif(lower(trim(coalesce(r.user_tier, json_extract_string(r.metadata, '$.user_tier')))), '') AS user_tier,
    nullif(trim(coalesce(r.team, json_extract_string(r.metadata, '$.team'))), '') AS team,
    nullif(trim(coalesce(r.feature, json_extract_string(r.metadata, '$.feature'))), '') AS feature,
    nullif(trim(coalesce(r.task_id, json_extract_string(r.metadata, '$.task_id'))), '') AS task_id,
    nullif(trim(coalesce(r.action_id, json_extract_string(r.metadata, '$.action_id'))), '') AS action_id,
    nullif(trim(coalesce(r.session_id, json_extract_string(r.metadata, '$.session_id'))), '') AS session_id,
    as_count(coalesce(r.step, json_extract_string(r.metadata, '$.step'))) AS step,
    CASE
        WHEN lower(r.status) IN ('failed', 'cancelled', 'error') THEN 'error'
        WHEN r.error IS NOT NULL AND json_type(r.error) <> 'NULL' THEN 'error'
        ELSE 'ok'
    END AS status,
    CASE lower(coalesce(r.task_outcome, json_extract_string(r.metadata, '$.task_outcome')))
        WHEN 'success' THEN 'success' WHEN 'succeeded' THEN 'success' WHEN 'ok' THEN 'success'
        WHEN 'failure' THEN 'failure' WHEN 'failed' THEN 'failure' WHEN 'fail' THEN 'failure'
    END AS task_outcome,
    FALSE AS response_cache_hit,
    coalesce(TRY_CAST(r.batch AS BOOLEAN), lower(tier) = 'batch', FALSE) AS batch,
    coalesce(TRY_CAST(r.latency_ms AS DOUBLE), TRY_CAST(json_extract_string(r.metrics, '$.latencyMs') AS DOUBLE))
        AS latency_ms,
    nullif(trim(coalesce(r.prompt_version, json_extract_string(r.metadata, '$.prompt_version'))), '')
        AS prompt_version,
    $source AS source,
    $source_file AS source_file,
    CASE WHEN is_object THEN map_concat(
        record_tags(j, [
            'ts', 'timestamp', 'call_id', 'provider', 'id', 'responseId', 'object', 'type', 'role', 'model',
            'modelVersion', 'modelId', 'created', 'created_at', 'completed_at', 'createTime', 'status',
            'service_tier', 'user_id', 'user', 'safety_identifier', 'user_tier', 'team', 'feature', 'task_id',
            'action_id', 'session_id', 'step', 'task_outcome', 'latency_ms', 'prompt_version', 'cost_usd',
            'batch', 'usage', 'usageMetadata', 'metadata', 'error', 'background', 'store', 'temperature',
            'top_p', 'top_logprobs', 'truncation', 'tool_choice', 'parallel_tool_calls', 'max_output_tokens',
            'max_tool_calls', 'previous_response_id', 'stop_reason', 'stop_sequence', 'stopReason', 'metrics',
            'metadata.user_id', 'metadata.user_tier', 'metadata.team', 'metadata.feature', 'metadata.task_id',
            'metadata.action_id', 'metadata.session_id', 'metadata.step', 'metadata.task_outcome',
            'metadata.prompt_version'
        ]),
        map_from_entries(list_filter([
            {'key': 'service_tier', 'value': tier},
            {'key': 'inference_geo', 'value': json_extract_string(r.usage, '$.inference_geo')},
            {'key': 'traffic_type', 'value': json_extract_string(r.usageMetadata, '$.trafficType')}
        ], lambda e: e.value IS NOT NULL))
    ) END AS tags
FROM counted
