-- Provider token-counting rules: raw usage block (JSON) -> canonical token counts.
-- Every ingester that meets a provider usage block goes through these macros, so each
-- rule is written exactly once. The canonical meaning (llmfinops/schema.py):
--   input_tokens        ALL prompt tokens, cache reads and cache writes included
--   cached_input_tokens part of input read from a prompt cache
--   cache_write_tokens  part of input written to a prompt cache (cache_write_1h_tokens: 1-hour TTL part)
--   output_tokens       all generated tokens, reasoning included
--   reasoning_tokens    part of output spent on reasoning
--   extra               the call's other billed units (llmfinops/schema.py EXTRA_UNITS): per-modality
--                       parts of input/output (audio_input_tokens, image_output_tokens, ...) and
--                       server-side tool requests (web_search_requests, ...); NULL when there are none
-- Each usage_* macro returns that STRUCT plus `bad`, TRUE when a count is present but is
-- not a non-negative whole number (the record is then quarantined, never half-counted).

-- A token count from text: as_count gives the whole number (NULL when absent); count_bad is TRUE
-- when a value is present but negative, fractional or not a number.
CREATE OR REPLACE MACRO as_count(v) AS TRY_CAST(TRY_CAST(v AS DOUBLE) AS BIGINT);
CREATE OR REPLACE MACRO count_bad(v) AS v IS NOT NULL
    AND NOT coalesce(TRY_CAST(v AS DOUBLE) >= 0 AND TRY_CAST(v AS DOUBLE) = floor(TRY_CAST(v AS DOUBLE)), FALSE);
-- The same at a JSON path of a usage block.
CREATE OR REPLACE MACRO tok(u, path) AS as_count(json_extract_string(u, path));
CREATE OR REPLACE MACRO tok_bad(u, path) AS count_bad(json_extract_string(u, path));
CREATE OR REPLACE MACRO any_tok_bad(u, paths) AS list_bool_or(list_transform(paths, lambda p: tok_bad(u, p)));
-- Extra units as a MAP of the non-zero entries ({'key': unit, 'value': count} structs); NULL when
-- none is above zero, so the common call carries no map at all.
CREATE OR REPLACE MACRO unit_map(entries) AS CASE
    WHEN list_bool_or(list_transform(entries, lambda e: coalesce(e.value, 0) > 0))
    THEN map_from_entries(list_filter(entries, lambda e: coalesce(e.value, 0) > 0))
END;
-- Add entries to an existing unit map (body-level units, e.g. OpenAI Responses tool_usage).
CREATE OR REPLACE MACRO units_merge(m, entries) AS unit_map(list_concat(
    coalesce(list_transform(map_entries(m), lambda e: {'key': e.key, 'value': e.value}), []), entries));
CREATE OR REPLACE MACRO no_units() AS CAST(NULL AS MAP(VARCHAR, BIGINT));

