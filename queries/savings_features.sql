-- savings features: per feature, the figures the savings opportunities are triggered by.
--
-- Parameters:
--   $since  TIMESTAMPTZ  start, inclusive        $until  TIMESTAMPTZ  end, exclusive
-- Input relations: `calls` (through calls_in_period), `prices` (the warehouse's price table),
-- `batch_discounts(provider, discount)`.
-- Over the calls of the period with a feature; "model calls" are those that reached a model
-- (not response-cache hits); quantiles of output tokens over model calls.
--
-- Output, one row per feature (by name):
--   feature              VARCHAR  the feature
--   team                 VARCHAR  the team with most of the feature's cost (ties: by name; NULL last)
--   calls                BIGINT   all calls
--   cost_usd             DOUBLE   priced cost (unpriced calls add nothing)
--   model_calls          BIGINT   calls that reached a model
--   output_p50           DOUBLE   quantile_cont(0.5) of output tokens
--   output_p95           BIGINT   quantile_disc(0.95) of output tokens (a cap is a whole number)
--   output_p99           DOUBLE   quantile_cont(0.99) of output tokens
--   calls_over_p95       BIGINT   model calls with output above output_p95 (what a cap there cuts)
--   min_input            BIGINT   smallest input of a model call
--   cached_share         DOUBLE   sum(cached input) / sum(input) over model calls
--   cacheable_calls      BIGINT   model calls on a model with a cache-read price below its input price
--   calls_with_user      BIGINT   model calls that carry a user_id
--   batchable_calls      BIGINT   model calls not batched, of providers with a batch rate
--   batch_providers      VARCHAR  those providers, comma-separated
WITH period_calls AS (
    SELECT *, coalesce(response_cache_hit, false) AS hit
    FROM calls_in_period($since, $until, 'feature')
    WHERE feature IS NOT NULL
),
teams AS (
    SELECT feature, first(team ORDER BY cost DESC, team NULLS LAST) AS team
    FROM (SELECT feature, team, coalesce(sum(cost_usd), 0) AS cost FROM period_calls GROUP BY ALL)
    GROUP BY feature
),
cacheable AS (
    SELECT DISTINCT provider, model FROM prices WHERE cache_read_mtok < input_mtok
),
per_feature AS (
    SELECT
        c.feature,
        count(*) AS calls,
        coalesce(sum(c.cost_usd), 0) AS cost_usd,
        count(*) FILTER (WHERE NOT c.hit) AS model_calls,
        quantile_cont(c.output_tokens, 0.5) FILTER (WHERE NOT c.hit) AS output_p50,
        quantile_disc(c.output_tokens, 0.95) FILTER (WHERE NOT c.hit) AS output_p95,
        quantile_cont(c.output_tokens, 0.99) FILTER (WHERE NOT c.hit) AS output_p99,
        min(c.input_tokens) FILTER (WHERE NOT c.hit) AS min_input,
        sum(c.cached_input_tokens) FILTER (WHERE NOT c.hit)
            / nullif(sum(c.input_tokens) FILTER (WHERE NOT c.hit), 0) AS cached_share,
        count(*) FILTER (WHERE NOT c.hit AND k.model IS NOT NULL) AS cacheable_calls,
        count(*) FILTER (WHERE NOT c.hit AND c.user_id IS NOT NULL) AS calls_with_user,
        count(*) FILTER (WHERE NOT c.hit AND NOT coalesce(c.batch, false) AND b.discount > 0) AS batchable_calls,
        string_agg(DISTINCT c.provider, ', ' ORDER BY c.provider)
            FILTER (WHERE NOT c.hit AND NOT coalesce(c.batch, false) AND b.discount > 0) AS batch_providers
    FROM period_calls AS c
    LEFT JOIN cacheable AS k ON k.provider IS NOT DISTINCT FROM c.provider AND k.model = c.model
    LEFT JOIN batch_discounts AS b ON b.provider = c.provider
    GROUP BY c.feature
),
over AS (
    SELECT c.feature, count(*) AS calls_over_p95
    FROM period_calls AS c
    JOIN per_feature AS f ON f.feature = c.feature
    WHERE NOT c.hit AND c.output_tokens > f.output_p95
    GROUP BY c.feature
)
SELECT
    f.feature,
    t.team,
    f.calls,
    f.cost_usd,
    f.model_calls,
    f.output_p50,
    CAST(f.output_p95 AS BIGINT) AS output_p95,
    f.output_p99,
    coalesce(o.calls_over_p95, 0) AS calls_over_p95,
    f.min_input,
    f.cached_share,
    f.cacheable_calls,
    f.calls_with_user,
    f.batchable_calls,
    f.batch_providers
FROM per_feature AS f
JOIN teams AS t ON t.feature = f.feature
LEFT JOIN over AS o ON o.feature = f.feature
ORDER BY f.feature
