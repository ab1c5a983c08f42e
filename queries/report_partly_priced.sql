-- report partly priced calls: the period's calls priced from the catalog or an override with a
-- unit no price covers (price_flags, e.g. unpriced:audio_input_tokens), by model and flag. Their
-- cost_usd holds the priced parts only: the flagged units are left out, never priced at another rate.
--
-- Parameters:
--   $since  TIMESTAMPTZ  start of the period, inclusive (00:00 UTC)
--   $until  TIMESTAMPTZ  end of the period, exclusive
--
-- Output, one row per (provider, model, flag); most flagged calls first:
--   provider        VARCHAR  provider (NULL when unknown)
--   model           VARCHAR  normalised model id
--   flag            VARCHAR  the unit left out, e.g. unpriced:audio_input_tokens
--   calls           BIGINT   partly priced calls carrying the flag
--   cost_usd        DOUBLE   what those calls cost without the flagged units
SELECT
    provider,
    model,
    flag,
    count(*) AS calls,
    coalesce(sum(cost_usd), 0) AS cost_usd
FROM (
    SELECT provider, model, cost_usd, unnest(price_flags) AS flag
    FROM calls_in_period($since, $until, 'none')
    WHERE partly_priced
)
GROUP BY provider, model, flag
ORDER BY calls DESC, provider NULLS LAST, model NULLS LAST, flag
