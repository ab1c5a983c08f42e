-- Helpers shared by the ingesters: timestamps, provider inference, model ids, tags.
-- Installed on the ingest connection together with token_rules.sql.

-- A timestamp from ISO-8601 text (any offset or Z; no offset = UTC) or epoch seconds,
-- milliseconds, microseconds or nanoseconds (told apart by magnitude). NULL when unparsable.
CREATE OR REPLACE MACRO parse_ts(v) AS CASE
    WHEN v IS NULL THEN NULL
    WHEN TRY_CAST(v AS DOUBLE) IS NOT NULL THEN CASE
        WHEN abs(TRY_CAST(v AS DOUBLE)) >= 1e17 THEN to_timestamp(TRY_CAST(v AS DOUBLE) / 1e9)
        WHEN abs(TRY_CAST(v AS DOUBLE)) >= 1e14 THEN to_timestamp(TRY_CAST(v AS DOUBLE) / 1e6)
        WHEN abs(TRY_CAST(v AS DOUBLE)) >= 1e11 THEN to_timestamp(TRY_CAST(v AS DOUBLE) / 1e3)
        ELSE to_timestamp(TRY_CAST(v AS DOUBLE))
    END
    ELSE TRY_CAST(v AS TIMESTAMPTZ)
END;

-- Normalised model id: lower case, no API path or router prefix ("models/", "openai/"), Vertex
-- publisher paths reduced to the model ("projects/p/locations/l/publishers/google/models/gemini-2.5-flash"
-- -> "gemini-2.5-flash"). Bedrock ids: an Anthropic model is reduced to Anthropic's own id
-- ("us.anthropic.claude-sonnet-4-20250514-v1:0" -> "claude-sonnet-4-20250514"), other vendors keep
-- their Bedrock vendor prefix without the profile prefix and version ("us.amazon.nova-lite-v1:0"
-- -> "amazon.nova-lite"), which is how the catalog names them under aws. A Bedrock ARN of a
-- foundation model or inference profile is reduced to the id it names; an application inference
-- profile does not name its model and stays "application-inference-profile/<id>" (unpriced until
-- an alias in the config names the model). Fine-tuned ids ("ft:gpt-4o-mini-2024-07-18:acme::9xYz")
-- keep their case: the suffix is a case-sensitive id.
CREATE OR REPLACE MACRO normalize_model(m) AS CASE
    -- already normal, as most ids are: skip the regular expressions below
    WHEN m = lower(m) AND m = trim(m) AND m <> '' AND NOT contains(m, '/') AND NOT contains(m, ':')
        AND NOT regexp_matches(m, '^[a-z_-]+\.') THEN m
    ELSE nullif(
    CASE WHEN regexp_matches(trim(m), '^(?i)ft:') THEN 'ft:' || trim(m)[4:] ELSE
    regexp_replace(
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    regexp_replace(lower(trim(m)), '^arn:aws[^:]*:bedrock:[^/]*:(application-inference-profile/)',
                                   '\1'),
                    '^arn:aws[^/]*/', ''),
                '^(models/|(projects/[^/]+/locations/[^/]+/)?publishers/[a-z0-9_-]+/models/)', ''),
            '^(openai|anthropic|google|gemini|vertex_ai|azure|bedrock|vertex)/', ''),
        '^(?:(?:us|eu|apac|global|us-gov|jp|au|ca)\.)?(?:anthropic\.(.+?)|((?:meta|amazon|mistral|cohere|ai21|deepseek|qwen|openai|writer|nvidia|google|moonshotai|zai)\..+?))(?:-v\d+(?::\d+)?)?$',
        '\1\2') END,
    '')
END;

-- The model id of a call through a gateway or host whose catalog entries are its own slugs
-- (OpenRouter "anthropic/claude-sonnet-4", Groq "openai/gpt-oss-120b", Together, Fireworks): the
-- slug is kept, lower case; any other provider's model is normalised.
-- (model_given: the same, for a query that has normalize_model(m) already — the costliest macro
-- per row, so the native ingest computes it once per record)
CREATE OR REPLACE MACRO model_given(m, normalized, provider) AS CASE
    WHEN provider IN ('openrouter', 'groq', 'together', 'fireworks') THEN nullif(lower(trim(m)), '')
    ELSE normalized
