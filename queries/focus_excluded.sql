-- focus_excluded: the period's calls that `export --focus` cannot turn into cost rows, by reason.
--
-- Parameters:
--   $since  TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until  TIMESTAMPTZ  end, exclusive
--
-- Output, one row per reason (only reasons with calls), in this order:
--   reason         VARCHAR  'unpriced' (cost_usd NULL: no price, add an override) |
--                           'response cache hit' (answered by the app's own cache: no provider charge)
--   calls          BIGINT   calls left out
--   input_tokens   BIGINT   their input tokens
--   output_tokens  BIGINT   their output tokens
SELECT
    CASE WHEN cost_usd IS NULL THEN 'unpriced' ELSE 'response cache hit' END AS reason,
    count(*) AS calls,
    CAST(coalesce(sum(input_tokens), 0) AS BIGINT) AS input_tokens,
    CAST(coalesce(sum(output_tokens), 0) AS BIGINT) AS output_tokens
FROM calls
WHERE ts >= CAST($since AS TIMESTAMPTZ) AND ts < CAST($until AS TIMESTAMPTZ)
    AND day >= CAST(timezone('UTC', CAST($since AS TIMESTAMPTZ)) AS DATE)
    AND day <= CAST(timezone('UTC', CAST($until AS TIMESTAMPTZ) - INTERVAL 1 MICROSECOND) AS DATE)
    AND (cost_usd IS NULL OR coalesce(response_cache_hit, false))
GROUP BY ALL
ORDER BY reason DESC
