-- Native application call logs (JSON Lines, or CSV/Parquet rows turned into JSON) -> canonical calls.
-- Input: relation `lines(line_no BIGINT, raw VARCHAR, source_file VARCHAR, file_seq BIGINT)`, one
-- JSON object per line; lines of several small files may come in one relation.
-- Parameters: $source (ingester name), $tag_keys and
-- $tag_paths (the extra fields to keep as tags and their JSON pointers, found per chunk by
-- queries/native_tag_keys.sql so that each record is parsed once, not once per field).
-- Output: line_no, reason (NULL for a usable record, else why it is quarantined), and the
-- canonical columns except model_tier / cost_source / price_version (set by pricing).
-- A record gives tokens at the top level (canonical meaning), or a raw provider `usage` block,
-- or the whole raw provider `response`; explicit top-level values win over embedded ones.
WITH fields AS (
    SELECT
        line_no,
        raw,
        source_file,
        file_seq,
        -- one parse per record; NULL when the line is not JSON at all
        TRY(json_transform(raw, '{
            "ts": "VARCHAR", "timestamp": "VARCHAR", "call_id": "VARCHAR", "request_id": "VARCHAR",
            "provider": "VARCHAR", "model": "VARCHAR",
            "input_tokens": "VARCHAR", "cached_input_tokens": "VARCHAR", "cache_write_tokens": "VARCHAR",
            "cache_write_1h_tokens": "VARCHAR", "output_tokens": "VARCHAR", "reasoning_tokens": "VARCHAR",
            "cost_usd": "VARCHAR", "user_id": "VARCHAR", "user_tier": "VARCHAR", "team": "VARCHAR",
            "feature": "VARCHAR", "task_id": "VARCHAR", "action_id": "VARCHAR", "session_id": "VARCHAR",
            "step": "VARCHAR", "status": "VARCHAR", "task_outcome": "VARCHAR",
            "response_cache_hit": "VARCHAR", "cache_hit": "VARCHAR", "batch": "VARCHAR",
            "service_tier": "VARCHAR", "inference_geo": "VARCHAR", "speed": "VARCHAR", "region_scope": "VARCHAR",
            "latency_ms": "VARCHAR", "prompt_version": "VARCHAR", "usage": "JSON", "response": "JSON"
        }')) AS r,
        r IS NOT NULL AS valid,
        -- valid JSON whose first character is '{' is an object
        r IS NOT NULL AND starts_object(raw) AS is_object
    FROM lines
    WHERE has_text(raw)
),
embedded AS (
    SELECT
        *,
        coalesce(json_extract(r.response, '$.usage'), json_extract(r.response, '$.usageMetadata'),
                 json_extract(r.response, '$.usage_metadata')) AS response_usage,
        coalesce(json_extract_string(r.response, '$.model'), json_extract_string(r.response, '$.modelVersion'),
                 json_extract_string(r.response, '$.model_version')) AS response_model,
        coalesce(json_extract_string(r.response, '$.id'), json_extract_string(r.response, '$.responseId'),
                 json_extract_string(r.response, '$.response_id')) AS response_id,
        coalesce(json_extract_string(r.response, '$.created'), json_extract_string(r.response, '$.created_at'),
                 json_extract_string(r.response, '$.createTime')) AS response_created
    FROM fields
),
normalised AS (
    SELECT
        *,
        coalesce(r.model, response_model) AS model_raw,
        normalize_model(coalesce(r.model, response_model)) AS model_norm,
        parse_ts(coalesce(r.ts, r.timestamp, response_created)) AS ts_n,
        coalesce(r.usage, response_usage) AS usage_block
    FROM embedded
),
counted AS (
    SELECT
        *,
        -- a gateway or host (openrouter, groq, ...) keeps its model slug: model_for, given the
        -- normalised id computed once above (model_given)
        coalesce(normalize_provider(r.provider), infer_provider(model_norm)) AS provider_n,
        model_given(model_raw, model_norm, coalesce(normalize_provider(r.provider), infer_provider(model_norm)))
            AS model_n,
        usage_canonical(usage_block, coalesce(r.provider, model_raw)) AS u,
        -- top-level counts are canonical already
        {
            'input_tokens': as_count(r.input_tokens),
            'cached_input_tokens': as_count(r.cached_input_tokens),
            'cache_write_tokens': as_count(r.cache_write_tokens),
            'cache_write_1h_tokens': as_count(r.cache_write_1h_tokens),
            'output_tokens': as_count(r.output_tokens),
            'reasoning_tokens': as_count(r.reasoning_tokens)
        } AS top,
        list_bool_or([
            count_bad(r.input_tokens), count_bad(r.cached_input_tokens), count_bad(r.cache_write_tokens),
            count_bad(r.cache_write_1h_tokens), count_bad(r.output_tokens), count_bad(r.reasoning_tokens)
        ]) AS top_bad
    FROM normalised
),
canonical AS (
    SELECT
        line_no,
        raw,
        source_file,
        file_seq,
        valid,
        is_object,
        r,
        ts_n AS ts,
        provider_n AS provider,
        model_n AS model,
        coalesce(top.input_tokens, u.input_tokens) AS input_tokens,
        coalesce(top.cached_input_tokens, u.cached_input_tokens, 0) AS cached_input_tokens,
        coalesce(top.cache_write_tokens, u.cache_write_tokens, 0) AS cache_write_tokens,
        coalesce(top.cache_write_1h_tokens, u.cache_write_1h_tokens, 0) AS cache_write_1h_tokens,
        coalesce(top.output_tokens, u.output_tokens) AS output_tokens,
        coalesce(top.reasoning_tokens, u.reasoning_tokens, 0) AS reasoning_tokens,
        -- the usage block's extra units belong to its counts: not when top-level counts win
        CASE WHEN top.input_tokens IS NULL THEN u.extra END AS extra_units,
        -- OpenRouter's usage.cost is what it billed: a reported cost like a logged cost_usd
        coalesce(r.cost_usd, CASE WHEN provider_n = 'openrouter' THEN json_extract_string(usage_block, '$.cost') END)
            AS cost_raw,
        top_bad OR coalesce(u.bad, FALSE) AS tokens_bad,
        usage_block IS NOT NULL AND u IS NULL AS usage_unknown,
        usage_block,
        -- a logged service_tier, else the embedded usage block's / response's (Anthropic
        -- usage.service_tier, how Message Batches results report "batch"; Gemini trafficType)
        coalesce(r.service_tier, CASE WHEN usage_block IS NOT NULL THEN coalesce(
            json_extract_string(usage_block, '$.service_tier'), json_extract_string(r.response, '$.service_tier'),
            json_extract_string(usage_block, '$.trafficType')) END) AS tier_raw,
        response_id
    FROM counted
)
SELECT
    line_no,
    CASE
        WHEN NOT valid THEN 'malformed JSON'
        WHEN NOT is_object THEN 'not a JSON object'
        WHEN coalesce(r.ts, r.timestamp) IS NULL AND ts IS NULL AND regexp_full_match(trim(raw), '\{\s*\}')
            THEN 'empty record'
        WHEN coalesce(r.ts, r.timestamp) IS NULL AND ts IS NULL THEN 'missing ts'
        WHEN ts IS NULL THEN 'unparsable ts'
        WHEN model IS NULL THEN 'missing model'
        WHEN tokens_bad THEN 'negative or non-numeric token count'
        WHEN usage_unknown THEN 'unrecognised usage block'
        WHEN input_tokens IS NULL OR output_tokens IS NULL THEN 'missing token counts'
        WHEN cached_input_tokens + cache_write_tokens > input_tokens THEN 'cached tokens exceed input tokens'
        WHEN cache_write_1h_tokens > cache_write_tokens THEN 'cache_write_1h_tokens exceed cache_write_tokens'
        WHEN reasoning_tokens > output_tokens THEN 'reasoning tokens exceed output tokens'
        WHEN cost_raw IS NOT NULL AND NOT coalesce(TRY_CAST(cost_raw AS DOUBLE) >= 0, FALSE)
            THEN 'negative or non-numeric cost_usd'
        WHEN r.step IS NOT NULL AND as_count(r.step) IS NULL THEN 'non-numeric step'
    END AS reason,
    coalesce(r.call_id, r.request_id, response_id,
             CASE WHEN valid THEN 'h:' || md5(json(raw)) END) AS call_id,
    ts,
    provider,
    model,
    input_tokens,
    cached_input_tokens,
    cache_write_tokens,
    cache_write_1h_tokens,
    output_tokens,
    reasoning_tokens,
    extra_units,
    TRY_CAST(cost_raw AS DOUBLE) AS cost_usd,
    nullif(trim(r.user_id), '') AS user_id,
    nullif(lower(trim(r.user_tier)), '') AS user_tier,
    nullif(trim(r.team), '') AS team,
    nullif(trim(r.feature), '') AS feature,
    nullif(trim(r.task_id), '') AS task_id,
    nullif(trim(r.action_id), '') AS action_id,
    nullif(trim(r.session_id), '') AS session_id,
    as_count(r.step) AS step,
    CASE
        WHEN lower(trim(r.status)) IN ('error', 'failed', 'failure', 'fail', 'timeout', 'cancelled', 'canceled')
            THEN 'error'
        WHEN TRY_CAST(r.status AS INTEGER) >= 400 THEN 'error'
        ELSE 'ok'
    END AS status,
    CASE
        WHEN lower(trim(r.task_outcome)) IN ('success', 'succeeded', 'ok', 'completed', 'passed') THEN 'success'
        WHEN lower(trim(r.task_outcome)) IN ('failure', 'failed', 'fail', 'error', 'errored', 'timeout', 'aborted',
                                            'cancelled', 'canceled') THEN 'failure'
    END AS task_outcome,
    coalesce(TRY_CAST(coalesce(r.response_cache_hit, r.cache_hit) AS BOOLEAN), FALSE) AS response_cache_hit,
    coalesce(TRY_CAST(r.batch AS BOOLEAN), lower(tier_raw) = 'batch', FALSE) AS batch,
    -- batch equals service_tier = 'batch'; raw values map to the canonical vocabulary
    CASE WHEN coalesce(TRY_CAST(r.batch AS BOOLEAN), lower(tier_raw) = 'batch', FALSE) THEN 'batch'
        ELSE service_tier_of(tier_raw) END AS service_tier,
    coalesce(r.inference_geo, CASE WHEN usage_block IS NOT NULL THEN json_extract_string(usage_block, '$.inference_geo') END)
        AS inference_geo,
    coalesce(r.speed, CASE WHEN usage_block IS NOT NULL THEN json_extract_string(usage_block, '$.speed') END) AS speed,
    coalesce(r.region_scope, CASE WHEN provider = 'aws' THEN region_scope_of(r.model) END) AS region_scope,
    TRY_CAST(r.latency_ms AS DOUBLE) AS latency_ms,
    nullif(trim(r.prompt_version), '') AS prompt_version,
    $source AS source,
    source_file,
    CAST(CASE WHEN is_object AND len($tag_keys) > 0 THEN map_from_entries(list_transform(
        list_filter(
            list_transform(json_extract(raw, $tag_paths), lambda v, i: {'key': $tag_keys[i], 'value': v}),
            -- scalars only, and short: a long value is text, not a label
            lambda e: json_type(e.value) IN ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE', 'BOOLEAN')
                AND length(json_extract_string(e.value, '$')) <= 200),
        lambda e: {'key': e.key, 'value': json_extract_string(e.value, '$')}))
    END AS MAP(VARCHAR, VARCHAR)) AS tags,
    file_seq
FROM canonical
