-- The staged rows that lose to another copy of their call_id within one ingest run.
-- Input relation: `staged` (see queries/ingest_prepare.sql). Output: filename, file_row_number
-- (which identify a staged row) of every losing copy; ingest_prepare.sql marks them dup_in_run.
-- Of the copies of a call_id, the one with the lowest `dedup_priority` (an ingester may set it,
-- e.g. to prefer the most complete copy of a streamed response) wins, then the first by file
-- order and line. Only call_ids seen more than once are ranked: sorting every row of a large
-- run by call_id would cost more than the rest of the ingest. The result is small (the
-- duplicates), so the pipeline keeps it as a table and every later query only probes it.
WITH usable AS (
    SELECT call_id, dedup_priority, file_seq, line_no, filename, file_row_number
    FROM staged
    WHERE reason IS NULL
),
-- Grouping 64-bit hashes first and the strings only for hashes seen twice halves the cost on
-- 10M ids; a hash collision only adds candidates, which the exact grouping then drops.
maybe_repeated AS (
    SELECT hash(call_id) AS h FROM usable GROUP BY h HAVING count(*) > 1
),
repeated AS (
    SELECT call_id
    FROM usable
    WHERE hash(call_id) IN (SELECT h FROM maybe_repeated)
    GROUP BY call_id
    HAVING count(*) > 1
)
SELECT filename, file_row_number
FROM usable
WHERE call_id IN (SELECT call_id FROM repeated)
QUALIFY row_number() OVER (
    PARTITION BY call_id
    ORDER BY dedup_priority NULLS LAST, file_seq, line_no, filename, file_row_number
) > 1
