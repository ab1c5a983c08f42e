-- report chargeback billed: the period's total cost with the providers' billed amounts as the
-- truth where there are any (the billed_costs view, from the admin cost exports).
--
-- Parameters:
--   $since  TIMESTAMPTZ  start of the period, inclusive (00:00 UTC)
--   $until  TIMESTAMPTZ  end of the period, exclusive
--
-- Per provider and UTC day: when billed_costs has rows for that provider whose bucket starts
-- on that day, the billed sum is the day's cost; otherwise the logged calls' priced cost is
-- (a provider without a cost export, a self-hosted model, a day the export does not cover
-- yet). Billed rows are summed as they are: ingest each provider's cost export at one
-- grouping only, as two exports grouped differently overlap.
--
-- Output, exactly one row:
--   total_usd             DOUBLE  the period's cost: billed where billed, logged elsewhere
--   logged_usd            DOUBLE  the priced cost of all the period's calls
--   billed_usd            DOUBLE  billed amounts of the period; NULL when billed_costs has none
--   logged_on_billed_usd  DOUBLE  logged cost of the provider-days that billed_usd covers
--   billed_provider_days  BIGINT  number of (provider, day) pairs with billed rows
WITH billed AS (
    SELECT provider, CAST(timezone('UTC', bucket_start) AS DATE) AS utc_day, sum(cost_usd) AS cost_usd
    FROM billed_costs
    WHERE bucket_start >= CAST($since AS TIMESTAMPTZ) AND bucket_start < CAST($until AS TIMESTAMPTZ)
    GROUP BY ALL
),
logged AS (
    SELECT provider, CAST(timezone('UTC', ts) AS DATE) AS utc_day, coalesce(sum(cost_usd), 0) AS cost_usd
    FROM calls_in_period($since, $until, 'none')
    GROUP BY ALL
),
joined AS (
    SELECT
        coalesce(billed.provider, logged.provider) AS provider,
        billed.cost_usd AS billed_usd,
        coalesce(logged.cost_usd, 0) AS logged_usd
    FROM logged
    FULL JOIN billed ON billed.provider IS NOT DISTINCT FROM logged.provider AND billed.utc_day = logged.utc_day
)
SELECT
    coalesce(sum(coalesce(billed_usd, logged_usd)), 0) AS total_usd,
    coalesce(sum(logged_usd), 0) AS logged_usd,
    sum(billed_usd) AS billed_usd,
    coalesce(sum(logged_usd) FILTER (WHERE billed_usd IS NOT NULL), 0) AS logged_on_billed_usd,
    count(*) FILTER (WHERE billed_usd IS NOT NULL) AS billed_provider_days
FROM joined
