-- Small JSON Lines files read by DuckDB itself as `lines(line_no, raw, source_file, file_seq)`:
-- the same relation the Python reader (llmfinops/ingest/lines.py: line_chunks) builds, for
-- the files it reads the same way. Lines split at LF; a file's last line without LF is a line;
-- the empty string after a final LF is not.
-- A file the caller must read with the Python reader instead, which handles each case, has no
-- lines here (not valid UTF-8, gzip included) or a line marked `measure`: a byte-order mark, a CR
-- (CRLF, CR-only files, CR as whitespace), or a line the reader's limits would reject or measure
-- (over text_max_line_bytes, or over 2 * text_max_depth bytes with over that many opening brackets).
-- A view, so the lines stream from the files into each query that reads them (a table cost as
-- much as parsing them); it reads the files named by the variable `text_paths` (SET VARIABLE
-- text_paths = [...], bound: a view holds no parameters) each time it is queried.
-- A file that grew since the last run is read from the byte offset where that run stopped
-- (always just after a line end), its lines numbered on from the lines read then.
-- Variables: text_paths (the files) and, in the same order, text_seqs (their file_seq),
-- text_offsets (bytes to skip) and text_first_lines (lines before that offset);
-- text_max_line_bytes, text_max_depth.
-- `unterminated`: the file's last line has no line end (a writer may be in the middle of it: a
-- later run of a grown file reads it again); `file_bytes`: the file's size as read.
-- Output: a TEMP VIEW `lines` (line_no, raw, source_file, file_seq, measure, unterminated,
-- file_bytes), replaced.
CREATE OR REPLACE TEMP VIEW lines AS
SELECT
    line_no,
    raw,
    source_file,
    file_seq,
    -- each check on the lines, not on the whole text: the text would be decoded once per use
    contains(raw, chr(13))
        OR (line_no = 1 AND starts_with(raw, chr(65279)))
        OR strlen(raw) > getvariable('text_max_line_bytes')
        OR (strlen(raw) > 2 * getvariable('text_max_depth')
            AND strlen(raw) - strlen(replace(replace(raw, '{', ''), '[', '')) > getvariable('text_max_depth'))
        AS measure,
    i = parts_in_file AND raw <> '' AS unterminated,
    file_bytes
FROM (
    SELECT
        first_line + i AS line_no,
        raw,
        source_file,
        file_seq,
        i,
        parts_in_file,
        file_bytes
    FROM (
        SELECT
            unnest(generate_series(1, len(parts)))::BIGINT AS i,
            unnest(parts) AS raw,
            len(parts) AS parts_in_file,
            filename AS source_file,
            file_seq,
            first_line,
            file_bytes
        FROM (
            -- not UTF-8: NULL, no lines
            -- (a look-up in the lists per file: a join cost a quarter of the check query's time)
            SELECT
                b.filename,
                getvariable('text_seqs')[k] AS file_seq,
                getvariable('text_first_lines')[k] AS first_line,
                octet_length(b.content) AS file_bytes,
                -- (slicing copies the content: only a grown file is sliced)
                string_split(TRY(decode(CASE WHEN b.skip > 0 THEN b.content[b.skip + 1:] ELSE b.content END)),
                    chr(10)) AS parts
            FROM (
                SELECT *, getvariable('text_offsets')[k] AS skip
                FROM (
                    SELECT *, list_position(getvariable('text_paths'), filename) AS k
                    FROM read_blob(getvariable('text_paths'))
                )
            ) AS b
        )
    )
)
WHERE i < parts_in_file OR raw <> ''
