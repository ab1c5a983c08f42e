-- whatif price changes: whether any price the changed calls can be priced at changes inside the
-- period, i.e. whether re-pricing them needs each call's own timestamp.
--
-- Parameters: $since TIMESTAMPTZ (inclusive), $until TIMESTAMPTZ (exclusive).
-- Input relations: `price_table` and `modifier_rows` as queries/price_calls.sql reads them
-- (built for the period's models and the route targets).
--
-- A price row is in force over [valid_from, valid_until) (NULL: open) and, for a time-of-day
-- price, in a UTC slice of each day. When no row's window starts or ends strictly inside
-- (since, until) and no row has a time-of-day slice, every row is in force for all of the period
-- or for none of it, so pricing a call at `since` gives exactly what pricing it at its own ts
-- gives, and queries/whatif_changes.sql does not read the ts column (10M calls: ~0.13 s).
-- Output, one row:
--   prices_change  BOOLEAN  true: some row starts, ends or has a time-of-day slice inside the period
SELECT
    EXISTS (
        SELECT 1 FROM price_table
        WHERE valid_from > CAST($since AS TIMESTAMPTZ) AND valid_from < CAST($until AS TIMESTAMPTZ)
            OR valid_until > CAST($since AS TIMESTAMPTZ) AND valid_until < CAST($until AS TIMESTAMPTZ)
            OR tod_from IS NOT NULL OR tod_until IS NOT NULL
    ) OR EXISTS (
        SELECT 1 FROM modifier_rows
        WHERE valid_from > CAST($since AS TIMESTAMPTZ) AND valid_from < CAST($until AS TIMESTAMPTZ)
            OR valid_until > CAST($since AS TIMESTAMPTZ) AND valid_until < CAST($until AS TIMESTAMPTZ)
    ) AS prices_change
