-- Raw provider responses, logged as they came back -> canonical calls. Recognised bodies: OpenAI
-- Chat Completions, Responses and `response.compaction`, embeddings (`object: list`), Images and
-- transcription usage, Realtime `response.done` (also Azure OpenAI and the OpenAI-compatible
-- vendors, whose usage dialects token_rules.sql tells apart), Anthropic Messages (also through
-- Bedrock: id msg_bdrk_…, and Vertex: msg_vrtx_…), Gemini / Vertex AI generateContent, Bedrock
-- Converse, Cohere v2 chat (usage.billed_units) and embed (meta.billed_units).
-- Provider: a gateway or host is told by its body: OpenRouter (id gen-…, or usage.cost_details /
-- is_byok; its body's `provider` is the UPSTREAM host, kept in the tag upstream_provider, and its
-- usage.cost is what OpenRouter billed: the reported cost), Groq (x_groq); else a logged
-- `provider`, else the shape, else the model name. Gateways and hosts keep their model slugs.
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
            "prompt_filter_results": "JSON", "choices": "JSON", "metrics": "JSON",
            "x_groq": "JSON", "tool_usage": "JSON", "meta": "JSON", "response": "JSON"
        }') END AS r
    FROM parsed
),
shaped AS (
    SELECT
        *,
        CASE
            WHEN r.object IN ('chat.completion', 'text_completion') THEN 'openai_chat'
            WHEN r.object IN ('response', 'response.compaction') THEN 'openai_responses'
            WHEN r.object = 'list' AND json_exists(r.usage, '$.prompt_tokens') THEN 'openai_embeddings'
            WHEN r.type = 'response.done' AND json_exists(r.response, '$.usage') THEN 'openai_realtime'
            WHEN r.type = 'message' THEN 'anthropic'
            WHEN r.usageMetadata IS NOT NULL THEN 'gemini'
            WHEN json_exists(r.usage, '$.inputTokens') THEN 'bedrock_converse'
            WHEN json_exists(r.usage, '$.billed_units') OR json_exists(r.meta, '$.billed_units') THEN 'cohere'
            WHEN json_exists(r.usage, '$.input_tokens')
                AND (json_exists(r.usage, '$.input_tokens_details') OR json_exists(r.usage, '$.input_token_details'))
                THEN 'openai_responses'
        END AS kind,
        coalesce(r.model, r.modelVersion, r.modelId, json_extract_string(r.response, '$.model')) AS model_raw,
        coalesce(r.ts, r.timestamp, r.created, r.created_at, r.createTime) AS ts_raw,
        starts_with(coalesce(r.id, ''), 'gen-') OR json_exists(r.usage, '$.cost_details')
            OR json_exists(r.usage, '$.is_byok') AS via_openrouter
    FROM fields
),
typed AS (
    SELECT
        *,
        CASE kind
            WHEN 'openai_realtime' THEN json_extract(r.response, '$.usage')
            WHEN 'cohere' THEN coalesce(r.usage, r.meta)
            ELSE coalesce(r.usage, r.usageMetadata)
        END AS usage_block,
        coalesce(
            CASE WHEN via_openrouter THEN 'openrouter' WHEN r.x_groq IS NOT NULL THEN 'groq' END,
            normalize_provider(r.provider),
            CASE
                WHEN r.prompt_filter_results IS NOT NULL
                    OR json_exists(r.choices, '$[0].content_filter_results') THEN 'azure'
                WHEN starts_with(coalesce(r.id, ''), 'msg_bdrk_') THEN 'aws'
                WHEN starts_with(coalesce(r.id, ''), 'msg_vrtx_') THEN 'google'
                WHEN kind = 'anthropic' THEN 'anthropic'
                WHEN kind = 'gemini' THEN 'google'
                WHEN kind = 'bedrock_converse' THEN 'aws'
                WHEN kind = 'cohere' THEN 'cohere'
            END,
            infer_provider(normalize_model(model_raw))
        ) AS provider_n
    FROM shaped
),
counted AS (
    SELECT
        *,
        parse_ts(ts_raw) AS ts_n,
        model_for(model_raw, provider_n) AS model_n,
        usage_canonical(usage_block, CASE WHEN kind = 'anthropic' THEN 'anthropic' ELSE coalesce(provider_n, model_raw) END)
            AS u,
        coalesce(r.service_tier, json_extract_string(r.usage, '$.service_tier')) AS tier,
        coalesce(r.cost_usd, CASE WHEN via_openrouter THEN json_extract_string(r.usage, '$.cost') END) AS cost_raw
    FROM typed
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
        WHEN cost_raw IS NOT NULL AND NOT coalesce(TRY_CAST(cost_raw AS DOUBLE) >= 0, FALSE)
            THEN 'negative or non-numeric cost_usd'
    END AS reason,
    coalesce(r.call_id, r.id, r.responseId, json_extract_string(r.response, '$.id'), r.request_id,
             'h:' || md5(CAST(j AS VARCHAR))) AS call_id,
    ts_n AS ts,
    provider_n AS provider,
    model_n AS model,
    u.input_tokens,
    u.cached_input_tokens,
    u.cache_write_tokens,
    u.cache_write_1h_tokens,
    u.output_tokens,
    u.reasoning_tokens,
    CASE WHEN r.tool_usage IS NULL THEN u.extra ELSE units_merge(u.extra, [
        {'key': 'web_search_requests', 'value': tok(r.tool_usage, '$.web_search.num_requests')}
    ]) END AS extra_units,
    TRY_CAST(cost_raw AS DOUBLE) AS cost_usd,
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
    -- a gateway bills its own price whatever tier its upstream served: the raw value stays a tag only
    CASE WHEN coalesce(TRY_CAST(r.batch AS BOOLEAN), lower(tier) = 'batch', FALSE) THEN 'batch'
        WHEN via_openrouter THEN NULL
        ELSE service_tier_of(coalesce(tier, json_extract_string(r.usageMetadata, '$.trafficType'),
                                      json_extract_string(r.usageMetadata, '$.serviceTier'))) END AS service_tier,
    json_extract_string(r.usage, '$.inference_geo') AS inference_geo,
    json_extract_string(r.usage, '$.speed') AS speed,
    CASE WHEN provider_n = 'aws' THEN region_scope_of(model_raw) END AS region_scope,
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
            'metadata.prompt_version', 'x_groq', 'tool_usage', 'meta', 'response', 'data', 'text'
        ]),
        map_from_entries(list_filter([
            {'key': 'upstream_provider', 'value': CASE WHEN via_openrouter THEN r.provider END},
            {'key': 'service_tier', 'value': tier},
            {'key': 'inference_geo', 'value': json_extract_string(r.usage, '$.inference_geo')},
            {'key': 'traffic_type', 'value': json_extract_string(r.usageMetadata, '$.trafficType')},
            {'key': 'speed', 'value': json_extract_string(r.usage, '$.speed')}
        ], lambda e: e.value IS NOT NULL))
    ) END AS tags
FROM counted
