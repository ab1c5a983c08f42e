-- LiteLLM proxy SpendLogs rows (CSV or JSON export of LiteLLM_SpendLogs) -> canonical calls.
-- Input: relation `lines(line_no BIGINT, raw VARCHAR)`, one row as a JSON object per line; JSON
-- columns (metadata, request_tags) may be objects or JSON serialised as text (CSV exports).
-- Parameters: $source_file, $source.
-- Output: line_no, reason, and the canonical columns except the priced ones.
-- cost: `spend` is LiteLLM's own computed cost -> cost_usd, priced as 'reported' (kept as is).
-- Tokens: usage_litellm (prompt_tokens inclusive; cache counts from
-- metadata.additional_usage_values, never added again). call_id = request_id (the provider's
-- response id, shared with raw responses and OTel spans). ts = startTime (UTC, no zone).
-- user_id = end_user (the customer the request was for), else the proxy `user` (the key's owner);
-- both are kept as tags. team = metadata.user_api_key_team_alias, else team_id. feature and the
-- other app dimensions come from metadata.spend_logs_metadata, else a "feature:<x>" request tag.
-- request_tags become tags "tag.<key>" ("k:v" -> tag.k = v, a bare tag -> tag.<tag> = 'true').
-- cache_hit "True" -> response_cache_hit. messages, response and proxy_server_request (the text)
-- are never read.
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
            "request_id": "VARCHAR", "call_type": "VARCHAR", "spend": "VARCHAR", "prompt_tokens": "VARCHAR",
            "completion_tokens": "VARCHAR", "startTime": "VARCHAR", "endTime": "VARCHAR",
            "request_duration_ms": "VARCHAR", "model": "VARCHAR", "model_group": "VARCHAR",
            "custom_llm_provider": "VARCHAR", "api_base": "VARCHAR", "user": "VARCHAR", "metadata": "JSON",
            "cache_hit": "VARCHAR", "request_tags": "JSON", "team_id": "VARCHAR", "organization_id": "VARCHAR",
            "end_user": "VARCHAR", "session_id": "VARCHAR", "status": "VARCHAR", "agent_id": "VARCHAR"
        }') END AS r
    FROM parsed
),
decoded AS (
    SELECT
        *,
        -- JSON columns arrive as objects (JSON export) or as JSON text (CSV export)
        CASE json_type(r.metadata)
            WHEN 'OBJECT' THEN r.metadata
            WHEN 'VARCHAR' THEN CASE WHEN json_valid(json_extract_string(r.metadata, '$'))
                THEN json(json_extract_string(r.metadata, '$')) END
        END AS meta,
        CASE json_type(r.request_tags)
            WHEN 'ARRAY' THEN r.request_tags
            WHEN 'VARCHAR' THEN CASE WHEN json_valid(json_extract_string(r.request_tags, '$'))
                THEN json(json_extract_string(r.request_tags, '$')) END
        END AS req_tags
    FROM fields
),
counted AS (
    SELECT
        *,
        parse_ts(r.startTime) AS ts_n,
        normalize_model(r.model) AS model_n,
        usage_litellm(r.prompt_tokens, r.completion_tokens, json_extract(meta, '$.additional_usage_values')) AS u,
        json_extract(meta, '$.spend_logs_metadata') AS app,
        list_transform(
            list_filter(coalesce(json_extract_string(req_tags, '$[*]'), []), lambda t: nullif(trim(t), '') IS NOT NULL),
            lambda t: CASE WHEN contains(t, ':')
                THEN {'key': 'tag.' || trim(split_part(t, ':', 1)), 'value': trim(substr(t, strpos(t, ':') + 1))}
                ELSE {'key': 'tag.' || trim(t), 'value': 'true'} END
        ) AS tag_entries
    FROM decoded
)
SELECT
    line_no,
    CASE
        WHEN NOT valid THEN 'malformed JSON'
        WHEN NOT is_object THEN 'not a JSON object'
        WHEN r.startTime IS NULL THEN 'missing ts'
        WHEN ts_n IS NULL THEN 'unparsable ts'
        WHEN model_n IS NULL THEN 'missing model'
        WHEN u.bad THEN 'negative or non-numeric token count'
        WHEN u.input_tokens IS NULL OR u.output_tokens IS NULL THEN 'missing token counts'
        WHEN u.cached_input_tokens + u.cache_write_tokens > u.input_tokens THEN 'cached tokens exceed input tokens'
        WHEN u.reasoning_tokens > u.output_tokens THEN 'reasoning tokens exceed output tokens'
        WHEN r.spend IS NOT NULL AND trim(r.spend) <> '' AND NOT coalesce(TRY_CAST(r.spend AS DOUBLE) >= 0, FALSE)
            THEN 'negative or non-numeric spend'
    END AS reason,
    coalesce(nullif(trim(r.request_id), ''), 'h:' || md5(CAST(j AS VARCHAR))) AS call_id,
    ts_n AS ts,
    coalesce(normalize_provider(r.custom_llm_provider), infer_provider(model_n)) AS provider,
    model_n AS model,
    u.input_tokens,
    u.cached_input_tokens,
    u.cache_write_tokens,
    u.cache_write_1h_tokens,
    u.output_tokens,
    u.reasoning_tokens,
    u.extra AS extra_units,
    TRY_CAST(nullif(trim(r.spend), '') AS DOUBLE) AS cost_usd,
    nullif(trim(coalesce(nullif(trim(r.end_user), ''), r.user)), '') AS user_id,
    nullif(lower(trim(json_extract_string(app, '$.user_tier'))), '') AS user_tier,
    nullif(trim(coalesce(json_extract_string(meta, '$.user_api_key_team_alias'), r.team_id)), '') AS team,
    nullif(trim(coalesce(json_extract_string(app, '$.feature'),
                         list_extract(list_filter(tag_entries, lambda e: e.key = 'tag.feature'), 1).value)), '')
        AS feature,
    nullif(trim(json_extract_string(app, '$.task_id')), '') AS task_id,
    nullif(trim(json_extract_string(app, '$.action_id')), '') AS action_id,
    nullif(trim(r.session_id), '') AS session_id,
    as_count(json_extract_string(app, '$.step')) AS step,
    CASE
        WHEN lower(coalesce(r.status, json_extract_string(meta, '$.status'))) IN ('failure', 'failed', 'error')
            THEN 'error'
        ELSE 'ok'
    END AS status,
    CASE lower(json_extract_string(app, '$.task_outcome'))
        WHEN 'success' THEN 'success' WHEN 'succeeded' THEN 'success' WHEN 'ok' THEN 'success'
        WHEN 'failure' THEN 'failure' WHEN 'failed' THEN 'failure' WHEN 'fail' THEN 'failure'
    END AS task_outcome,
    coalesce(lower(trim(r.cache_hit)) = 'true', FALSE) AS response_cache_hit,
    FALSE AS batch,
    coalesce(TRY_CAST(r.request_duration_ms AS DOUBLE),
             epoch_ms(TRY_CAST(r.endTime AS TIMESTAMP)) - epoch_ms(TRY_CAST(r.startTime AS TIMESTAMP))) AS latency_ms,
    nullif(trim(json_extract_string(app, '$.prompt_version')), '') AS prompt_version,
    $source AS source,
    $source_file AS source_file,
    CASE WHEN is_object THEN map_concat(
        record_tags(json_object('metadata', app), [
            'metadata.feature', 'metadata.user_tier', 'metadata.task_id', 'metadata.action_id', 'metadata.step',
            'metadata.task_outcome', 'metadata.prompt_version'
        ]),
        -- one value per tag key (the last one)
        map_from_entries(list_filter(tag_entries, lambda e, i: length(e.key) <= 100 AND length(e.value) <= 200
            AND NOT list_contains(list_transform(tag_entries[i + 1:], lambda x: x.key), e.key))),
        map_from_entries(list_filter([
            {'key': 'call_type', 'value': r.call_type},
            {'key': 'model_group', 'value': r.model_group},
            {'key': 'api_key_alias', 'value': json_extract_string(meta, '$.user_api_key_alias')},
            {'key': 'team_id', 'value': r.team_id},
            {'key': 'organization_id', 'value': r.organization_id},
            {'key': 'proxy_user', 'value': r.user},
            {'key': 'end_user', 'value': r.end_user},
            {'key': 'agent_id', 'value': r.agent_id}
        ], lambda e: nullif(trim(e.value), '') IS NOT NULL AND length(e.value) <= 200))
    ) END AS tags
FROM counted
