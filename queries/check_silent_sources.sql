-- check silent sources: ingesters (the calls' `source`) that had calls on each of the 7 days
-- before the period and none in it (the built-in check "silent source"): a log that stopped
-- arriving looks like a cost drop, not like an error.
--
-- Parameters:
--   $since  TIMESTAMPTZ  start of the period, inclusive (00:00 UTC)
--   $until  TIMESTAMPTZ  end of the period, exclusive
--
-- The 7 days before are the UTC days [$since - 7 days, $since). A NULL source is not judged.
--
-- Output, one row per silent source; by name:
--   source           VARCHAR  the ingester (native, litellm, otel, …)
--   days_before      BIGINT   UTC days with a call among the 7 before the period (always 7)
--   calls_before     BIGINT   its calls in those 7 days
--   calls_in_period  BIGINT   its calls in the period (always 0)
WITH bounds AS (
    SELECT
        CAST($since AS TIMESTAMPTZ) - INTERVAL 7 DAY AS lookback,
        CAST($since AS TIMESTAMPTZ) AS since,
        CAST($until AS TIMESTAMPTZ) AS until
),
recent AS (
    SELECT
        source,
        count(DISTINCT CAST(timezone('UTC', ts) AS DATE)) FILTER (WHERE ts < bounds.since) AS days_before,
        count(*) FILTER (WHERE ts < bounds.since) AS calls_before,
        count(*) FILTER (WHERE ts >= bounds.since) AS calls_in_period
    FROM calls, bounds
    WHERE ts >= bounds.lookback AND ts < bounds.until
        AND day >= CAST(timezone('UTC', bounds.lookback) AS DATE)
        AND day <= CAST(timezone('UTC', bounds.until - INTERVAL 1 MICROSECOND) AS DATE)
        AND source IS NOT NULL
    GROUP BY source
)
SELECT source, days_before, calls_before, calls_in_period
FROM recent
WHERE days_before = 7 AND calls_in_period = 0
ORDER BY source