END;
CREATE OR REPLACE MACRO model_for(m, provider) AS model_given(m, normalize_model(m), provider);

-- The company that made a model, as a provider key, from the model family its id names (gpt-,
-- claude, gemini, llama, ...); NULL when the id names no family known here. One list for
-- infer_provider (ingest) and model_publisher (the FOCUS export's PublisherName).
CREATE OR REPLACE MACRO model_family_maker(m) AS CASE
    WHEN regexp_matches(m, '^(ft:)?(gpt-|o1|o3|o4|chatgpt|text-embedding|davinci|babbage|codex|computer-use|dall-e|whisper|tts-)')
        THEN 'openai'
    WHEN regexp_matches(m, '^claude') THEN 'anthropic'
    WHEN regexp_matches(m, '^(gemini|gemma|palm|text-bison|chat-bison|imagen|veo)') THEN 'google'
    WHEN regexp_matches(m, '^(mistral|mixtral|codestral|ministral|pixtral|magistral|devstral|voxtral)') THEN 'mistral'
    WHEN regexp_matches(m, '^(command|embed-|rerank-)') THEN 'cohere'
    WHEN regexp_matches(m, '^deepseek') THEN 'deepseek'
    WHEN regexp_matches(m, '^grok') THEN 'x-ai'
    WHEN regexp_matches(m, '^(llama|meta-llama)') THEN 'meta'
    WHEN regexp_matches(m, '^(amazon|nova|titan)') THEN 'aws'
END;

-- Provider from a model id, for records that do not say. A Bedrock vendor-prefixed id
-- (meta.llama3-..., cohere.command-r: normalize_model keeps the vendor) is aws.
CREATE OR REPLACE MACRO infer_provider(m) AS CASE
    WHEN m IS NULL THEN NULL
    WHEN regexp_matches(m, '^(amazon|meta|mistral|cohere|ai21|deepseek|qwen|openai|writer|nvidia|google|moonshotai|zai)\.')
        THEN 'aws'
    ELSE model_family_maker(m)
END;

-- Who made a model (a provider key), whoever serves it: a Bedrock id's vendor prefix names the
-- maker (meta.llama3-... -> meta, amazon.nova-pro -> aws), else the model family. NULL: unknown.
CREATE OR REPLACE MACRO model_publisher(m) AS CASE
    WHEN m IS NULL THEN NULL
    WHEN regexp_matches(m, '^(amazon|meta|mistral|cohere|ai21|deepseek|qwen|openai|writer|nvidia|google|moonshotai|zai)\.')
        THEN CASE WHEN starts_with(m, 'amazon.') THEN 'aws' ELSE regexp_extract(m, '^([a-z0-9]+)\.', 1) END
    ELSE model_family_maker(m)
END;

-- Canonical service tier from a provider's raw value (NULL when absent or unknown; the raw value is
-- kept as the tag service_tier): OpenAI default/auto, Anthropic standard, Gemini ON_DEMAND, Groq
-- on_demand, Bedrock default -> standard; flex / ON_DEMAND_FLEX -> flex; priority /
-- ON_DEMAND_PRIORITY -> priority; scale -> scale; Gemini PROVISIONED_THROUGHPUT, Bedrock reserved,
-- provisioned -> provisioned; batch -> batch.
CREATE OR REPLACE MACRO service_tier_of(raw) AS CASE lower(trim(raw))
    WHEN 'default' THEN 'standard' WHEN 'auto' THEN 'standard' WHEN 'standard' THEN 'standard'
    WHEN 'on_demand' THEN 'standard' WHEN 'standard_only' THEN 'standard'
    WHEN 'flex' THEN 'flex' WHEN 'on_demand_flex' THEN 'flex'
    WHEN 'priority' THEN 'priority' WHEN 'on_demand_priority' THEN 'priority'
    WHEN 'scale' THEN 'scale'
    WHEN 'provisioned' THEN 'provisioned' WHEN 'provisioned_throughput' THEN 'provisioned'
    WHEN 'reserved' THEN 'provisioned'
    WHEN 'batch' THEN 'batch'
END;

