-- reconcile_unmatched: app-log cost that `reconcile` could not compare with a bill, per provider.
--
-- Parameters:
--   $since  TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until  TIMESTAMPTZ  end, exclusive
--
-- A provider is reconciled on the days from its first to its last billed_costs day in the period
-- (see queries/reconcile.sql); its calls on other days, and all calls of providers without any
-- billed row in the period, are reported here instead.
--
-- Output, one row per provider and reason; most expensive first:
--   provider        VARCHAR  provider (NULL when the calls name none)
--   reason          VARCHAR  'no billed export for this provider' | 'outside the billed days'
--   calls           BIGINT   calls
--   cost_usd        DOUBLE   their priced cost (unpriced calls add nothing)
--   unpriced_calls  BIGINT   calls with cost_usd NULL
WITH coverage_window AS (
    SELECT provider, min(day) AS first_day, max(day) AS last_day
    FROM billed_costs
    WHERE bucket_start >= CAST($since AS TIMESTAMPTZ) AND bucket_start < CAST($until AS TIMESTAMPTZ)
    GROUP BY ALL
)
SELECT
    c.provider,
    CASE WHEN w.provider IS NULL THEN 'no billed export for this provider' ELSE 'outside the billed days' END
        AS reason,
    count(*) AS calls,
    coalesce(sum(c.cost_usd), 0) AS cost_usd,
    count(*) FILTER (WHERE c.cost_usd IS NULL) AS unpriced_calls
FROM calls AS c
LEFT JOIN coverage_window AS w ON w.provider = c.provider
WHERE c.ts >= CAST($since AS TIMESTAMPTZ) AND c.ts < CAST($until AS TIMESTAMPTZ)
    AND c.day >= CAST(timezone('UTC', CAST($since AS TIMESTAMPTZ)) AS DATE)
    AND c.day <= CAST(timezone('UTC', CAST($until AS TIMESTAMPTZ) - INTERVAL 1 MICROSECOND) AS DATE)
    AND (w.provider IS NULL OR c.day NOT BETWEEN w.first_day AND w.last_day)
GROUP BY ALL
ORDER BY cost_usd DESC, provider NULLS LAST, reason
