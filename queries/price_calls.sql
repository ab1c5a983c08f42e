-- Price canonical calls against the flattened price table (llmfinops/pricing/catalog.py).
-- Input relations: `unpriced` (canonical call columns; cost_usd holds a REPORTED cost or NULL),
-- `price_table` (non-overlapping rows per provider+model: validity window in UTC, UTC time-of-day
-- slice for time-of-day prices (the session's TimeZone must be UTC), context band,
-- USD per million tokens / per thousand requests, negotiated discount, source, tier, price_version),
-- `batch_discounts(provider, discount)`, `modifier_rows(provider, model, modifier, multiplier,
-- valid_from, valid_until, tag, tag_value)` (llmfinops/pricing/modifiers.py); the macros of
-- queries/price_rules.sql: price_variant (which catalog variant a call's price row is) and
-- price_row_in_force (the row's validity window, UTC time-of-day slice and context band).
-- Units: the text-token classes of the canonical columns, plus `extra_units` (schema.EXTRA_UNITS):
-- per-modality tokens are PARTS of input/cached/output and are charged at their own price instead
-- of the text price; web searches and a per-request fee are charged on top.
--   text uncached input = input - cached - cache writes - uncached audio/image/video input
--   text cached input   = cached - cached audio/image/video
--   text output         = output - audio/image/video output
-- catalog cost = (text uncached input x input + text cached x cache read
--         + 5-minute writes x cache write + 1-hour writes x 1h cache write + text output x output
--         + each modality part x its price + web searches x per-search price + request fee)
--         x (1 - negotiated discount) x (1 - batch discount if batch, see the pricing order below)
--         x each modifier-table multiplier (inference_geo, speed, region_scope, regional processing)
-- Missing prices: a cache price falls back to the input price (1h writes to 5m writes); image and
-- video input fall back to the text input / cache-read price (Google and OpenAI bill image and
-- video prompt tokens as text tokens unless a model lists its own price). Audio tokens, generated
-- image/video/audio tokens, web fetches, any unit not in schema.EXTRA_UNITS, and input or output
-- of a model without that price are NOT guessed: they are left out of the cost and named in
-- `price_flags` ('unpriced:<unit>'). Reasoning tokens are inside output and priced as output.
-- Price modifiers (service_tier, batch, inference_geo, speed, region_scope). PRICING ORDER, for
-- each modifier a call carries:
--   1. the catalog's own variant of the model's price for it at `ts` (price_table rows with
--      `variant` = 'service_tier=flex' | 'service_tier=priority' | 'batch' and variant_priced; for
--      Bedrock, 'region_scope=global' = the catalog's own `global.` profile entry, while plain,
--      in-region and geo ids (us./eu./apac./jp./au.) take the model's standard row, which for
--      Claude 4.5 and later is the catalog's `regional.` entry with AWS's +10% regional premium
--      already in it — so no modifier row multiplies it again);
--   2. else the shipped modifier table, overridable in the config (`modifier_rows`: a multiplier
--      on the standard price, e.g. inference_geo=us x1.1; llmfinops/pricing/modifiers.toml);
--   3. else, for batch only, [pricing] batch_discounts (`batch_discounts`);
--   4. else the standard-rate parts are priced and the call is flagged
--      'unpriced:service_tier=flex' (…=priority, …=batch, 'unpriced:inference_geo=us',
--      'unpriced:speed=fast', 'unpriced:region_scope=global') — never silently at the standard price.
-- Regional processing (OpenAI data residency endpoints) is not in the response: a
-- [[pricing.regional_processing]] row (modifier_rows with modifier = 'regional_processing') multiplies
-- the cost of calls whose tags[tag] = tag_value (project, API key, host) — on top of the above.
-- scale and provisioned are prepaid capacity with no per-token price: catalog cost NULL
-- ('unpriced') and flagged unless the modifier table prices them.
-- cost_usd = a reported cost as is, else the catalog cost; a response-cache hit costs 0 and a
-- call with no priced part at all (no input, output or request price) stays NULL ('unpriced'),
-- never 0. catalog_cost_usd is the catalog cost also for reported rows (reconcile compares them).
-- Output: the canonical columns of llmfinops/schema.py, in order, plus `day`.
WITH joined AS (
    SELECT
        c.*,
        p.model_tier AS p_tier,
        p.price_version AS p_version,
        p.price_source AS p_source,
        p.input_mtok AS in_p,
        coalesce(p.cache_read_mtok, p.input_mtok) AS read_p,
        coalesce(p.cache_write_mtok, p.input_mtok) AS write_p,
        coalesce(p.cache_write_1h_mtok, p.cache_write_mtok, p.input_mtok) AS write_1h_p,
        p.output_mtok AS out_p,
        p.input_audio_mtok AS audio_in_p,
        p.cache_audio_read_mtok AS audio_read_p,
        coalesce(p.input_image_mtok, p.input_mtok) AS image_in_p,
        coalesce(p.cache_image_read_mtok, p.cache_read_mtok, p.input_mtok) AS image_read_p,
        coalesce(p.input_video_mtok, p.input_mtok) AS video_in_p,
        coalesce(p.cache_read_mtok, p.input_mtok) AS video_read_p,
        p.output_audio_mtok AS audio_out_p,
        p.output_image_mtok AS image_out_p,
        p.output_video_mtok AS video_out_p,
        p.web_searches_kcount AS search_p,
        p.requests_kcount AS request_p,
        p.input_mtok IS NOT NULL OR p.output_mtok IS NOT NULL OR p.requests_kcount IS NOT NULL AS any_price,
        p.variant_priced,
        p.variant AS p_variant,
        mt.multiplier AS tier_multiplier,
        mg.multiplier AS geo_multiplier,
        ms.multiplier AS speed_multiplier,
        mr.multiplier AS scope_multiplier,
        b.discount AS batch_discount,
        mp.multiplier AS regional_multiplier,
        (1 - coalesce(p.discount, 0))
            * CASE
                WHEN p.variant_priced THEN 1
                WHEN mt.multiplier IS NOT NULL THEN mt.multiplier
                WHEN c.batch THEN 1 - coalesce(b.discount, 0)
                ELSE 1
            END
            * coalesce(mg.multiplier, 1) * coalesce(ms.multiplier, 1) * coalesce(mr.multiplier, 1) AS factor,
        CASE WHEN c.extra_units IS NULL THEN 0 ELSE coalesce(c.extra_units['audio_input_tokens'], 0)
            - coalesce(c.extra_units['audio_cached_input_tokens'], 0) END AS audio_in,
        CASE WHEN c.extra_units IS NULL THEN 0 ELSE coalesce(c.extra_units['audio_cached_input_tokens'], 0) END AS audio_read,
        CASE WHEN c.extra_units IS NULL THEN 0 ELSE coalesce(c.extra_units['image_input_tokens'], 0)
            - coalesce(c.extra_units['image_cached_input_tokens'], 0) END AS image_in,
        CASE WHEN c.extra_units IS NULL THEN 0 ELSE coalesce(c.extra_units['image_cached_input_tokens'], 0) END AS image_read,
        CASE WHEN c.extra_units IS NULL THEN 0 ELSE coalesce(c.extra_units['video_input_tokens'], 0)
            - coalesce(c.extra_units['video_cached_input_tokens'], 0) END AS video_in,
        CASE WHEN c.extra_units IS NULL THEN 0 ELSE coalesce(c.extra_units['video_cached_input_tokens'], 0) END AS video_read,
        CASE WHEN c.extra_units IS NULL THEN 0 ELSE coalesce(c.extra_units['audio_output_tokens'], 0) END AS audio_out,
        CASE WHEN c.extra_units IS NULL THEN 0 ELSE coalesce(c.extra_units['image_output_tokens'], 0) END AS image_out,
        CASE WHEN c.extra_units IS NULL THEN 0 ELSE coalesce(c.extra_units['video_output_tokens'], 0) END AS video_out,
        CASE WHEN c.extra_units IS NULL THEN 0 ELSE coalesce(c.extra_units['web_search_requests'], 0) END AS searches,
        CASE WHEN c.extra_units IS NULL THEN 0 ELSE coalesce(c.extra_units['web_fetch_requests'], 0) END AS fetches
    -- (each lookup is guarded: most calls carry no extra_units, and CASE skips their lookups)
    FROM unpriced AS c
    LEFT JOIN price_table AS p
        ON p.model = c.model
        AND p.provider IS NOT DISTINCT FROM c.provider
        AND price_row_in_force(p.valid_from, p.valid_until, p.tod_from, p.tod_until, p.band_min_input,
            p.band_max_input, c.ts, c.input_tokens)
        AND p.variant IS NOT DISTINCT FROM price_variant(c.batch, c.service_tier, c.provider, c.region_scope)
    LEFT JOIN batch_discounts AS b ON b.provider = c.provider
    LEFT JOIN modifier_rows AS mt
        ON mt.provider = c.provider AND mt.model = c.model
        AND mt.modifier = CASE WHEN c.batch THEN 'service_tier=batch' ELSE 'service_tier=' || c.service_tier END
        AND c.ts >= mt.valid_from AND (mt.valid_until IS NULL OR c.ts < mt.valid_until)
    LEFT JOIN modifier_rows AS mg
        ON mg.provider = c.provider AND mg.model = c.model AND mg.modifier = 'inference_geo=' || c.inference_geo
        AND c.ts >= mg.valid_from AND (mg.valid_until IS NULL OR c.ts < mg.valid_until)
    LEFT JOIN modifier_rows AS ms
        ON ms.provider = c.provider AND ms.model = c.model AND ms.modifier = 'speed=' || c.speed
        AND c.ts >= ms.valid_from AND (ms.valid_until IS NULL OR c.ts < ms.valid_until)
    -- regional processing is not in the response: a config row enables it for calls whose tag
    -- (project, API key, host, ...) has the configured value; one tag key per model
    -- (llmfinops/pricing/modifiers.py), so at most one row matches a call
    LEFT JOIN modifier_rows AS mp
        ON mp.provider = c.provider AND mp.model = c.model AND mp.modifier = 'regional_processing'
        AND c.tags[mp.tag] = mp.tag_value
        AND c.ts >= mp.valid_from AND (mp.valid_until IS NULL OR c.ts < mp.valid_until)
    LEFT JOIN modifier_rows AS mr
        ON mr.provider = c.provider AND mr.model = c.model AND mr.modifier = 'region_scope=' || c.region_scope
        AND c.ts >= mr.valid_from AND (mr.valid_until IS NULL OR c.ts < mr.valid_until)
),
costed AS (
    SELECT
        *,
        CASE WHEN any_price AND (coalesce(service_tier NOT IN ('scale', 'provisioned'), true)
                                 OR tier_multiplier IS NOT NULL) THEN (
            coalesce((input_tokens - cached_input_tokens - cache_write_tokens - audio_in - image_in - video_in) * in_p, 0)
            + coalesce((cached_input_tokens - audio_read - image_read - video_read) * read_p, 0)
            + coalesce((cache_write_tokens - cache_write_1h_tokens) * write_p, 0)
            + coalesce(cache_write_1h_tokens * write_1h_p, 0)
            + coalesce((output_tokens - audio_out - image_out - video_out) * out_p, 0)
            + coalesce(audio_in * audio_in_p, 0) + coalesce(audio_read * audio_read_p, 0)
            + coalesce(image_in * image_in_p, 0) + coalesce(image_read * image_read_p, 0)
            + coalesce(video_in * video_in_p, 0) + coalesce(video_read * video_read_p, 0)
            + coalesce(audio_out * audio_out_p, 0) + coalesce(image_out * image_out_p, 0)
            + coalesce(video_out * video_out_p, 0)
            -- per thousand, in millionths of a dollar: x 1000
            + coalesce(searches * search_p * 1000, 0) + coalesce(request_p * 1000, 0)
        ) / 1e6 * factor * coalesce(regional_multiplier, 1) END AS catalog_cost,
        CASE
            WHEN response_cache_hit THEN []::VARCHAR[]
            WHEN extra_units IS NULL AND in_p IS NOT NULL AND out_p IS NOT NULL THEN []::VARCHAR[]
            ELSE list_concat(
                list_filter([
                    CASE WHEN in_p IS NULL AND input_tokens - audio_in - audio_read > 0 THEN 'unpriced:input_tokens' END,
                    CASE WHEN out_p IS NULL AND output_tokens - audio_out - image_out - video_out > 0
                        THEN 'unpriced:output_tokens' END,
                    CASE WHEN audio_in > 0 AND audio_in_p IS NULL THEN 'unpriced:audio_input_tokens' END,
                    CASE WHEN audio_read > 0 AND audio_read_p IS NULL THEN 'unpriced:audio_cached_input_tokens' END,
                    CASE WHEN audio_out > 0 AND audio_out_p IS NULL THEN 'unpriced:audio_output_tokens' END,
                    CASE WHEN image_out > 0 AND image_out_p IS NULL THEN 'unpriced:image_output_tokens' END,
                    CASE WHEN video_out > 0 AND video_out_p IS NULL THEN 'unpriced:video_output_tokens' END,
                    CASE WHEN searches > 0 AND search_p IS NULL THEN 'unpriced:web_search_requests' END,
                    CASE WHEN fetches > 0 THEN 'unpriced:web_fetch_requests' END
                ], lambda f: f IS NOT NULL),
                list_transform(list_filter(coalesce(map_keys(extra_units), []), lambda k: NOT list_contains([
                    'audio_input_tokens', 'audio_cached_input_tokens', 'image_input_tokens',
                    'image_cached_input_tokens', 'video_input_tokens', 'video_cached_input_tokens',
                    'audio_output_tokens', 'image_output_tokens', 'video_output_tokens', 'web_search_requests',
                    'web_fetch_requests'], k)), lambda k: 'unpriced:' || k)
            )
        END AS unit_flags,
        CASE
            WHEN response_cache_hit THEN []::VARCHAR[]
            WHEN coalesce(service_tier, 'standard') IN ('standard', 'batch') AND NOT batch AND speed IS NULL
                AND inference_geo IS NULL AND region_scope IS NULL THEN []::VARCHAR[]
            ELSE list_filter([
                CASE
                    WHEN coalesce(variant_priced, false) OR tier_multiplier IS NOT NULL THEN NULL
                    WHEN batch THEN CASE WHEN batch_discount IS NULL THEN 'unpriced:service_tier=batch' END
                    WHEN service_tier NOT IN ('standard', 'batch') THEN 'unpriced:service_tier=' || service_tier
                END,
                CASE WHEN speed <> 'standard' AND speed_multiplier IS NULL THEN 'unpriced:speed=' || speed END,
                CASE WHEN inference_geo NOT IN ('global', 'not_available') AND geo_multiplier IS NULL
                    THEN 'unpriced:inference_geo=' || inference_geo END,
                CASE WHEN provider = 'aws' AND region_scope = 'global' AND scope_multiplier IS NULL
                    AND NOT (coalesce(variant_priced, false) AND p_variant = 'region_scope=global')
                    THEN 'unpriced:region_scope=global' END
            ], lambda f: f IS NOT NULL)
        END AS modifier_flags
    FROM joined
)
SELECT
    call_id,
    ts,
    provider,
    model,
    p_tier AS model_tier,
    input_tokens,
    cached_input_tokens,
    cache_write_tokens,
    cache_write_1h_tokens,
    output_tokens,
    reasoning_tokens,
    CASE
        WHEN response_cache_hit THEN 0.0
        WHEN cost_usd IS NOT NULL THEN cost_usd
        ELSE catalog_cost
    END AS cost_usd,
    CASE
        WHEN response_cache_hit THEN 'catalog'
        WHEN cost_usd IS NOT NULL THEN 'reported'
        WHEN catalog_cost IS NULL THEN 'unpriced'
        ELSE p_source
    END AS cost_source,
    p_version AS price_version,
    user_id,
    user_tier,
    team,
    feature,
    task_id,
    action_id,
    session_id,
    step,
    status,
    task_outcome,
    response_cache_hit,
    batch,
    latency_ms,
    prompt_version,
    source,
    source_file,
    tags,
    service_tier,
    inference_geo,
    speed,
    region_scope,
    extra_units,
    CASE WHEN response_cache_hit THEN 0.0 ELSE catalog_cost END AS catalog_cost_usd,
    list_concat(unit_flags, modifier_flags) AS price_flags,
    CAST(ts AS DATE) AS day
FROM costed
