-- The day files of a period: the path of every day file whose UTC day the period touches (the
-- same days calls_in_period reads).
-- Parameters: $since TIMESTAMPTZ (inclusive), $until TIMESTAMPTZ (exclusive).
-- Input relation: `day_files(day DATE, path VARCHAR)` (the store's view, llmfinops/store/catalog.py).
-- Output: path VARCHAR, one row per file, in path order.
SELECT path
FROM day_files
WHERE day >= CAST(timezone('UTC', CAST($since AS TIMESTAMPTZ)) AS DATE)
    AND day <= CAST(timezone('UTC', CAST($until AS TIMESTAMPTZ) - INTERVAL 1 MICROSECOND) AS DATE)
ORDER BY path
