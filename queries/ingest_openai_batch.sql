-- OpenAI Batch API output (and error) file lines -> canonical calls.
-- Input: relation `lines(line_no BIGINT, raw VARCHAR)`, one line each:
--   {id: "batch_req_…", custom_id, response: {status_code, request_id, body} | null, error: {code, message} | null}
-- where body is the endpoint's normal response (Chat Completions or Responses) with its usage.
-- Parameters: $source_file, $source.
-- Output: line_no, reason, and the canonical columns except the priced ones; batch is TRUE.
-- call_id = response.request_id (req_…), else the body id; ts = body.created (created_at for the
-- Responses API), the only time the file has. custom_id and the batch request id become tags.
-- A request that failed without usage (error set or status >= 400, no body usage) is not billed
-- and has no time: it is quarantined as "batch request failed (<code>)", never stored with an
-- invented time. One that failed WITH usage is stored with status 'error'. Lines of a batch INPUT
-- file ({custom_id, method, url, body}) are requests, not calls, and are skipped.
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
            "id": "VARCHAR", "custom_id": "VARCHAR", "response": "JSON", "error": "JSON",
            "method": "VARCHAR", "url": "VARCHAR"
        }') END AS r
    FROM parsed
),
lines_out AS (
    SELECT
        *,
        coalesce(json_type(r.response) = 'OBJECT', FALSE) AS has_response,
        coalesce(json_type(r.error) = 'OBJECT', FALSE) AS has_error
    FROM fields
),
bodies AS (
    SELECT
        *,
        json_extract(r.response, '$.body') AS body,
        json_extract_string(r.response, '$.request_id') AS request_id,
        TRY_CAST(json_extract_string(r.response, '$.status_code') AS INTEGER) AS status_code
    FROM lines_out
    -- an input-file line is a request, not a call
    WHERE NOT (is_object AND NOT has_response AND NOT has_error AND r.url IS NOT NULL)
),
counted AS (
    SELECT
        *,
        has_error OR coalesce(status_code >= 400, FALSE) AS failed,
        coalesce(json_extract_string(r.error, '$.code'), json_extract_string(body, '$.error.code'),
                 CAST(status_code AS VARCHAR)) AS error_code,
        normalize_model(json_extract_string(body, '$.model')) AS model_n,
        coalesce(json_extract_string(body, '$.created'), json_extract_string(body, '$.created_at')) AS ts_raw,
        json_extract(body, '$.usage') AS usage_block,
        json_extract(body, '$.metadata') AS meta
    FROM bodies
),
canonical AS (
    SELECT
        *,
        parse_ts(ts_raw) AS ts_n,
        usage_canonical(usage_block, model_n) AS u
    FROM counted
)
SELECT
    line_no,
    CASE
        WHEN NOT valid THEN 'malformed JSON'
        WHEN NOT is_object THEN 'not a JSON object'
        WHEN NOT has_response AND NOT has_error THEN 'not a batch output line'
        WHEN failed AND (usage_block IS NULL OR json_type(usage_block) <> 'OBJECT') THEN
            'batch request failed (' || CASE WHEN regexp_full_match(error_code, '[A-Za-z0-9_.-]{1,64}')
                THEN error_code ELSE 'unknown' END || ')'
        WHEN ts_raw IS NULL THEN 'no timestamp'
        WHEN ts_n IS NULL THEN 'unparsable ts'
        WHEN model_n IS NULL THEN 'missing model'
        WHEN usage_block IS NULL THEN 'missing usage'
        WHEN u IS NULL THEN 'unrecognised usage block'
        WHEN u.bad THEN 'negative or non-numeric token count'
        WHEN u.input_tokens IS NULL OR u.output_tokens IS NULL THEN 'missing token counts'
        WHEN u.cached_input_tokens + u.cache_write_tokens > u.input_tokens THEN 'cached tokens exceed input tokens'
        WHEN u.reasoning_tokens > u.output_tokens THEN 'reasoning tokens exceed output tokens'
    END AS reason,
    coalesce(request_id, json_extract_string(body, '$.id'), r.id, 'h:' || md5(CAST(j AS VARCHAR))) AS call_id,
    ts_n AS ts,
    infer_provider(model_n) AS provider,
    model_n AS model,
    u.input_tokens,
    u.cached_input_tokens,
    u.cache_write_tokens,
    u.cache_write_1h_tokens,
    u.output_tokens,
    u.reasoning_tokens,
    u.extra AS extra_units,
    CAST(NULL AS DOUBLE) AS cost_usd,
    nullif(trim(coalesce(json_extract_string(meta, '$.user_id'), json_extract_string(body, '$.safety_identifier'),
                         json_extract_string(body, '$.user'))), '') AS user_id,
    CAST(NULL AS VARCHAR) AS user_tier,
    nullif(trim(json_extract_string(meta, '$.team')), '') AS team,
    nullif(trim(json_extract_string(meta, '$.feature')), '') AS feature,
    nullif(trim(json_extract_string(meta, '$.task_id')), '') AS task_id,
    nullif(trim(json_extract_string(meta, '$.action_id')), '') AS action_id,
    nullif(trim(json_extract_string(meta, '$.session_id')), '') AS session_id,
    CAST(NULL AS BIGINT) AS step,
    CASE
        WHEN failed OR lower(json_extract_string(body, '$.status')) IN ('failed', 'cancelled') THEN 'error'
        ELSE 'ok'
    END AS status,
    CAST(NULL AS VARCHAR) AS task_outcome,
    FALSE AS response_cache_hit,
    TRUE AS batch,
    'batch' AS service_tier,
    CAST(NULL AS DOUBLE) AS latency_ms,
    nullif(trim(json_extract_string(meta, '$.prompt_version')), '') AS prompt_version,
    $source AS source,
    $source_file AS source_file,
    CASE WHEN is_object THEN map_concat(
        record_tags(json_object('metadata', meta), [
            'metadata.user_id', 'metadata.team', 'metadata.feature', 'metadata.task_id', 'metadata.action_id',
            'metadata.session_id', 'metadata.prompt_version'
        ]),
        map_from_entries(list_filter([
            {'key': 'custom_id', 'value': left(r.custom_id, 200)},
            {'key': 'batch_request_id', 'value': r.id},
            {'key': 'service_tier', 'value': json_extract_string(body, '$.service_tier')}
        ], lambda e: e.value IS NOT NULL))
    ) END AS tags
FROM canonical
