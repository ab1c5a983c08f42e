-- OpenTelemetry GenAI spans exported as OTLP/JSON -> canonical calls.
-- Input: relation `lines(line_no BIGINT, raw VARCHAR)`, one OTLP traces document per row:
--   {resourceSpans: [{resource: {attributes}, scopeSpans: [{scope, spans: [{traceId, spanId, name,
--    startTimeUnixNano, endTimeUnixNano, attributes: [{key, value: {stringValue|intValue|…}}], status: {code}}]}]}]}
-- Parameters: $source_file, $source.
-- Output: line_no (the document's), reason, and the canonical columns except the priced ones.
-- Which spans are calls: those with a gen_ai.* operation, provider/system or usage attribute whose
-- operation is a model call (chat, generate_content, text_completion, embeddings, or none given).
-- Agent, workflow and tool spans (invoke_agent, execute_tool, …) are skipped: instrumentations
-- may sum their children's usage on them, which would count it twice. Other spans are skipped.
-- Attributes: span attributes win over resource attributes. Current AND deprecated names are read
-- (gen_ai.provider.name / gen_ai.system, gen_ai.usage.input_tokens / prompt_tokens, …); tokens by
-- usage_otel. model = gen_ai.response.model, else gen_ai.request.model. call_id =
-- gen_ai.response.id (the provider's id, shared with raw responses and LiteLLM logs), else
-- otel:<traceId>:<spanId>. ts = startTimeUnixNano; latency = end - start. status.code 2 (or an
-- error.type attribute) -> 'error'; an error span without usage is stored with zero tokens.
-- user_id = enduser.id / user.id; session_id = session.id / gen_ai.conversation.id; feature, team,
-- user_tier, task_id, action_id, prompt_version from llmfinops.<name>, app.<name> or <name>;
-- action_id defaults to the trace id (one trace = one request the app served).
-- Tags: the other scalar attributes (service.name, deployment.environment.name, …) except
-- gen_ai.* content attributes and anything that may hold text (prompts, messages, tool arguments,
-- results): gen_ai.prompt / completion / input.messages / output.messages are never read.
WITH parsed AS (
    SELECT line_no, json_valid(raw) AS valid, CASE WHEN json_valid(raw) THEN json(raw) END AS j
    FROM lines
    WHERE has_text(raw)
),
docs AS (
    SELECT
        line_no,
        valid,
        coalesce(json_type(j) = 'OBJECT', FALSE) AS is_object,
        coalesce(json_type(j, '$.resourceSpans') = 'ARRAY', FALSE) AS is_otlp,
        j
    FROM parsed
),
-- A document that cannot be read keeps one row (with NULL spans) so it is quarantined.
resources AS (
    SELECT *, unnest(CASE WHEN is_otlp THEN json_extract(j, '$.resourceSpans[*]') ELSE [NULL::JSON] END) AS rs
    FROM docs
),
scopes AS (
    SELECT
        *,
        unnest(CASE WHEN rs IS NULL THEN [NULL::JSON]
               ELSE list_concat(coalesce(json_extract(rs, '$.scopeSpans[*]'), []),
                                coalesce(json_extract(rs, '$.instrumentationLibrarySpans[*]'), [])) END) AS ss
    FROM resources
),
spans AS (
    SELECT
        line_no, valid, is_object, is_otlp, rs,
        unnest(CASE WHEN rs IS NULL THEN [NULL::JSON] ELSE coalesce(json_extract(ss, '$.spans[*]'), []) END) AS sp
    FROM scopes
),
entries AS (
    SELECT
        *,
        list_concat(
            list_transform(coalesce(json_extract(rs, '$.resource.attributes[*]'), []), lambda a: {
                'key': json_extract_string(a, '$.key'),
                'value': coalesce(json_extract_string(a, '$.value.stringValue'),
                                  json_extract_string(a, '$.value.intValue'),
                                  json_extract_string(a, '$.value.doubleValue'),
                                  json_extract_string(a, '$.value.boolValue'))}),
            list_transform(coalesce(json_extract(sp, '$.attributes[*]'), []), lambda a: {
                'key': json_extract_string(a, '$.key'),
                'value': coalesce(json_extract_string(a, '$.value.stringValue'),
                                  json_extract_string(a, '$.value.intValue'),
                                  json_extract_string(a, '$.value.doubleValue'),
                                  json_extract_string(a, '$.value.boolValue'))})
        ) AS all_entries
    FROM spans
),
attributed AS (
    SELECT
        *,
        -- one value per key, the last one (span after resource) winning
        map_from_entries(list_filter(all_entries, lambda e, i: e.key IS NOT NULL AND e.value IS NOT NULL
            AND NOT list_contains(list_transform(all_entries[i + 1:], lambda x: x.key), e.key))) AS a
    FROM entries
),
classified AS (
    SELECT
        *,
        CAST(a AS JSON) AS aj,
        lower(a['gen_ai.operation.name']) AS op,
        -- OpenInference (Arize/Phoenix) spans say the same with llm.*: an LLM span is a call too
        list_bool_or(list_transform(map_keys(a), lambda k: k LIKE 'gen_ai.%' OR k LIKE 'llm.token_count.%'))
            AS is_genai
    FROM attributed
),
calls AS (
    SELECT
        *,
        usage_otel(aj) AS u,
        parse_ts(json_extract_string(sp, '$.startTimeUnixNano')) AS ts_n,
        normalize_model(coalesce(a['gen_ai.response.model'], a['gen_ai.request.model'], a['llm.model_name']))
            AS model_n,
        coalesce(json_extract_string(sp, '$.status.code') IN ('2', 'STATUS_CODE_ERROR'), FALSE)
            OR a['error.type'] IS NOT NULL AS failed
    FROM classified
    WHERE sp IS NULL
        OR (coalesce(is_genai, FALSE)
            AND coalesce(op, 'chat') IN ('chat', 'generate_content', 'text_completion', 'completion', 'embeddings'))
),
pick AS (
    SELECT
        *,
        -- app attributes: the llmfinops.* name, else app.*, else the bare name
        coalesce(a['llmfinops.feature'], a['app.feature'], a['feature']) AS d_feature,
        coalesce(a['llmfinops.team'], a['app.team'], a['team']) AS d_team,
        coalesce(a['llmfinops.user_tier'], a['app.user_tier'], a['user_tier']) AS d_user_tier,
        coalesce(a['llmfinops.task_id'], a['app.task_id'], a['task_id']) AS d_task_id,
        coalesce(a['llmfinops.action_id'], a['app.action_id'], a['action_id'],
                 json_extract_string(sp, '$.traceId')) AS d_action_id,
        coalesce(a['llmfinops.prompt_version'], a['app.prompt_version'], a['prompt_version']) AS d_prompt_version,
        coalesce(a['llmfinops.step'], a['app.step'], a['step']) AS d_step,
        coalesce(a['llmfinops.task_outcome'], a['app.task_outcome'], a['task_outcome']) AS d_task_outcome,
        u.input_tokens IS NULL AND u.output_tokens IS NULL AND failed AS failed_without_usage
    FROM calls
)
SELECT
    line_no,
    CASE
        WHEN NOT valid THEN 'malformed JSON'
        WHEN NOT is_object THEN 'not a JSON object'
        WHEN NOT is_otlp THEN 'not an OTLP traces document'
        WHEN json_extract_string(sp, '$.startTimeUnixNano') IS NULL THEN 'missing ts'
        WHEN ts_n IS NULL THEN 'unparsable ts'
        WHEN model_n IS NULL THEN 'missing model'
        WHEN u.bad THEN 'negative or non-numeric token count'
        WHEN failed_without_usage THEN NULL
        WHEN u.input_tokens IS NULL OR (u.output_tokens IS NULL AND op IS DISTINCT FROM 'embeddings')
            THEN 'missing token counts'
        WHEN u.cached_input_tokens + u.cache_write_tokens > u.input_tokens THEN 'cached tokens exceed input tokens'
        WHEN u.reasoning_tokens > coalesce(u.output_tokens, 0) THEN 'reasoning tokens exceed output tokens'
        WHEN d_step IS NOT NULL AND as_count(d_step) IS NULL THEN 'non-numeric step'
    END AS reason,
    coalesce(a['gen_ai.response.id'],
             'otel:' || json_extract_string(sp, '$.traceId') || ':' || json_extract_string(sp, '$.spanId'),
             'h:' || md5(CAST(sp AS VARCHAR))) AS call_id,
    ts_n AS ts,
    coalesce(
        normalize_provider(CASE lower(coalesce(a['gen_ai.provider.name'], a['gen_ai.system'], a['llm.provider'],
                                               a['llm.system']))
            WHEN 'aws.bedrock' THEN 'aws'
            WHEN 'az.ai.openai' THEN 'azure'
            WHEN 'azure.ai.openai' THEN 'azure'
            WHEN 'azure.ai.inference' THEN 'azure'
            WHEN 'gcp.gemini' THEN 'google'
            WHEN 'gcp.vertex_ai' THEN 'google'
            WHEN 'gcp.gen_ai' THEN 'google'
            WHEN 'mistral_ai' THEN 'mistral'
            WHEN 'x_ai' THEN 'x-ai'
            WHEN 'ibm.watsonx.ai' THEN 'ibm'
            ELSE coalesce(a['gen_ai.provider.name'], a['gen_ai.system'], a['llm.provider'], a['llm.system'])
        END),
        infer_provider(model_n)
    ) AS provider,
    model_n AS model,
    coalesce(u.input_tokens, 0) AS input_tokens,
    u.cached_input_tokens,
    u.cache_write_tokens,
    u.cache_write_1h_tokens,
    coalesce(u.output_tokens, 0) AS output_tokens,
    u.reasoning_tokens,
    u.extra AS extra_units,
    CAST(NULL AS DOUBLE) AS cost_usd,
    nullif(trim(coalesce(a['enduser.id'], a['user.id'], a['llmfinops.user_id'], a['app.user_id'])), '') AS user_id,
    nullif(lower(trim(d_user_tier)), '') AS user_tier,
    nullif(trim(d_team), '') AS team,
    nullif(trim(d_feature), '') AS feature,
    nullif(trim(d_task_id), '') AS task_id,
    nullif(trim(d_action_id), '') AS action_id,
    nullif(trim(coalesce(a['session.id'], a['gen_ai.conversation.id'])), '') AS session_id,
    as_count(d_step) AS step,
    CASE WHEN failed THEN 'error' ELSE 'ok' END AS status,
    CASE lower(d_task_outcome)
        WHEN 'success' THEN 'success' WHEN 'succeeded' THEN 'success' WHEN 'ok' THEN 'success'
        WHEN 'failure' THEN 'failure' WHEN 'failed' THEN 'failure' WHEN 'fail' THEN 'failure'
    END AS task_outcome,
    FALSE AS response_cache_hit,
    FALSE AS batch,
    service_tier_of(coalesce(a['openai.response.service_tier'], a['gen_ai.openai.response.service_tier'],
        a['openai.request.service_tier'], a['gen_ai.openai.request.service_tier'])) AS service_tier,
    (TRY_CAST(json_extract_string(sp, '$.endTimeUnixNano') AS HUGEINT)
        - TRY_CAST(json_extract_string(sp, '$.startTimeUnixNano') AS HUGEINT)) / 1e6 AS latency_ms,
    nullif(trim(d_prompt_version), '') AS prompt_version,
    $source AS source,
    $source_file AS source_file,
    CASE WHEN sp IS NOT NULL THEN map_concat(
        map_from_entries(list_filter(map_entries(a), lambda e:
            (NOT e.key LIKE 'gen_ai.%' OR e.key IN ('gen_ai.operation.name', 'gen_ai.agent.name',
                                                   'gen_ai.agent.id', 'gen_ai.workflow.name'))
            AND NOT regexp_matches(e.key, '^(llmfinops|app)\.')
            AND e.key NOT IN ('enduser.id', 'user.id', 'session.id', 'error.type', 'feature', 'team', 'user_tier',
                              'task_id', 'action_id', 'prompt_version', 'step', 'task_outcome')
            AND NOT is_text_key(e.key)
            AND NOT regexp_matches(lower(e.key), '(argument|result|messages|instruction|description)')
            AND length(e.value) <= 200)),
        map_from_entries(list_filter([
            {'key': 'trace_id', 'value': json_extract_string(sp, '$.traceId')},
            {'key': 'span_id', 'value': json_extract_string(sp, '$.spanId')},
            {'key': 'service_tier', 'value': coalesce(a['openai.response.service_tier'],
                a['gen_ai.openai.response.service_tier'], a['openai.request.service_tier'],
                a['gen_ai.openai.request.service_tier'])},
            {'key': 'error.type', 'value': left(a['error.type'], 64)}
        ], lambda e: e.value IS NOT NULL))
    ) END AS tags
FROM pick
