-- A CSV file with a header row as `lines(line_no, raw JSON)`: each row becomes one JSON object
-- keyed by the header's names, all values as text (the ingest query casts and validates them).
-- Parameters: $path, $source_file and $file_seq (recorded on every line), $encoding ('utf-8', or
-- 'utf-16' for a file with a UTF-16 byte-order mark; a UTF-8 one is skipped by DuckDB itself).
-- Line numbers count the header as line 1. Rows DuckDB cannot split into the
-- header's columns land in the `reject_errors` table (with their line) and are quarantined.
CREATE OR REPLACE TEMP TABLE lines AS
SELECT
    (row_number() OVER () + 1)::BIGINT AS line_no,
    CAST(to_json(t) AS VARCHAR) AS raw,
    $source_file AS source_file,
    $file_seq AS file_seq
FROM read_csv($path, header = true, all_varchar = true, auto_detect = true, encoding = $encoding,
              ignore_errors = true, store_rejects = true) AS t
