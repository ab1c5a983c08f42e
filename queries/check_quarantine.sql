-- check quarantine: records the period's ingests set aside (the built-in check
-- "quarantined records").
--
-- Parameters:
--   $since  TIMESTAMPTZ  start of the period, inclusive (00:00 UTC)
--   $until  TIMESTAMPTZ  end of the period, exclusive
--
-- A quarantined record has no trustworthy timestamp, so it is placed by its ingest run: the
-- period's ingests are the runs from $since up to one day after $until (exclusive), so the
-- nightly ingest that reads the period's last day, after midnight, is one of them.
--
-- Output, one row:
--   records  BIGINT  quarantined records of those runs
--   files    BIGINT  distinct source files they came from
--   runs     BIGINT  distinct ingest runs (run_at) that quarantined one
SELECT
    count(*) AS records,
    count(DISTINCT source_file) AS files,
    count(DISTINCT run_at) AS runs
FROM quarantine
WHERE run_at >= CAST($since AS TIMESTAMPTZ)
    AND run_at < CAST($until AS TIMESTAMPTZ) + INTERVAL 1 DAY
