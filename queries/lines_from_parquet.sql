-- A Parquet file of native records as `lines(line_no, raw JSON)`, one JSON object per row.
-- Parameters: $path, $source_file and $file_seq (recorded on every line).
-- Line numbers are row numbers counted from 1.
CREATE OR REPLACE TEMP TABLE lines AS
SELECT
    (row_number() OVER ())::BIGINT AS line_no,
    CAST(to_json(t) AS VARCHAR) AS raw,
    $source_file AS source_file,
    $file_seq AS file_seq
FROM read_parquet($path) AS t
