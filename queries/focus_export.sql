-- focus_export: the period's priced calls as FinOps FOCUS 1.2 cost rows (Cost and Usage dataset).
--
-- Parameters:
--   $since  TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until  TIMESTAMPTZ  end, exclusive
--
-- Inputs: the views calls and prices (the price table that priced the calls), and the relation
-- batch_discounts(provider, discount) from the config (llmfinops/focus.py registers it); the
-- macros price_variant and price_row_in_force (queries/price_rules.sql), so each call finds
-- the price row that priced it exactly as queries/price_calls.sql found it; and model_publisher
-- (queries/ingest_macros.sql), the maker of a model as ingest's infer_provider names it.
--
-- Grain: one row per UTC day x provider x model x team x feature x user_tier x token class x
-- unit price (x batch, x cost source, x a gateway's upstream host, x service tier). Unit classes,
-- each its own SKU (SkuId <provider>:<model>:<class>), split as queries/price_calls.sql prices
-- them: input (uncached text), cached_input (text), cache_write (5-minute), cache_write_1h,
-- output (text, reasoning excluded), reasoning; the parts billed at their own rate
-- (schema.EXTRA_UNITS): audio_input, audio_cached_input, image_input, image_cached_input,
-- video_input, video_cached_input, audio_output, image_output, video_output (tokens, per 1M);
-- web_search (server-side searches) and request (a per-request fee), per 1,000 requests. A class
-- without a price is no cost and no row (the call's price_flags name it; focus_excluded counts
-- such calls). A call none of whose classes has a price gives one 'total' row instead (input +
-- output tokens). Rows with 0 units and 0 cost are dropped.
--
-- Money. BilledCost = EffectiveCost = the calls' stored cost_usd (an estimate from app logs, not
-- an invoice), spread over the call's token classes in proportion to their cost at the contracted
-- unit prices, so the rows of a call add up to its cost_usd. ListUnitPrice = the published price
-- per 1,000,000 tokens (batch calls: the batch price, i.e. after the config's batch discount);
-- ContractedUnitPrice = ListUnitPrice after the negotiated discount (config [pricing] discounts);
-- ListCost and ContractedCost = unit price x PricingQuantity. For catalog and override prices
-- ContractedCost equals BilledCost; for a reported cost (e.g. a gateway's) they can differ. A
-- 'total' row has no published price: its unit prices are BilledCost / PricingQuantity.
-- Left out (counted by queries/focus_excluded.sql): unpriced calls (cost_usd NULL) and
-- response-cache hits (no provider charge).
--
-- Output, one row per grain key; the FOCUS columns in alphabetical order, then the custom ones.
-- Dates are strings in FOCUS Date/Time format (YYYY-MM-DDTHH:mm:ssZ, UTC); decimals are DOUBLE.
--   BilledCost, EffectiveCost        DOUBLE   the calls' cost_usd, spread over token classes (see Money)
--   BillingAccountId                 VARCHAR  provider key (openai, anthropic, ...; 'self-hosted' when none)
--   BillingAccountName               VARCHAR  provider display name (OpenAI, Anthropic, ...)
--   BillingCurrency                  VARCHAR  'USD'
--   BillingPeriodStart, BillingPeriodEnd  VARCHAR  the calendar month of the charge (end exclusive)
--   ChargeCategory                   VARCHAR  'Usage'
--   ChargeClass                      VARCHAR  NULL (no corrections)
--   ChargeDescription                VARCHAR  e.g. 'gpt-4o-mini cached input tokens (batch)'
--   ChargeFrequency                  VARCHAR  'Usage-Based'
--   ChargePeriodStart, ChargePeriodEnd    VARCHAR  the UTC day of the calls (end exclusive)
--   ConsumedQuantity                 DOUBLE   tokens or requests; ConsumedUnit VARCHAR 'Tokens' | 'Requests'
--   ContractedCost                   DOUBLE   ContractedUnitPrice x PricingQuantity
--   ContractedUnitPrice              DOUBLE   USD per PricingUnit after the negotiated discount
--   InvoiceId                        VARCHAR  provisional monthly invoice: '<BillingAccountId>-YYYY-MM'
--   InvoiceIssuerName                VARCHAR  = ProviderName
--   ListCost                         DOUBLE   ListUnitPrice x PricingQuantity
--   ListUnitPrice                    DOUBLE   published USD per PricingUnit (batch: the batch price)
--   PricingCategory                  VARCHAR  'Standard'
--   PricingQuantity                  DOUBLE   tokens / 1,000,000 or requests / 1,000; PricingUnit VARCHAR
--                                             '1000000 Tokens' | '1000 Requests'
--   ProviderName                     VARCHAR  provider display name ('Self-hosted' when none)
--   PublisherName                    VARCHAR  who made the model (model_publisher), from its id without a
--                                             gateway's vendor/ prefix (Anthropic for Claude on Bedrock or
--                                             OpenRouter, Meta for meta.llama... on Bedrock); else ProviderName
--   ServiceCategory                  VARCHAR  'AI and Machine Learning'; ServiceSubcategory 'Generative AI'
--   ServiceName                      VARCHAR  'OpenAI API', 'Anthropic API', 'Gemini API', 'Amazon Bedrock', ...
--   SkuId                            VARCHAR  '<provider>:<model>:<token class>'
--   SkuMeter                         VARCHAR  'Input Tokens', 'Cached Input Tokens', 'Cache Write Tokens',
--                                             'Cache Write 1h Tokens', 'Output Tokens', 'Reasoning Tokens',
--                                             'Audio Input Tokens', ... 'Video Output Tokens',
--                                             'Web Search Requests', 'Requests'
--   SkuPriceId                       VARCHAR  SkuId + ':standard'|':batch'|':flex'|':priority' (a tier's own
--                                             price) [+ ':above-N-input-tokens']
--                                             [+ ':from-YYYY-MM-DD'] [+ ':utc-HHMM-HHMM' for a time-of-day
--                                             price] [+ ':as-charged' for 'total' rows]
--   SkuPriceDetails                  VARCHAR  JSON: TokenClass, Batch [, InputTokensAbove, PriceFrom,
--                                             UtcTimeFrom, UtcTimeUntil]
--   Tags                             VARCHAR  JSON of the non-NULL team, feature, user_tier; NULL if none
--   x_Team, x_Feature, x_UserTier    VARCHAR  attribution from the app logs (also in Tags)
--   x_Model                          VARCHAR  model id as logged (normalised)
--   x_TokenClass                     VARCHAR  input | cached_input | cache_write | cache_write_1h | output
--                                             | reasoning | audio_input | ... | video_output | web_search
--                                             | request | total
--   x_Batch                          BOOLEAN  sent through a provider batch API
--   x_CostSource                     VARCHAR  catalog | override | reported
--   x_UpstreamProvider               VARCHAR  a gateway's upstream host as logged (tags['upstream_provider']),
--                                             e.g. 'Anthropic' for OpenRouter; NULL for direct calls
--   x_ServiceTier                    VARCHAR  the call's service tier as logged (standard | batch | flex |
--                                             priority | ...); a tier without a price of its own is
--                                             priced at the standard rate (price_flags says so)
--   x_Calls                          BIGINT   calls in the row
WITH period_calls AS (
    SELECT *
    FROM calls
    WHERE ts >= CAST($since AS TIMESTAMPTZ) AND ts < CAST($until AS TIMESTAMPTZ)
        AND day >= CAST(timezone('UTC', CAST($since AS TIMESTAMPTZ)) AS DATE)
        AND day <= CAST(timezone('UTC', CAST($until AS TIMESTAMPTZ) - INTERVAL 1 MICROSECOND) AS DATE)
        AND cost_usd IS NOT NULL
        AND NOT coalesce(response_cache_hit, false)
),
priced AS (
    -- The same price row that priced the call (queries/price_calls.sql joins it the same way).
    SELECT
        c.call_id,
        c.day,
        c.provider,
        c.model,
        c.team,
        c.feature,
        c.user_tier,
        -- A gateway's upstream host (tags['upstream_provider']): NULL for direct calls.
        c.tags['upstream_provider'] AS upstream,
        c.service_tier,
        coalesce(c.batch, false) AS batch,
        c.cost_usd,
        c.cost_source,
        c.input_tokens,
        c.cached_input_tokens,
        c.cache_write_tokens,
        c.cache_write_1h_tokens,
        c.output_tokens,
        c.reasoning_tokens,
        p.input_mtok,
        p.cache_read_mtok,
        p.cache_write_mtok,
        p.cache_write_1h_mtok,
        p.output_mtok,
        p.input_audio_mtok,
        p.cache_audio_read_mtok,
        p.input_image_mtok,
        p.cache_image_read_mtok,
        p.input_video_mtok,
        p.output_audio_mtok,
        p.output_image_mtok,
        p.output_video_mtok,
        p.web_searches_kcount,
        p.requests_kcount,
        coalesce(p.discount, 0) AS discount,
        p.band_min_input,
        p.valid_from,
        p.tod_from,
        p.tod_until,
        -- a variant with a price of its own; a tier without one was priced (and is exported) at the standard rate
        CASE WHEN coalesce(p.variant_priced, false) THEN p.variant END AS variant,
        -- the row that priced the call (queries/price_calls.sql): its modifier variant and time slice;
        -- a variant's own price (batch, flex, priority) already is the discounted one
        CASE WHEN coalesce(p.variant_priced, false) THEN 1 WHEN c.batch THEN 1 - coalesce(b.discount, 0) ELSE 1 END
            AS batch_factor,
        -- Parts of the canonical counts billed at their own rate (schema.EXTRA_UNITS), as
        -- queries/price_calls.sql splits them; web searches are billed on top.
        coalesce(c.extra_units['audio_input_tokens'], 0) - coalesce(c.extra_units['audio_cached_input_tokens'], 0)
            AS audio_in,
        coalesce(c.extra_units['audio_cached_input_tokens'], 0) AS audio_read,
        coalesce(c.extra_units['image_input_tokens'], 0) - coalesce(c.extra_units['image_cached_input_tokens'], 0)
            AS image_in,
        coalesce(c.extra_units['image_cached_input_tokens'], 0) AS image_read,
        coalesce(c.extra_units['video_input_tokens'], 0) - coalesce(c.extra_units['video_cached_input_tokens'], 0)
            AS video_in,
        coalesce(c.extra_units['video_cached_input_tokens'], 0) AS video_read,
        coalesce(c.extra_units['audio_output_tokens'], 0) AS audio_out,
        coalesce(c.extra_units['image_output_tokens'], 0) AS image_out,
        coalesce(c.extra_units['video_output_tokens'], 0) AS video_out,
        coalesce(c.extra_units['web_search_requests'], 0) AS searches
    FROM period_calls AS c
    LEFT JOIN prices AS p
        ON p.model = c.model
        AND p.provider IS NOT DISTINCT FROM c.provider
        AND price_row_in_force(p.valid_from, p.valid_until, p.tod_from, p.tod_until, p.band_min_input,
            p.band_max_input, c.ts, c.input_tokens)
        AND p.variant IS NOT DISTINCT FROM price_variant(c.batch, c.service_tier, c.provider, c.region_scope)
    LEFT JOIN batch_discounts AS b ON b.provider = c.provider
),
classes AS (
    -- One row per priced unit class of a call; a class without a price is not cost (the call's
    -- price_flags name it, and queries/focus_excluded.sql counts such calls).
    SELECT
        * EXCLUDE (k),
        k.token_class,
        k.tokens,
        k.per,
        k.list_price * batch_factor AS list_unit,
        k.list_price * batch_factor * (1 - discount) AS contracted_unit
    FROM (
        SELECT
            *,
            unnest([
                {'token_class': 'input', 'per': 1e6, 'list_price': input_mtok,
                 'tokens': input_tokens - cached_input_tokens - cache_write_tokens - audio_in - image_in - video_in},
                {'token_class': 'cached_input', 'per': 1e6, 'list_price': coalesce(cache_read_mtok, input_mtok),
                 'tokens': cached_input_tokens - audio_read - image_read - video_read},
                {'token_class': 'cache_write', 'tokens': cache_write_tokens - cache_write_1h_tokens, 'per': 1e6,
                 'list_price': coalesce(cache_write_mtok, input_mtok)},
                {'token_class': 'cache_write_1h', 'tokens': cache_write_1h_tokens, 'per': 1e6,
                 'list_price': coalesce(cache_write_1h_mtok, cache_write_mtok, input_mtok)},
                {'token_class': 'output', 'per': 1e6, 'list_price': output_mtok,
                 'tokens': output_tokens - reasoning_tokens - audio_out - image_out - video_out},
                {'token_class': 'reasoning', 'tokens': reasoning_tokens, 'per': 1e6, 'list_price': output_mtok},
                {'token_class': 'audio_input', 'tokens': audio_in, 'per': 1e6, 'list_price': input_audio_mtok},
                {'token_class': 'audio_cached_input', 'tokens': audio_read, 'per': 1e6,
                 'list_price': cache_audio_read_mtok},
                {'token_class': 'image_input', 'tokens': image_in, 'per': 1e6,
                 'list_price': coalesce(input_image_mtok, input_mtok)},
                {'token_class': 'image_cached_input', 'tokens': image_read, 'per': 1e6,
                 'list_price': coalesce(cache_image_read_mtok, cache_read_mtok, input_mtok)},
                {'token_class': 'video_input', 'tokens': video_in, 'per': 1e6,
                 'list_price': coalesce(input_video_mtok, input_mtok)},
                {'token_class': 'video_cached_input', 'tokens': video_read, 'per': 1e6,
                 'list_price': coalesce(cache_read_mtok, input_mtok)},
                {'token_class': 'audio_output', 'tokens': audio_out, 'per': 1e6, 'list_price': output_audio_mtok},
                {'token_class': 'image_output', 'tokens': image_out, 'per': 1e6, 'list_price': output_image_mtok},
                {'token_class': 'video_output', 'tokens': video_out, 'per': 1e6, 'list_price': output_video_mtok},
                {'token_class': 'web_search', 'tokens': searches, 'per': 1e3, 'list_price': web_searches_kcount},
                {'token_class': 'request', 'tokens': 1, 'per': 1e3, 'list_price': requests_kcount}
            ]) AS k
        FROM priced
    )
    WHERE k.list_price IS NOT NULL
),
weighted AS (
    SELECT
        *,
        sum(tokens * contracted_unit / per) OVER (PARTITION BY call_id) AS call_weight
    FROM classes
),
split AS (
    -- Calls whose classes carry a weight: cost_usd spread in proportion to it.
    SELECT
        * EXCLUDE (call_weight),
        cost_usd * (tokens * contracted_unit / per) / call_weight AS billed
    FROM weighted
    WHERE call_weight > 0
    UNION ALL BY NAME
    -- Calls without a price row, or whose priced tokens weigh nothing: one 'total' row.
    SELECT
        p.*,
        'total' AS token_class,
        p.input_tokens + p.output_tokens AS tokens,
        1e6 AS per,
        CAST(NULL AS DOUBLE) AS list_unit,
        CAST(NULL AS DOUBLE) AS contracted_unit,
        p.cost_usd AS billed
    FROM priced AS p
    ANTI JOIN (SELECT DISTINCT call_id FROM weighted WHERE call_weight > 0) AS w ON w.call_id = p.call_id
),
grouped AS (
    SELECT
        day,
        provider,
        model,
        team,
        feature,
        user_tier,
        upstream,
        service_tier,
        token_class,
        batch,
        cost_source,
        list_unit,
        contracted_unit,
        per,
        variant,
        band_min_input,
        valid_from,
        tod_from,
        tod_until,
        CAST(sum(tokens) AS DOUBLE) AS tokens,
        sum(billed) AS billed,
        count(DISTINCT call_id) AS calls
    FROM split
    GROUP BY ALL
    HAVING sum(tokens) > 0 OR sum(billed) <> 0
),
-- Display names of provider keys, for ProviderName and PublisherName alike.
companies(key, name) AS (
    VALUES ('openai', 'OpenAI'), ('anthropic', 'Anthropic'), ('google', 'Google'),
        ('aws', 'Amazon Web Services'), ('azure', 'Microsoft'), ('mistral', 'Mistral AI'), ('cohere', 'Cohere'),
        ('deepseek', 'DeepSeek'), ('x-ai', 'xAI'), ('meta', 'Meta'), ('openrouter', 'OpenRouter'),
        ('groq', 'Groq'), ('ai21', 'AI21 Labs'), ('qwen', 'Alibaba Cloud'), ('writer', 'Writer'),
        ('nvidia', 'NVIDIA'), ('moonshotai', 'Moonshot AI'), ('zai', 'Z.ai')
),
named AS (
    SELECT
        g.*,
        coalesce(pc.name, g.provider, 'Self-hosted') AS provider_name,
        -- the model's maker (queries/ingest_macros.sql, model_publisher) from its id without a
        -- gateway's vendor/ prefix ('anthropic/claude-haiku-4.5'); the provider when unknown
        coalesce(pb.name, pc.name, g.provider, 'Self-hosted') AS publisher_name,
        CASE provider
            WHEN 'openai' THEN 'OpenAI API'
            WHEN 'anthropic' THEN 'Anthropic API'
            WHEN 'google' THEN 'Gemini API'
            WHEN 'aws' THEN 'Amazon Bedrock'
            WHEN 'azure' THEN 'Azure OpenAI'
            WHEN 'openrouter' THEN 'OpenRouter API'
            ELSE coalesce(provider || ' API', 'Self-hosted models')
        END AS service_name,
        CASE token_class
            WHEN 'input' THEN 'Input Tokens'
            WHEN 'cached_input' THEN 'Cached Input Tokens'
            WHEN 'cache_write' THEN 'Cache Write Tokens'
            WHEN 'cache_write_1h' THEN 'Cache Write 1h Tokens'
            WHEN 'output' THEN 'Output Tokens'
            WHEN 'reasoning' THEN 'Reasoning Tokens'
            WHEN 'audio_input' THEN 'Audio Input Tokens'
            WHEN 'audio_cached_input' THEN 'Audio Cached Input Tokens'
            WHEN 'image_input' THEN 'Image Input Tokens'
            WHEN 'image_cached_input' THEN 'Image Cached Input Tokens'
            WHEN 'video_input' THEN 'Video Input Tokens'
            WHEN 'video_cached_input' THEN 'Video Cached Input Tokens'
            WHEN 'audio_output' THEN 'Audio Output Tokens'
            WHEN 'image_output' THEN 'Image Output Tokens'
            WHEN 'video_output' THEN 'Video Output Tokens'
            WHEN 'web_search' THEN 'Web Search Requests'
            WHEN 'request' THEN 'Requests'
            ELSE 'Tokens'
        END AS meter,
        coalesce(provider, 'self-hosted') || ':' || model || ':' || token_class AS sku_id,
        tokens / per AS pricing_quantity,
        CASE WHEN per = 1e3 THEN 'Requests' ELSE 'Tokens' END AS unit_name,
        -- A 'total' row has no published price: its rate is what the calls cost.
        coalesce(list_unit, billed / nullif(tokens / per, 0), 0) AS list_unit_price,
        coalesce(contracted_unit, billed / nullif(tokens / per, 0), 0) AS contracted_unit_price
    FROM grouped AS g
    LEFT JOIN companies AS pc ON pc.key = g.provider
    LEFT JOIN companies AS pb ON pb.key = model_publisher(regexp_replace(g.model, '^[a-z0-9._-]+/', ''))
)
SELECT
    billed AS BilledCost,
    coalesce(provider, 'self-hosted') AS BillingAccountId,
    provider_name AS BillingAccountName,
    'USD' AS BillingCurrency,
    strftime(date_trunc('month', day) + INTERVAL 1 MONTH, '%Y-%m-%dT%H:%M:%SZ') AS BillingPeriodEnd,
    strftime(date_trunc('month', day), '%Y-%m-%dT%H:%M:%SZ') AS BillingPeriodStart,
    'Usage' AS ChargeCategory,
    CAST(NULL AS VARCHAR) AS ChargeClass,
    model || ' ' || lower(meter) || CASE WHEN batch THEN ' (batch)' ELSE '' END AS ChargeDescription,
    'Usage-Based' AS ChargeFrequency,
    strftime(day + INTERVAL 1 DAY, '%Y-%m-%dT%H:%M:%SZ') AS ChargePeriodEnd,
    strftime(day, '%Y-%m-%dT%H:%M:%SZ') AS ChargePeriodStart,
    tokens AS ConsumedQuantity,
    unit_name AS ConsumedUnit,
    contracted_unit_price * pricing_quantity AS ContractedCost,
    contracted_unit_price AS ContractedUnitPrice,
    billed AS EffectiveCost,
    -- The provider's monthly invoice for the account: one provisional id per account and month.
    coalesce(provider, 'self-hosted') || '-' || strftime(day, '%Y-%m') AS InvoiceId,
    provider_name AS InvoiceIssuerName,
    list_unit_price * pricing_quantity AS ListCost,
    list_unit_price AS ListUnitPrice,
    'Standard' AS PricingCategory,
    pricing_quantity AS PricingQuantity,
    CAST(CAST(per AS BIGINT) AS VARCHAR) || ' ' || unit_name AS PricingUnit,
    provider_name AS ProviderName,
    publisher_name AS PublisherName,
    'AI and Machine Learning' AS ServiceCategory,
    service_name AS ServiceName,
    'Generative AI' AS ServiceSubcategory,
    sku_id AS SkuId,
    meter AS SkuMeter,
    -- A merge patch drops the keys whose value is null.
    CAST(json_merge_patch('{}', json_object(
        'TokenClass', token_class,
        'Batch', batch,
        'InputTokensAbove', CASE WHEN band_min_input >= 0 THEN band_min_input END,
        'PriceFrom', strftime(valid_from, '%Y-%m-%dT%H:%M:%SZ'),
        'UtcTimeFrom', CAST(tod_from AS VARCHAR)[1:5],
        'UtcTimeUntil', CAST(tod_until AS VARCHAR)[1:5]
    )) AS VARCHAR) AS SkuPriceDetails,
    sku_id || ':' || CASE
            WHEN batch THEN 'batch'
            -- a service tier with a price of its own (flex, priority) is its own price
            WHEN starts_with(variant, 'service_tier=') THEN replace(variant, 'service_tier=', '')
            ELSE 'standard'
        END
        || CASE WHEN band_min_input >= 0 THEN ':above-' || band_min_input || '-input-tokens' ELSE '' END
        || CASE WHEN valid_from IS NOT NULL THEN ':from-' || strftime(valid_from, '%Y-%m-%d') ELSE '' END
        || CASE WHEN tod_from IS NOT NULL OR tod_until IS NOT NULL
            THEN ':utc-' || coalesce(replace(CAST(tod_from AS VARCHAR)[1:5], ':', ''), '0000') || '-'
                || coalesce(replace(CAST(tod_until AS VARCHAR)[1:5], ':', ''), '2400')
            ELSE '' END
        || CASE WHEN list_unit IS NULL THEN ':as-charged' ELSE '' END AS SkuPriceId,
    nullif(CAST(to_json(map_from_entries(list_filter(
        [{'k': 'team', 'v': team}, {'k': 'feature', 'v': feature}, {'k': 'user_tier', 'v': user_tier}],
        lambda e: e.v IS NOT NULL
    ))) AS VARCHAR), '{}') AS Tags,
    team AS x_Team,
    feature AS x_Feature,
    user_tier AS x_UserTier,
    model AS x_Model,
    token_class AS x_TokenClass,
    batch AS x_Batch,
    cost_source AS x_CostSource,
    upstream AS x_UpstreamProvider,
    service_tier AS x_ServiceTier,
    calls AS x_Calls
FROM named
ORDER BY
    ChargePeriodStart,
    ProviderName,
    x_Model,
    x_Team NULLS LAST,
    x_Feature NULLS LAST,
    x_UserTier NULLS LAST,
    list_position(['input', 'cached_input', 'cache_write', 'cache_write_1h', 'output', 'reasoning',
        'audio_input', 'audio_cached_input', 'image_input', 'image_cached_input', 'video_input', 'video_cached_input',
        'audio_output', 'image_output', 'video_output', 'web_search', 'request', 'total'], x_TokenClass),
    SkuPriceId,
    x_CostSource,
    x_UpstreamProvider NULLS FIRST,
    x_ServiceTier NULLS FIRST
