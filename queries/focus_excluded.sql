-- focus_excluded: the period's calls that `export --focus` cannot turn (wholly) into cost rows, by reason.
--
-- Parameters:
--   $since  TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until  TIMESTAMPTZ  end, exclusive
--
-- Output, one row per reason (only reasons with calls), in this order:
--   reason         VARCHAR  'unpriced' (cost_usd NULL: no price, add an override; no row) |
--                           'unit without a price' (exported, but units that price_flags names, e.g.
--                           unpriced:audio_input_tokens, have no price: they are in no row and in no
--                           cost) |
--                           'response cache hit' (answered by the app's own cache: no provider charge) |
--                           'modifier at the standard rate' (exported at the standard price though the
--                           call ran at a tier, speed or region no price covers, e.g.
--                           unpriced:service_tier=flex)
--   calls          BIGINT   calls
--   input_tokens   BIGINT   their input tokens
--   output_tokens  BIGINT   their output tokens
WITH period_calls AS (
    SELECT
        *,
        -- unit flags name a unit ('unpriced:audio_input_tokens'), modifier flags a setting ('=')
        list_filter(coalesce(price_flags, []), lambda f: NOT contains(f, '=')) AS unit_flags,
        list_filter(coalesce(price_flags, []), lambda f: contains(f, '=')) AS modifier_flags
    FROM calls
    WHERE ts >= CAST($since AS TIMESTAMPTZ) AND ts < CAST($until AS TIMESTAMPTZ)
        AND day >= CAST(timezone('UTC', CAST($since AS TIMESTAMPTZ)) AS DATE)
        AND day <= CAST(timezone('UTC', CAST($until AS TIMESTAMPTZ) - INTERVAL 1 MICROSECOND) AS DATE)
),
reasons AS (
    SELECT
        *,
        unnest(list_filter([
            CASE WHEN cost_usd IS NULL THEN 'unpriced' END,
            CASE WHEN coalesce(response_cache_hit, false) THEN 'response cache hit' END,
            -- (a reported cost for a model without token prices is one 'total' row with all its tokens)
            CASE WHEN cost_usd IS NOT NULL AND NOT coalesce(response_cache_hit, false) AND len(unit_flags) > 0
                AND NOT list_has_all(unit_flags, ['unpriced:input_tokens', 'unpriced:output_tokens'])
                THEN 'unit without a price' END,
            CASE WHEN cost_usd IS NOT NULL AND NOT coalesce(response_cache_hit, false) AND len(modifier_flags) > 0
                THEN 'modifier at the standard rate' END
        ], lambda r: r IS NOT NULL)) AS reason
    FROM period_calls
)
SELECT
    reason,
    count(*) AS calls,
    CAST(coalesce(sum(input_tokens), 0) AS BIGINT) AS input_tokens,
    CAST(coalesce(sum(output_tokens), 0) AS BIGINT) AS output_tokens
FROM reasons
GROUP BY reason
ORDER BY list_position(['unpriced', 'unit without a price', 'response cache hit', 'modifier at the standard rate'],
    reason)