-- OpenAI Chat Completions (also Azure OpenAI, OpenRouter, Groq, Mistral, LiteLLM's OpenAI-style usage):
-- prompt_tokens already INCLUDES prompt_tokens_details.cached_tokens (and cache_write_tokens) and
-- the audio/image/video parts; completion_tokens INCLUDES completion_tokens_details.reasoning_tokens
-- and its audio/image parts. An embeddings response has no completion_tokens and total_tokens =
-- prompt_tokens: its output is 0 (a chat usage without completion_tokens is still rejected).
CREATE OR REPLACE MACRO openai_chat_units(u) AS unit_map([
    {'key': 'audio_input_tokens', 'value': tok(u, '$.prompt_tokens_details.audio_tokens')},
    {'key': 'image_input_tokens', 'value': tok(u, '$.prompt_tokens_details.image_tokens')},
    {'key': 'video_input_tokens', 'value': tok(u, '$.prompt_tokens_details.video_tokens')},
    {'key': 'audio_output_tokens', 'value': tok(u, '$.completion_tokens_details.audio_tokens')},
    {'key': 'image_output_tokens', 'value': tok(u, '$.completion_tokens_details.image_tokens')}
]);
CREATE OR REPLACE MACRO openai_chat_bad(u) AS any_tok_bad(u, ['$.prompt_tokens', '$.completion_tokens',
    '$.prompt_tokens_details.cached_tokens', '$.prompt_tokens_details.cache_write_tokens',
    '$.completion_tokens_details.reasoning_tokens', '$.prompt_tokens_details.audio_tokens',
    '$.prompt_tokens_details.image_tokens', '$.prompt_tokens_details.video_tokens',
    '$.completion_tokens_details.audio_tokens', '$.completion_tokens_details.image_tokens']);
CREATE OR REPLACE MACRO usage_openai_chat(u) AS {
    'input_tokens': tok(u, '$.prompt_tokens'),
    'cached_input_tokens': coalesce(tok(u, '$.prompt_tokens_details.cached_tokens'), 0),
    'cache_write_tokens': coalesce(tok(u, '$.prompt_tokens_details.cache_write_tokens'), 0),
    'cache_write_1h_tokens': 0::BIGINT,
    'output_tokens': coalesce(tok(u, '$.completion_tokens'),
        CASE WHEN NOT json_exists(u, '$.completion_tokens') AND tok(u, '$.total_tokens') = tok(u, '$.prompt_tokens')
             THEN 0 END),
    'reasoning_tokens': coalesce(tok(u, '$.completion_tokens_details.reasoning_tokens'), 0),
    'extra': openai_chat_units(u),
    'bad': openai_chat_bad(u)
};

-- xAI (native and OpenAI-compatible): completion_tokens EXCLUDES the reasoning tokens, which come
-- as a top-level reasoning_tokens (native) or completion_tokens_details.reasoning_tokens, so
-- output = completion + reasoning (total_tokens = prompt + completion + reasoning); cached input
-- is cached_prompt_text_tokens (native) or prompt_tokens_details.cached_tokens, inside prompt_tokens.
-- Source: docs.x.ai "Consumption and rate limits"; genai-prices 0.2.3's x-ai usage extractors.
CREATE OR REPLACE MACRO xai_reasoning(u) AS coalesce(tok(u, '$.reasoning_tokens'),
    tok(u, '$.completion_tokens_details.reasoning_tokens'), 0);
CREATE OR REPLACE MACRO usage_xai(u) AS {
    'input_tokens': tok(u, '$.prompt_tokens'),
    'cached_input_tokens': coalesce(tok(u, '$.cached_prompt_text_tokens'), tok(u, '$.prompt_tokens_details.cached_tokens'), 0),
    'cache_write_tokens': 0::BIGINT,
    'cache_write_1h_tokens': 0::BIGINT,
    'output_tokens': tok(u, '$.completion_tokens') + xai_reasoning(u),
    'reasoning_tokens': xai_reasoning(u),
    'extra': unit_map([
        {'key': 'audio_input_tokens', 'value': tok(u, '$.prompt_tokens_details.audio_tokens')},
        {'key': 'image_input_tokens', 'value': coalesce(tok(u, '$.prompt_image_tokens'), tok(u, '$.prompt_tokens_details.image_tokens'))},
        {'key': 'audio_output_tokens', 'value': tok(u, '$.completion_tokens_details.audio_tokens')}
    ]),
    'bad': openai_chat_bad(u) OR any_tok_bad(u, ['$.reasoning_tokens', '$.cached_prompt_text_tokens', '$.prompt_image_tokens'])
};

-- DeepSeek: prompt_tokens = prompt_cache_hit_tokens + prompt_cache_miss_tokens; the hits are the
-- cached input (newer responses repeat them as prompt_tokens_details.cached_tokens); reasoning is
-- inside completion_tokens. Source: api-docs.deepseek.com "Context caching".
CREATE OR REPLACE MACRO usage_deepseek(u) AS {
    'input_tokens': tok(u, '$.prompt_tokens'),
    'cached_input_tokens': coalesce(tok(u, '$.prompt_cache_hit_tokens'), tok(u, '$.prompt_tokens_details.cached_tokens'), 0),
    'cache_write_tokens': 0::BIGINT,
    'cache_write_1h_tokens': 0::BIGINT,
    'output_tokens': tok(u, '$.completion_tokens'),
    'reasoning_tokens': coalesce(tok(u, '$.completion_tokens_details.reasoning_tokens'), 0),
    'extra': openai_chat_units(u),
    'bad': openai_chat_bad(u) OR any_tok_bad(u, ['$.prompt_cache_hit_tokens', '$.prompt_cache_miss_tokens'])
};

-- Cohere v2 chat (usage.billed_units) and embed (meta.billed_units, passed as the usage block):
-- billed_units.input_tokens / output_tokens are what Cohere bills; usage.tokens are the raw counts.
CREATE OR REPLACE MACRO usage_cohere(u) AS {
    'input_tokens': coalesce(tok(u, '$.billed_units.input_tokens'), tok(u, '$.tokens.input_tokens')),
    'cached_input_tokens': 0::BIGINT,
    'cache_write_tokens': 0::BIGINT,
    'cache_write_1h_tokens': 0::BIGINT,
    'output_tokens': coalesce(tok(u, '$.billed_units.output_tokens'), tok(u, '$.tokens.output_tokens'), 0),
    'reasoning_tokens': 0::BIGINT,
    'extra': no_units(),
    'bad': any_tok_bad(u, ['$.billed_units.input_tokens', '$.billed_units.output_tokens',
                           '$.tokens.input_tokens', '$.tokens.output_tokens'])
};

-- OpenAI Responses API (also a `response.compaction` object, the Images API `gpt-image` usage,
-- audio transcription usage and Realtime `response.done` usage, which spell the details
-- `input_token_details`/`output_token_details`): input_tokens INCLUDES the cached and cache-write
-- tokens and the text/audio/image parts; output_tokens INCLUDES reasoning and the audio/image parts.
-- Cached audio/image tokens (Realtime cached_tokens_details) are part of both cached and audio/image.
CREATE OR REPLACE MACRO oai_in(u, field) AS coalesce(tok(u, '$.input_tokens_details.' || field),
    tok(u, '$.input_token_details.' || field));
CREATE OR REPLACE MACRO oai_out(u, field) AS coalesce(tok(u, '$.output_tokens_details.' || field),
    tok(u, '$.output_token_details.' || field));
CREATE OR REPLACE MACRO usage_openai_responses(u) AS {
    'input_tokens': tok(u, '$.input_tokens'),
    'cached_input_tokens': coalesce(oai_in(u, 'cached_tokens'), 0),
    'cache_write_tokens': coalesce(oai_in(u, 'cache_write_tokens'), 0),
    'cache_write_1h_tokens': 0::BIGINT,
    'output_tokens': tok(u, '$.output_tokens'),
    'reasoning_tokens': coalesce(oai_out(u, 'reasoning_tokens'), 0),
    'extra': unit_map([
        {'key': 'audio_input_tokens', 'value': oai_in(u, 'audio_tokens')},
        {'key': 'audio_cached_input_tokens', 'value': oai_in(u, 'cached_tokens_details.audio_tokens')},
        {'key': 'image_input_tokens', 'value': oai_in(u, 'image_tokens')},
        {'key': 'image_cached_input_tokens', 'value': oai_in(u, 'cached_tokens_details.image_tokens')},
        {'key': 'audio_output_tokens', 'value': oai_out(u, 'audio_tokens')},
        {'key': 'image_output_tokens', 'value': oai_out(u, 'image_tokens')}
    ]),
    'bad': any_tok_bad(u, ['$.input_tokens', '$.output_tokens', '$.input_tokens_details.cached_tokens',
                           '$.input_tokens_details.cache_write_tokens', '$.output_tokens_details.reasoning_tokens',
                           '$.input_token_details.cached_tokens', '$.input_tokens_details.audio_tokens',
                           '$.input_token_details.audio_tokens', '$.input_tokens_details.image_tokens',
                           '$.input_token_details.image_tokens', '$.output_tokens_details.image_tokens',
                           '$.output_token_details.audio_tokens', '$.output_tokens_details.audio_tokens'])
};

-- Anthropic Messages (also Claude Code logs): input_tokens EXCLUDES cache_read_input_tokens and
-- cache_creation_input_tokens, so canonical input is the three summed. cache_creation splits the
-- writes by TTL (ephemeral_5m / ephemeral_1h). Thinking is inside output_tokens.
-- Server-side compaction: `iterations` lists every sampling step of the request (a `compaction`
-- step, then the `message` step the top-level counts describe); all are billed, so with iterations
-- every count is their sum (docs.claude.com "Compaction": usage.iterations). Server tools:
-- server_tool_use.web_search_requests / web_fetch_requests are billed per request.
-- The block is parsed ONCE, into its counts as text (`s`, iterations included): a json_extract
-- per count re-parsed it ~20 times per record, most of the time of a Claude Code ingest.
CREATE OR REPLACE MACRO an_written(s) AS coalesce(as_count(s.cache_creation_input_tokens),
    coalesce(as_count(s.cache_creation.ephemeral_5m_input_tokens), 0)
    + coalesce(as_count(s.cache_creation.ephemeral_1h_input_tokens), 0));
CREATE OR REPLACE MACRO an_input(s) AS as_count(s.input_tokens) + coalesce(as_count(s.cache_read_input_tokens), 0)
    + an_written(s);
-- the sampling steps when there are any (a list of at least one), else NULL
CREATE OR REPLACE MACRO an_iterations(s) AS CASE WHEN len(s.iterations) > 0 THEN s.iterations END;
CREATE OR REPLACE MACRO usage_anthropic_counts(s) AS {
    'input_tokens': CASE WHEN an_iterations(s) IS NULL THEN an_input(s)
        ELSE CAST(list_sum(list_transform(an_iterations(s), lambda i: an_input(i))) AS BIGINT) END,
    -- a count summed over the iterations when there are any, else the top-level one
    'cached_input_tokens': coalesce(CASE WHEN an_iterations(s) IS NULL THEN as_count(s.cache_read_input_tokens)
        ELSE CAST(list_sum(list_transform(an_iterations(s),
            lambda i: coalesce(as_count(i.cache_read_input_tokens), 0))) AS BIGINT) END, 0),
    'cache_write_tokens': CASE WHEN an_iterations(s) IS NULL THEN an_written(s)
        ELSE CAST(list_sum(list_transform(an_iterations(s), lambda i: an_written(i))) AS BIGINT) END,
    'cache_write_1h_tokens': coalesce(CASE WHEN an_iterations(s) IS NULL
            THEN as_count(s.cache_creation.ephemeral_1h_input_tokens)
        ELSE CAST(list_sum(list_transform(an_iterations(s),
            lambda i: coalesce(as_count(i.cache_creation.ephemeral_1h_input_tokens), 0))) AS BIGINT) END, 0),
    'output_tokens': CASE WHEN an_iterations(s) IS NULL THEN as_count(s.output_tokens)
        ELSE CAST(list_sum(list_transform(an_iterations(s), lambda i: coalesce(as_count(i.output_tokens), 0)))
            AS BIGINT) END,
    'reasoning_tokens': coalesce(as_count(s.output_tokens_details.thinking_tokens), 0),
    'extra': unit_map([
        {'key': 'web_search_requests', 'value': as_count(s.server_tool_use.web_search_requests)},
        {'key': 'web_fetch_requests', 'value': as_count(s.server_tool_use.web_fetch_requests)}
    ]),
    'bad': count_bad(s.input_tokens) OR count_bad(s.output_tokens) OR count_bad(s.cache_read_input_tokens)
        OR count_bad(s.cache_creation_input_tokens) OR count_bad(s.cache_creation.ephemeral_5m_input_tokens)
        OR count_bad(s.cache_creation.ephemeral_1h_input_tokens)
        OR count_bad(s.output_tokens_details.thinking_tokens)
        OR count_bad(s.server_tool_use.web_search_requests) OR count_bad(s.server_tool_use.web_fetch_requests)
        OR (an_iterations(s) IS NOT NULL AND list_bool_or(list_transform(an_iterations(s), lambda i:
            count_bad(i.input_tokens) OR count_bad(i.output_tokens) OR count_bad(i.cache_read_input_tokens)
            OR count_bad(i.cache_creation_input_tokens)
            OR count_bad(i.cache_creation.ephemeral_1h_input_tokens))))
};
-- The block's fields as text, parsed once (the struct usage_anthropic_counts reads). The tier
-- fields ride along for ingesters that read a whole usage block (they are not counts).
CREATE OR REPLACE MACRO anthropic_usage_fields(u) AS json_transform(u, '{
    "input_tokens": "VARCHAR", "cache_read_input_tokens": "VARCHAR", "cache_creation_input_tokens": "VARCHAR",
    "cache_creation": {"ephemeral_5m_input_tokens": "VARCHAR", "ephemeral_1h_input_tokens": "VARCHAR"},
    "output_tokens": "VARCHAR", "output_tokens_details": {"thinking_tokens": "VARCHAR"},
    "server_tool_use": {"web_search_requests": "VARCHAR", "web_fetch_requests": "VARCHAR"},
    "iterations": [{"input_tokens": "VARCHAR", "cache_read_input_tokens": "VARCHAR",
        "cache_creation_input_tokens": "VARCHAR", "output_tokens": "VARCHAR",
        "cache_creation": {"ephemeral_5m_input_tokens": "VARCHAR", "ephemeral_1h_input_tokens": "VARCHAR"}}],
    "service_tier": "VARCHAR", "inference_geo": "VARCHAR", "speed": "VARCHAR"}');
-- (the parsed block is bound once, as a lambda's argument: passed to usage_anthropic_counts directly,
-- its ~30 uses would each repeat the json_transform, and planning a query grew by ~0.04 s. A query
-- over many records does better still with the fields as a column of a subquery, which Claude
-- Code's does: the lambda's body runs its nested list lambdas row by row, 2x the time.)
CREATE OR REPLACE MACRO usage_anthropic(u) AS list_transform([anthropic_usage_fields(u)],
    lambda s: usage_anthropic_counts(s))[1];

-- Gemini / Vertex AI usageMetadata (camelCase over REST, snake_case from the Python SDK):
-- promptTokenCount INCLUDES cachedContentTokenCount; toolUsePromptTokenCount is billed input
-- outside promptTokenCount; thoughtsTokenCount is billed as output but is NOT inside
-- candidatesTokenCount, so canonical output = candidates + thoughts.
-- Per-modality counts come from promptTokensDetails (+ toolUsePromptTokensDetails),
-- cacheTokensDetails and candidatesTokensDetails, lists of {modality, tokenCount}; DOCUMENT is
-- billed as image (genai-prices 0.2.3's google extractor). Each detail list is inside its total.
CREATE OR REPLACE MACRO gem(u, camel, snake) AS coalesce(tok(u, '$.' || camel), tok(u, '$.' || snake));
CREATE OR REPLACE MACRO gem_details(u, camel, snake) AS coalesce(
    json_extract(u, '$.' || camel || '[*]'), json_extract(u, '$.' || snake || '[*]'), []);
CREATE OR REPLACE MACRO gem_mod(u, camel, snake, modalities) AS CAST(list_sum(list_transform(
    list_filter(gem_details(u, camel, snake),
        lambda d: list_contains(modalities, upper(json_extract_string(d, '$.modality')))),
    lambda d: coalesce(as_count(json_extract_string(d, '$.tokenCount')), as_count(json_extract_string(d, '$.token_count')), 0))) AS BIGINT);
CREATE OR REPLACE MACRO gem_in(u, modalities) AS
    coalesce(gem_mod(u, 'promptTokensDetails', 'prompt_tokens_details', modalities), 0)
    + coalesce(gem_mod(u, 'toolUsePromptTokensDetails', 'tool_use_prompt_tokens_details', modalities), 0);
CREATE OR REPLACE MACRO usage_gemini(u) AS {
    'input_tokens': gem(u, 'promptTokenCount', 'prompt_token_count')
        + coalesce(gem(u, 'toolUsePromptTokenCount', 'tool_use_prompt_token_count'), 0),
    'cached_input_tokens': coalesce(gem(u, 'cachedContentTokenCount', 'cached_content_token_count'), 0),
    'cache_write_tokens': 0::BIGINT,
    'cache_write_1h_tokens': 0::BIGINT,
    'output_tokens': coalesce(gem(u, 'candidatesTokenCount', 'candidates_token_count'), 0)
        + coalesce(gem(u, 'thoughtsTokenCount', 'thoughts_token_count'), 0),
    'reasoning_tokens': coalesce(gem(u, 'thoughtsTokenCount', 'thoughts_token_count'), 0),
    'extra': CASE WHEN json_exists(u, '$.promptTokensDetails') OR json_exists(u, '$.prompt_tokens_details')
            OR json_exists(u, '$.candidatesTokensDetails') OR json_exists(u, '$.candidates_tokens_details') THEN unit_map([
        {'key': 'audio_input_tokens', 'value': gem_in(u, ['AUDIO'])},
        {'key': 'image_input_tokens', 'value': gem_in(u, ['IMAGE', 'DOCUMENT'])},
        {'key': 'video_input_tokens', 'value': gem_in(u, ['VIDEO'])},
        {'key': 'audio_cached_input_tokens', 'value': gem_mod(u, 'cacheTokensDetails', 'cache_tokens_details', ['AUDIO'])},
        {'key': 'image_cached_input_tokens', 'value': gem_mod(u, 'cacheTokensDetails', 'cache_tokens_details', ['IMAGE', 'DOCUMENT'])},
        {'key': 'video_cached_input_tokens', 'value': gem_mod(u, 'cacheTokensDetails', 'cache_tokens_details', ['VIDEO'])},
        {'key': 'audio_output_tokens', 'value': gem_mod(u, 'candidatesTokensDetails', 'candidates_tokens_details', ['AUDIO'])},
        {'key': 'image_output_tokens', 'value': gem_mod(u, 'candidatesTokensDetails', 'candidates_tokens_details', ['IMAGE', 'DOCUMENT'])},
        {'key': 'video_output_tokens', 'value': gem_mod(u, 'candidatesTokensDetails', 'candidates_tokens_details', ['VIDEO'])}
    ]) END,
    'bad': any_tok_bad(u, ['$.promptTokenCount', '$.prompt_token_count', '$.candidatesTokenCount',
                           '$.candidates_token_count', '$.thoughtsTokenCount', '$.thoughts_token_count',
                           '$.cachedContentTokenCount', '$.cached_content_token_count',
                           '$.toolUsePromptTokenCount', '$.tool_use_prompt_token_count'])
};

-- AWS Bedrock Converse usage: inputTokens EXCLUDES cacheReadInputTokens and cacheWriteInputTokens.
-- cacheDetails lists the writes by TTL ([{inputTokens, ttl: '5m' | '1h'}]): the '1h' ones are
-- the 1-hour writes.
CREATE OR REPLACE MACRO usage_bedrock_converse(u) AS {
    'input_tokens': tok(u, '$.inputTokens') + coalesce(tok(u, '$.cacheReadInputTokens'), 0)
        + coalesce(tok(u, '$.cacheWriteInputTokens'), 0),
    'cached_input_tokens': coalesce(tok(u, '$.cacheReadInputTokens'), 0),
    'cache_write_tokens': coalesce(tok(u, '$.cacheWriteInputTokens'), 0),
    'cache_write_1h_tokens': coalesce(CAST(list_sum(list_transform(
        list_filter(coalesce(json_extract(u, '$.cacheDetails[*]'), []), lambda d: json_extract_string(d, '$.ttl') = '1h'),
        lambda d: coalesce(tok(d, '$.inputTokens'), 0))) AS BIGINT), 0),
    'output_tokens': tok(u, '$.outputTokens'),
    'reasoning_tokens': 0::BIGINT,
    'extra': no_units(),
    'bad': any_tok_bad(u, ['$.inputTokens', '$.outputTokens', '$.cacheReadInputTokens',
                           '$.cacheWriteInputTokens'])
};

-- Which rule a usage block follows, from its shape; `hint` (provider or model name) settles the
-- one ambiguous case: {input_tokens, output_tokens} is both Anthropic's and OpenAI Responses'.
-- OpenAI-compatible vendors are told apart by their own fields (xAI's cached_prompt_text_tokens or
-- top-level reasoning_tokens, DeepSeek's prompt_cache_hit_tokens), else by the hint (an xAI chat
-- usage looks like OpenAI's but does not count reasoning inside completion_tokens).
CREATE OR REPLACE MACRO usage_shape(u, hint) AS CASE
    WHEN u IS NULL OR json_type(u) <> 'OBJECT' THEN NULL
    WHEN json_exists(u, '$.prompt_tokens') THEN CASE
        WHEN json_exists(u, '$.cached_prompt_text_tokens') OR json_exists(u, '$.reasoning_tokens')
            OR regexp_matches(lower(coalesce(hint, '')), '^(x-ai|xai|grok)') THEN 'xai'
        WHEN json_exists(u, '$.prompt_cache_hit_tokens') THEN 'deepseek'
        ELSE 'openai_chat' END
    WHEN json_exists(u, '$.billed_units') THEN 'cohere'
    WHEN json_exists(u, '$.promptTokenCount') OR json_exists(u, '$.prompt_token_count')
        OR json_exists(u, '$.candidatesTokenCount') THEN 'gemini'
    WHEN json_exists(u, '$.inputTokens') THEN 'bedrock_converse'
    WHEN json_exists(u, '$.cache_read_input_tokens') OR json_exists(u, '$.cache_creation_input_tokens')
        OR json_exists(u, '$.cache_creation') THEN 'anthropic'
    WHEN json_exists(u, '$.input_tokens_details') OR json_exists(u, '$.input_token_details') THEN 'openai_responses'
    WHEN json_exists(u, '$.input_tokens') AND lower(coalesce(hint, '')) SIMILAR TO '.*(anthropic|claude).*'
        THEN 'anthropic'
    WHEN json_exists(u, '$.input_tokens') THEN 'openai_responses'
END;

-- Canonical counts of a usage block of any known shape (NULL when the shape is unknown).
CREATE OR REPLACE MACRO usage_canonical(u, hint) AS CASE usage_shape(u, hint)
    WHEN 'openai_chat' THEN usage_openai_chat(u)
    WHEN 'xai' THEN usage_xai(u)
    WHEN 'deepseek' THEN usage_deepseek(u)
    WHEN 'cohere' THEN usage_cohere(u)
    WHEN 'openai_responses' THEN usage_openai_responses(u)
    WHEN 'anthropic' THEN usage_anthropic(u)
    WHEN 'gemini' THEN usage_gemini(u)
    WHEN 'bedrock_converse' THEN usage_bedrock_converse(u)
END;

-- AWS Bedrock model-invocation log record (the whole record): Bedrock's rule, as for Converse —
-- input.inputTokenCount EXCLUDES input.cacheReadInputTokenCount and cacheWriteInputTokenCount.
CREATE OR REPLACE MACRO usage_bedrock_log(rec) AS usage_bedrock_converse(json_object(
    'inputTokens', json_extract(rec, '$.input.inputTokenCount'),
    'outputTokens', json_extract(rec, '$.output.outputTokenCount'),
    'cacheReadInputTokens', json_extract(rec, '$.input.cacheReadInputTokenCount'),
    'cacheWriteInputTokens', json_extract(rec, '$.input.cacheWriteInputTokenCount')
));

-- OpenTelemetry GenAI span attributes, given as one JSON object {attribute name: value text}.
-- gen_ai.usage.input_tokens (deprecated: prompt_tokens) SHOULD include cache reads and cache
-- writes, and output_tokens (deprecated: completion_tokens) includes reasoning. Cache writes are
-- gen_ai.usage.cache_creation.input_tokens (earlier drafts and some instrumentations:
-- cache_write.input_tokens). OpenInference spans carry the same numbers as llm.token_count.prompt
-- (inclusive of its prompt_details.cache_read / cache_write / audio), .completion (inclusive of
-- completion_details.reasoning / audio). Some Anthropic instrumentations pass Anthropic's
-- EXCLUSIVE input count through: when the cache counts exceed the input count it cannot be
-- inclusive, so they are added (an exclusive count that happens to be larger than its cache
-- counts cannot be told apart and is taken as inclusive).
CREATE OR REPLACE MACRO otel_tok(a, name) AS tok(a, '$."' || name || '"');
CREATE OR REPLACE MACRO otel_first(a, names) AS list_first(list_filter(
    list_transform(names, lambda n: otel_tok(a, n)), lambda v: v IS NOT NULL));
CREATE OR REPLACE MACRO otel_in(a) AS otel_first(a, ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens',
    'llm.token_count.prompt']);
CREATE OR REPLACE MACRO otel_cached(a) AS coalesce(otel_first(a, ['gen_ai.usage.cache_read.input_tokens',
    'llm.token_count.prompt_details.cache_read']), 0);
CREATE OR REPLACE MACRO otel_written(a) AS coalesce(otel_first(a, ['gen_ai.usage.cache_creation.input_tokens',
    'gen_ai.usage.cache_write.input_tokens', 'llm.token_count.prompt_details.cache_write']), 0);
CREATE OR REPLACE MACRO usage_otel(a) AS {
    'input_tokens': CASE
        WHEN otel_in(a) < otel_cached(a) + otel_written(a) THEN otel_in(a) + otel_cached(a) + otel_written(a)
        ELSE otel_in(a)
    END,
    'cached_input_tokens': otel_cached(a),
    'cache_write_tokens': otel_written(a),
    'cache_write_1h_tokens': 0::BIGINT,
    'output_tokens': otel_first(a, ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens',
        'llm.token_count.completion']),
    'reasoning_tokens': coalesce(otel_first(a, ['gen_ai.usage.reasoning.output_tokens',
        'llm.token_count.completion_details.reasoning']), 0),
    'extra': unit_map([
        {'key': 'audio_input_tokens', 'value': otel_tok(a, 'llm.token_count.prompt_details.audio')},
        {'key': 'audio_output_tokens', 'value': otel_tok(a, 'llm.token_count.completion_details.audio')}
    ]),
    'bad': any_tok_bad(a, ['$."gen_ai.usage.input_tokens"', '$."gen_ai.usage.prompt_tokens"',
                           '$."gen_ai.usage.output_tokens"', '$."gen_ai.usage.completion_tokens"',
                           '$."gen_ai.usage.cache_read.input_tokens"',
                           '$."gen_ai.usage.cache_creation.input_tokens"', '$."gen_ai.usage.cache_write.input_tokens"',
                           '$."gen_ai.usage.reasoning.output_tokens"', '$."llm.token_count.prompt"',
                           '$."llm.token_count.completion"', '$."llm.token_count.prompt_details.cache_read"',
                           '$."llm.token_count.prompt_details.cache_write"',
                           '$."llm.token_count.completion_details.reasoning"',
                           '$."llm.token_count.prompt_details.audio"', '$."llm.token_count.completion_details.audio"'])
};

-- LiteLLM SpendLogs row: prompt_tokens is OpenAI-style INCLUSIVE (for Anthropic, current LiteLLM
-- sets input + cache_creation + cache_read); cache counts come only from
-- metadata.additional_usage_values (`extra`), Anthropic-style or OpenAI-style, and are never added
-- again. Older releases added only the cache reads: when prompt_tokens covers the reads but not
-- reads + writes, the writes are added back.
CREATE OR REPLACE MACRO litellm_cached(extra) AS coalesce(
    tok(extra, '$.cache_read_input_tokens'), tok(extra, '$.prompt_tokens_details.cached_tokens'), 0);
CREATE OR REPLACE MACRO litellm_written(extra) AS coalesce(
    tok(extra, '$.cache_creation_input_tokens'), tok(extra, '$.prompt_tokens_details.cache_creation_tokens'),
    tok(extra, '$.prompt_tokens_details.cache_write_tokens'), 0);
CREATE OR REPLACE MACRO usage_litellm(prompt_tokens, completion_tokens, extra) AS {
    'input_tokens': CASE
        WHEN as_count(prompt_tokens) < litellm_cached(extra) + litellm_written(extra)
            AND as_count(prompt_tokens) >= litellm_cached(extra)
        THEN as_count(prompt_tokens) + litellm_written(extra)
        ELSE as_count(prompt_tokens)
    END,
    'cached_input_tokens': litellm_cached(extra),
    'cache_write_tokens': litellm_written(extra),
    'cache_write_1h_tokens': 0::BIGINT,
    'output_tokens': as_count(completion_tokens),
    'reasoning_tokens': coalesce(tok(extra, '$.completion_tokens_details.reasoning_tokens'), 0),
    'extra': unit_map([
        {'key': 'audio_input_tokens', 'value': tok(extra, '$.prompt_tokens_details.audio_tokens')},
        {'key': 'image_input_tokens', 'value': tok(extra, '$.prompt_tokens_details.image_tokens')},
        {'key': 'audio_output_tokens', 'value': tok(extra, '$.completion_tokens_details.audio_tokens')},
        {'key': 'web_search_requests', 'value': tok(extra, '$.server_tool_use.web_search_requests')}
    ]),
    'bad': count_bad(prompt_tokens) OR count_bad(completion_tokens)
        OR coalesce(any_tok_bad(extra, ['$.cache_read_input_tokens', '$.cache_creation_input_tokens',
                                        '$.prompt_tokens_details.cached_tokens',
                                        '$.prompt_tokens_details.cache_creation_tokens',
                                        '$.prompt_tokens_details.cache_write_tokens',
                                        '$.completion_tokens_details.reasoning_tokens']), FALSE)
};

-- OpenAI Admin Usage API completions result: input_tokens INCLUDES input_cached_tokens and
-- input_cache_write_tokens (input_uncached_tokens is the remainder); no reasoning count.
CREATE OR REPLACE MACRO usage_openai_usage_api(r) AS {
    'input_tokens': tok(r, '$.input_tokens'),
    'cached_input_tokens': coalesce(tok(r, '$.input_cached_tokens'), 0),
    'cache_write_tokens': coalesce(tok(r, '$.input_cache_write_tokens'), 0),
    'cache_write_1h_tokens': 0::BIGINT,
    'output_tokens': tok(r, '$.output_tokens'),
    'reasoning_tokens': 0::BIGINT,
    'bad': any_tok_bad(r, ['$.input_tokens', '$.input_cached_tokens', '$.input_cache_write_tokens',
                           '$.output_tokens', '$.num_model_requests'])
};

-- Anthropic Admin usage report result: uncached_input_tokens, cache_read_input_tokens and
-- cache_creation.ephemeral_{5m,1h}_input_tokens are SEPARATE, so canonical input is their sum.
CREATE OR REPLACE MACRO usage_anthropic_report(r) AS {
    'input_tokens': tok(r, '$.uncached_input_tokens') + coalesce(tok(r, '$.cache_read_input_tokens'), 0)
        + coalesce(tok(r, '$.cache_creation.ephemeral_5m_input_tokens'), 0)
        + coalesce(tok(r, '$.cache_creation.ephemeral_1h_input_tokens'), 0),
    'cached_input_tokens': coalesce(tok(r, '$.cache_read_input_tokens'), 0),
    'cache_write_tokens': coalesce(tok(r, '$.cache_creation.ephemeral_5m_input_tokens'), 0)
        + coalesce(tok(r, '$.cache_creation.ephemeral_1h_input_tokens'), 0),
    'cache_write_1h_tokens': coalesce(tok(r, '$.cache_creation.ephemeral_1h_input_tokens'), 0),
    'output_tokens': tok(r, '$.output_tokens'),
    'reasoning_tokens': 0::BIGINT,
    'bad': any_tok_bad(r, ['$.uncached_input_tokens', '$.cache_read_input_tokens',
                           '$.cache_creation.ephemeral_5m_input_tokens',
                           '$.cache_creation.ephemeral_1h_input_tokens', '$.output_tokens'])
};
