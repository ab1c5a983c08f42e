-- report unpriced calls: the period's calls that could not be priced (cost_usd NULL), by model,
-- so a missing price override is easy to spot.
--
-- Parameters:
--   $since  TIMESTAMPTZ  start of the period, inclusive (00:00 UTC)
--   $until  TIMESTAMPTZ  end of the period, exclusive
--
-- Output, one row per (provider, model) with at least one unpriced call; most unpriced first:
--   provider        VARCHAR  provider (NULL when unknown)
--   model           VARCHAR  normalised model id
--   unpriced_calls  BIGINT   calls with cost_usd NULL
--   calls           BIGINT   all the model's calls in the period
--   input_tokens    BIGINT   input tokens of the unpriced calls (what a price would apply to)
--   output_tokens   BIGINT   output tokens of the unpriced calls
SELECT
    provider,
    model,
    count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls,
    count(*) AS calls,
    CAST(coalesce(sum(input_tokens) FILTER (WHERE cost_usd IS NULL), 0) AS BIGINT) AS input_tokens,
    CAST(coalesce(sum(output_tokens) FILTER (WHERE cost_usd IS NULL), 0) AS BIGINT) AS output_tokens
FROM calls_in_period($since, $until, 'none')
GROUP BY provider, model
HAVING count(*) FILTER (WHERE cost_usd IS NULL) > 0
ORDER BY unpriced_calls DESC, provider NULLS LAST, model NULLS LAST
