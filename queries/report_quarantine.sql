-- report quarantine: records the ingest could not use, by file and reason (the quarantine view).
--
-- Parameters: none. A quarantined record has no trustworthy timestamp, so this is the whole
-- warehouse's quarantine, not the period's.
--
-- Output, one row per (source_file, reason); most records first:
--   source_file  VARCHAR      file the records came from
--   reason       VARCHAR      why they were set aside (e.g. malformed JSON, missing ts)
--   records      BIGINT       number of records
--   first_line   BIGINT       first line number, to look at one
--   last_run_at  TIMESTAMPTZ  latest ingest run that quarantined one
SELECT
    source_file,
    reason,
    count(*) AS records,
    min(line) AS first_line,
    max(run_at) AS last_run_at
FROM quarantine
GROUP BY source_file, reason
ORDER BY records DESC, source_file NULLS LAST, reason NULLS LAST