-- Bedrock inference profile scope from a model id or ARN: the geo prefix (us, eu, apac, jp, au,
-- ca, us-gov), global, or in-region for a plain vendor id; NULL for anything else.
CREATE OR REPLACE MACRO region_scope_of(m) AS CASE
    WHEN m IS NULL THEN NULL
    WHEN regexp_matches(lower(m), '^(arn:aws[^/]*/)?(us|eu|apac|global|us-gov|jp|au|ca)\.[a-z0-9-]+\.')
        THEN regexp_extract(lower(m), '^(?:arn:aws[^/]*/)?(us|eu|apac|global|us-gov|jp|au|ca)\.', 1)
    WHEN regexp_matches(lower(m), '^(arn:aws[^/]*/)?(anthropic|meta|amazon|mistral|cohere|ai21|deepseek|qwen|openai|writer|nvidia|google|moonshotai|zai)\.')
        THEN 'in-region'
END;

CREATE OR REPLACE MACRO normalize_provider(p) AS CASE lower(trim(p))
    WHEN '' THEN NULL
    WHEN 'gemini' THEN 'google'
    WHEN 'vertex' THEN 'google'
    WHEN 'vertex_ai' THEN 'google'
    WHEN 'bedrock' THEN 'aws'
    WHEN 'azure_openai' THEN 'azure'
    WHEN 'xai' THEN 'x-ai'
    WHEN 'grok' THEN 'x-ai'
    WHEN 'amazon_bedrock' THEN 'aws'
    WHEN 'aws_bedrock' THEN 'aws'
    WHEN 'google_genai' THEN 'google'
    WHEN 'gcp.gemini' THEN 'google'
    WHEN 'gcp.vertex_ai' THEN 'google'
    WHEN 'gcp.gen_ai' THEN 'google'
    WHEN 'azure.ai.openai' THEN 'azure'
    WHEN 'azure.ai.inference' THEN 'azure'
    WHEN 'aws.bedrock' THEN 'aws'
    WHEN 'mistral_ai' THEN 'mistral'
    WHEN 'together_ai' THEN 'together'
    WHEN 'fireworks_ai' THEN 'fireworks'
    ELSE lower(trim(p))
END;

-- A line that is not blank. Nearly every line starts with '{', and answering those without
-- trim() (a copy of the whole line) saves a measurable share of the ingest's CPU.
CREATE OR REPLACE MACRO has_text(s) AS starts_with(s, '{') OR trim(s) <> '';

-- Does a JSON text start with '{' (after leading blanks)? Cheap for the usual unindented line.
CREATE OR REPLACE MACRO starts_object(s) AS CASE WHEN starts_with(s, '{') THEN TRUE ELSE ltrim(s)[1] = '{' END;

-- Keys whose values are prompt or response text (or may be): never kept as tags.
CREATE OR REPLACE MACRO is_text_key(k) AS regexp_matches(lower(k),
    '(prompt|message|content|completion|response|input|output|text|query|question|answer|instruction|system|document|body|transcript|error_message|choices|candidates)');

-- The other scalar fields of a record as tags: top-level scalars and those of a `metadata`/`tags`
-- object, minus `known` keys and text-bearing keys, strings capped at 200 characters (a longer
-- value is text, not a label).
CREATE OR REPLACE MACRO record_tags(j, known) AS map_from_entries(list_filter(
    list_concat(
        list_transform(json_keys(j), lambda k: {'key': k, 'value': json_extract(j, '/' || replace(replace(k, '~', '~0'), '/', '~1'))}),
        list_transform(coalesce(json_keys(j, '$.metadata'), []),
            lambda k: {'key': 'metadata.' || k, 'value': json_extract(j, '/metadata/' || replace(replace(k, '~', '~0'), '/', '~1'))}),
        list_transform(coalesce(json_keys(j, '$.tags'), []),
            lambda k: {'key': 'tags.' || k, 'value': json_extract(j, '/tags/' || replace(replace(k, '~', '~0'), '/', '~1'))})
    ),
    lambda e: NOT list_contains(known, e.key) AND NOT is_text_key(e.key)
        AND json_type(e.value) IN ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE', 'BOOLEAN')
        AND length(json_extract_string(e.value, '$')) <= 200
).list_transform(lambda e: {'key': e.key, 'value': json_extract_string(e.value, '$')}));
