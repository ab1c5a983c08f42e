-- Small JSON Lines files read by DuckDB itself as `lines(line_no, raw, source_file, file_seq)`:
-- the same relation the Python reader (llmfinops/ingest/sources.py: line_chunks) builds, for
-- the files it reads the same way. Lines split at LF; a file's last line without LF is a line;
-- the empty string after a final LF is not.
-- A file is left out (the caller reads it with the Python reader, which handles each case) when
-- it is not valid UTF-8 (gzip included), starts with a byte-order mark, holds a CR (CRLF, CR-only
-- files, CR as whitespace), or has a line the reader's limits would reject or measure: over
-- $max_line_bytes, or over 2 * $max_depth bytes with over $max_depth opening brackets (such
-- lines are marked `measure`; the caller drops their files).
-- Parameters: $paths (the files), $max_line_bytes, $max_depth. Input relation:
-- `text_files(path, file_seq)` for those files.
-- Output: a TEMP TABLE `lines` (line_no, raw, source_file, file_seq, measure), replaced.
CREATE OR REPLACE TEMP TABLE lines AS
SELECT
    s.line_no,
    s.raw,
    s.source_file,
    t.file_seq,
    strlen(s.raw) > $max_line_bytes
        OR (strlen(s.raw) > 2 * $max_depth
            AND strlen(s.raw) - strlen(replace(replace(s.raw, '{', ''), '[', '')) > $max_depth) AS measure
FROM (
    SELECT
        unnest(generate_series(1, len(parts)))::BIGINT AS line_no,
        unnest(parts) AS raw,
        len(parts) AS parts_in_file,
        filename AS source_file
    FROM (
        SELECT filename, string_split(text, chr(10)) AS parts
        FROM (SELECT filename, TRY(decode(content)) AS text FROM read_blob($paths))
        WHERE text IS NOT NULL AND text <> '' AND NOT contains(text, chr(13))
            AND NOT starts_with(text, chr(65279))
    )
) AS s
JOIN text_files AS t ON t.path = s.source_file
WHERE s.line_no < s.parts_in_file OR s.raw <> ''
