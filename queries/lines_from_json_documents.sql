-- The JSON values of a file that is not JSON Lines — one pretty-printed document, several
-- documents one after another (concatenated pages, Bedrock records), or a top-level array —
-- as `lines(line_no, raw)`, one value (array element) per row.
-- Parameters: $path, $compression ('gzip' or 'none').
-- Each value is kept as its own JSON text (no schema is inferred across values).
-- line_no is the value's ordinal in the file (1 for a single document): DuckDB does not report
-- the line a multi-line value starts on. A value may be up to 128 MB.
CREATE OR REPLACE TEMP TABLE lines AS
SELECT
    (row_number() OVER ())::BIGINT AS line_no,
    CAST(json AS VARCHAR) AS raw
FROM read_json_objects($path, format = 'auto', compression = $compression, maximum_object_size = 134217728)
