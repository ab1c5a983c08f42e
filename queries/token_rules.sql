-- Provider token-counting rules: raw usage block (JSON) -> canonical token counts.
-- Every ingester that meets a provider usage block goes through these macros, so each
-- rule is written exactly once. The canonical meaning (llmfinops/schema.py):
--   input_tokens        ALL prompt tokens, cache reads and cache writes included
--   cached_input_tokens part of input read from a prompt cache
--   cache_write_tokens  part of input written to a prompt cache (cache_write_1h_tokens: 1-hour TTL part)
--   output_tokens       all generated tokens, reasoning included
--   reasoning_tokens    part of output spent on reasoning
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

-- OpenAI Chat Completions (also Azure OpenAI, OpenRouter, LiteLLM's OpenAI-style usage):
-- prompt_tokens already INCLUDES prompt_tokens_details.cached_tokens (and cache_write_tokens);
-- completion_tokens INCLUDES completion_tokens_details.reasoning_tokens.
CREATE OR REPLACE MACRO usage_openai_chat(u) AS {
    'input_tokens': tok(u, '$.prompt_tokens'),
    'cached_input_tokens': coalesce(tok(u, '$.prompt_tokens_details.cached_tokens'), 0),
    'cache_write_tokens': coalesce(tok(u, '$.prompt_tokens_details.cache_write_tokens'), 0),
    'cache_write_1h_tokens': 0::BIGINT,
    'output_tokens': tok(u, '$.completion_tokens'),
    'reasoning_tokens': coalesce(tok(u, '$.completion_tokens_details.reasoning_tokens'), 0),
    'bad': any_tok_bad(u, ['$.prompt_tokens', '$.completion_tokens', '$.prompt_tokens_details.cached_tokens',
                           '$.prompt_tokens_details.cache_write_tokens',
                           '$.completion_tokens_details.reasoning_tokens'])
};

-- OpenAI Responses API: input_tokens INCLUDES input_tokens_details.cached_tokens and
-- cache_write_tokens; output_tokens INCLUDES output_tokens_details.reasoning_tokens.
CREATE OR REPLACE MACRO usage_openai_responses(u) AS {
    'input_tokens': tok(u, '$.input_tokens'),
    'cached_input_tokens': coalesce(tok(u, '$.input_tokens_details.cached_tokens'), 0),
    'cache_write_tokens': coalesce(tok(u, '$.input_tokens_details.cache_write_tokens'), 0),
    'cache_write_1h_tokens': 0::BIGINT,
    'output_tokens': tok(u, '$.output_tokens'),
    'reasoning_tokens': coalesce(tok(u, '$.output_tokens_details.reasoning_tokens'), 0),
    'bad': any_tok_bad(u, ['$.input_tokens', '$.output_tokens', '$.input_tokens_details.cached_tokens',
                           '$.input_tokens_details.cache_write_tokens',
                           '$.output_tokens_details.reasoning_tokens'])
};

-- Anthropic Messages (also Claude Code logs): input_tokens EXCLUDES cache_read_input_tokens and
-- cache_creation_input_tokens, so canonical input is the three summed. cache_creation splits the
-- writes by TTL (ephemeral_5m / ephemeral_1h). Thinking is inside output_tokens.
-- The rule over the block's counts as text; usage_anthropic (below) parses the block ONCE
-- into them (a json_extract per count parsed it ~20 times per record: 10x slower).
CREATE OR REPLACE MACRO usage_anthropic_fields(s) AS {
    'input_tokens': as_count(s.input_tokens)
        + coalesce(as_count(s.cache_read_input_tokens), 0)
        + coalesce(as_count(s.cache_creation_input_tokens),
                   coalesce(as_count(s.cache_creation.ephemeral_5m_input_tokens), 0)
                   + coalesce(as_count(s.cache_creation.ephemeral_1h_input_tokens), 0)),
    'cached_input_tokens': coalesce(as_count(s.cache_read_input_tokens), 0),
    'cache_write_tokens': coalesce(as_count(s.cache_creation_input_tokens),
                                   coalesce(as_count(s.cache_creation.ephemeral_5m_input_tokens), 0)
                                   + coalesce(as_count(s.cache_creation.ephemeral_1h_input_tokens), 0)),
    'cache_write_1h_tokens': coalesce(as_count(s.cache_creation.ephemeral_1h_input_tokens), 0),
    'output_tokens': as_count(s.output_tokens),
    'reasoning_tokens': coalesce(as_count(s.output_tokens_details.thinking_tokens), 0),
    'bad': count_bad(s.input_tokens) OR count_bad(s.output_tokens) OR count_bad(s.cache_read_input_tokens)
        OR count_bad(s.cache_creation_input_tokens) OR count_bad(s.cache_creation.ephemeral_5m_input_tokens)
        OR count_bad(s.cache_creation.ephemeral_1h_input_tokens)
        OR count_bad(s.output_tokens_details.thinking_tokens)
};
CREATE OR REPLACE MACRO usage_anthropic(u) AS usage_anthropic_fields(json_transform(u, '{
    "input_tokens": "VARCHAR", "cache_read_input_tokens": "VARCHAR", "cache_creation_input_tokens": "VARCHAR",
    "cache_creation": {"ephemeral_5m_input_tokens": "VARCHAR", "ephemeral_1h_input_tokens": "VARCHAR"},
    "output_tokens": "VARCHAR", "output_tokens_details": {"thinking_tokens": "VARCHAR"}}'));

-- Gemini / Vertex AI usageMetadata (camelCase over REST, snake_case from the Python SDK):
-- promptTokenCount INCLUDES cachedContentTokenCount; toolUsePromptTokenCount is billed input
-- outside promptTokenCount; thoughtsTokenCount is billed as output but is NOT inside
-- candidatesTokenCount, so canonical output = candidates + thoughts.
CREATE OR REPLACE MACRO gem(u, camel, snake) AS coalesce(tok(u, '$.' || camel), tok(u, '$.' || snake));
CREATE OR REPLACE MACRO usage_gemini(u) AS {
    'input_tokens': gem(u, 'promptTokenCount', 'prompt_token_count')
        + coalesce(gem(u, 'toolUsePromptTokenCount', 'tool_use_prompt_token_count'), 0),
    'cached_input_tokens': coalesce(gem(u, 'cachedContentTokenCount', 'cached_content_token_count'), 0),
    'cache_write_tokens': 0::BIGINT,
    'cache_write_1h_tokens': 0::BIGINT,
    'output_tokens': coalesce(gem(u, 'candidatesTokenCount', 'candidates_token_count'), 0)
        + coalesce(gem(u, 'thoughtsTokenCount', 'thoughts_token_count'), 0),
    'reasoning_tokens': coalesce(gem(u, 'thoughtsTokenCount', 'thoughts_token_count'), 0),
    'bad': any_tok_bad(u, ['$.promptTokenCount', '$.prompt_token_count', '$.candidatesTokenCount',
                           '$.candidates_token_count', '$.thoughtsTokenCount', '$.thoughts_token_count',
                           '$.cachedContentTokenCount', '$.cached_content_token_count',
                           '$.toolUsePromptTokenCount', '$.tool_use_prompt_token_count'])
};

-- AWS Bedrock Converse usage: inputTokens EXCLUDES cacheReadInputTokens and cacheWriteInputTokens.
CREATE OR REPLACE MACRO usage_bedrock_converse(u) AS {
    'input_tokens': tok(u, '$.inputTokens') + coalesce(tok(u, '$.cacheReadInputTokens'), 0)
        + coalesce(tok(u, '$.cacheWriteInputTokens'), 0),
    'cached_input_tokens': coalesce(tok(u, '$.cacheReadInputTokens'), 0),
    'cache_write_tokens': coalesce(tok(u, '$.cacheWriteInputTokens'), 0),
    'cache_write_1h_tokens': 0::BIGINT,
    'output_tokens': tok(u, '$.outputTokens'),
    'reasoning_tokens': 0::BIGINT,
    'bad': any_tok_bad(u, ['$.inputTokens', '$.outputTokens', '$.cacheReadInputTokens',
                           '$.cacheWriteInputTokens'])
};

-- Which rule a usage block follows, from its shape; `hint` (provider or model name) settles the
-- one ambiguous case: {input_tokens, output_tokens} is both Anthropic's and OpenAI Responses'.
CREATE OR REPLACE MACRO usage_shape(u, hint) AS CASE
    WHEN u IS NULL OR json_type(u) <> 'OBJECT' THEN NULL
    WHEN json_exists(u, '$.prompt_tokens') THEN 'openai_chat'
    WHEN json_exists(u, '$.promptTokenCount') OR json_exists(u, '$.prompt_token_count')
        OR json_exists(u, '$.candidatesTokenCount') THEN 'gemini'
    WHEN json_exists(u, '$.inputTokens') THEN 'bedrock_converse'
    WHEN json_exists(u, '$.cache_read_input_tokens') OR json_exists(u, '$.cache_creation_input_tokens')
        OR json_exists(u, '$.cache_creation') THEN 'anthropic'
    WHEN json_exists(u, '$.input_tokens_details') THEN 'openai_responses'
    WHEN json_exists(u, '$.input_tokens') AND lower(coalesce(hint, '')) SIMILAR TO '.*(anthropic|claude).*'
        THEN 'anthropic'
    WHEN json_exists(u, '$.input_tokens') THEN 'openai_responses'
END;

-- Canonical counts of a usage block of any known shape (NULL when the shape is unknown).
CREATE OR REPLACE MACRO usage_canonical(u, hint) AS CASE usage_shape(u, hint)
    WHEN 'openai_chat' THEN usage_openai_chat(u)
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
-- writes, and output_tokens (deprecated: completion_tokens) includes reasoning. Some Anthropic
-- instrumentations pass Anthropic's EXCLUSIVE input count through: when the cache counts exceed
-- the input count it cannot be inclusive, so they are added (an exclusive count that happens to
-- be larger than its cache counts cannot be told apart and is taken as inclusive).
CREATE OR REPLACE MACRO otel_tok(a, name) AS tok(a, '$."' || name || '"');
CREATE OR REPLACE MACRO usage_otel(a) AS {
    'input_tokens': CASE
        WHEN coalesce(otel_tok(a, 'gen_ai.usage.input_tokens'), otel_tok(a, 'gen_ai.usage.prompt_tokens'))
            < coalesce(otel_tok(a, 'gen_ai.usage.cache_read.input_tokens'), 0)
              + coalesce(otel_tok(a, 'gen_ai.usage.cache_creation.input_tokens'), 0)
        THEN coalesce(otel_tok(a, 'gen_ai.usage.input_tokens'), otel_tok(a, 'gen_ai.usage.prompt_tokens'))
            + coalesce(otel_tok(a, 'gen_ai.usage.cache_read.input_tokens'), 0)
            + coalesce(otel_tok(a, 'gen_ai.usage.cache_creation.input_tokens'), 0)
        ELSE coalesce(otel_tok(a, 'gen_ai.usage.input_tokens'), otel_tok(a, 'gen_ai.usage.prompt_tokens'))
    END,
    'cached_input_tokens': coalesce(otel_tok(a, 'gen_ai.usage.cache_read.input_tokens'), 0),
    'cache_write_tokens': coalesce(otel_tok(a, 'gen_ai.usage.cache_creation.input_tokens'), 0),
    'cache_write_1h_tokens': 0::BIGINT,
    'output_tokens': coalesce(otel_tok(a, 'gen_ai.usage.output_tokens'), otel_tok(a, 'gen_ai.usage.completion_tokens')),
    'reasoning_tokens': coalesce(otel_tok(a, 'gen_ai.usage.reasoning.output_tokens'), 0),
    'bad': any_tok_bad(a, ['$."gen_ai.usage.input_tokens"', '$."gen_ai.usage.prompt_tokens"',
                           '$."gen_ai.usage.output_tokens"', '$."gen_ai.usage.completion_tokens"',
                           '$."gen_ai.usage.cache_read.input_tokens"',
                           '$."gen_ai.usage.cache_creation.input_tokens"',
                           '$."gen_ai.usage.reasoning.output_tokens"'])
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
