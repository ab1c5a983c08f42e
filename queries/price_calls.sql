-- Price canonical calls against the flattened price table (llmfinops/pricing/catalog.py).
-- Input relations: `unpriced` (canonical call columns; cost_usd holds a REPORTED cost or NULL),
-- `price_table` (non-overlapping rows per provider+model: validity window in UTC, context band,
-- USD per million tokens, negotiated discount, source, tier, price_version),
-- `batch_discounts(provider, discount)`.
-- cost = (uncached input x input price + cache reads x cache-read price
--         + 5-minute cache writes x cache-write price + 1-hour cache writes x 1h cache-write price
--         + output x output price) / 1e6 x (1 - negotiated discount) x (1 - batch discount if batch)
-- A missing cache price falls back to the input price. Reasoning tokens are inside output and
-- are priced as output. A reported cost is kept as is; a response-cache hit costs 0; a call no
-- price row covers stays NULL ('unpriced'), never 0.
-- Output: the canonical columns of llmfinops/schema.py, in order, plus `day`.
SELECT
    c.call_id,
    c.ts,
    c.provider,
    c.model,
    p.model_tier,
    c.input_tokens,
    c.cached_input_tokens,
    c.cache_write_tokens,
    c.cache_write_1h_tokens,
    c.output_tokens,
    c.reasoning_tokens,
    CASE
        WHEN c.response_cache_hit THEN 0.0
        WHEN c.cost_usd IS NOT NULL THEN c.cost_usd
        WHEN p.input_mtok IS NULL OR p.output_mtok IS NULL THEN NULL
        ELSE (
            (c.input_tokens - c.cached_input_tokens - c.cache_write_tokens) * p.input_mtok
            + c.cached_input_tokens * coalesce(p.cache_read_mtok, p.input_mtok)
            + (c.cache_write_tokens - c.cache_write_1h_tokens) * coalesce(p.cache_write_mtok, p.input_mtok)
            + c.cache_write_1h_tokens * coalesce(p.cache_write_1h_mtok, p.cache_write_mtok, p.input_mtok)
            + c.output_tokens * p.output_mtok
        ) / 1e6
        * (1 - p.discount)
        * CASE WHEN c.batch THEN 1 - coalesce(b.discount, 0) ELSE 1 END
    END AS cost_usd,
    CASE
        WHEN c.response_cache_hit THEN 'catalog'
        WHEN c.cost_usd IS NOT NULL THEN 'reported'
        WHEN p.input_mtok IS NULL OR p.output_mtok IS NULL THEN 'unpriced'
        ELSE p.price_source
    END AS cost_source,
    p.price_version,
    c.user_id,
    c.user_tier,
    c.team,
    c.feature,
    c.task_id,
    c.action_id,
    c.session_id,
    c.step,
    c.status,
    c.task_outcome,
    c.response_cache_hit,
    c.batch,
    c.latency_ms,
    c.prompt_version,
    c.source,
    c.source_file,
    c.tags,
    CAST(c.ts AS DATE) AS day
FROM unpriced AS c
LEFT JOIN price_table AS p
    ON p.model = c.model
    AND p.provider IS NOT DISTINCT FROM c.provider
    AND (p.valid_from IS NULL OR c.ts >= p.valid_from)
    AND (p.valid_until IS NULL OR c.ts < p.valid_until)
    AND c.input_tokens > p.band_min_input
    AND (p.band_max_input IS NULL OR c.input_tokens <= p.band_max_input)
LEFT JOIN batch_discounts AS b ON b.provider = c.provider
