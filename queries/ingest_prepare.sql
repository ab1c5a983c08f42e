-- Usable staged records of one ingest run, enriched and marked for de-duplication.
-- Input relations: `staged` (what the ingesters produced: line_no, reason, file_seq and the
-- canonical columns, plus `filename`/`file_row_number`, which identify each staged row), `aliases(alias, model)`, `users(user_id, user_tier, team)`,
-- `feature_owner(feature, team)`, `existing_ids(call_id)` (ids already in the store).
-- Enrichment fills only what the log lacks: model aliases apply first; team comes from the log,
-- else the feature's owner, else the users file; user_tier from the log, else the users file.
-- Duplicates: of the copies of a call_id in the run, the one with the lowest `dedup_priority`
-- (an ingester may set it, e.g. to prefer the most complete copy of a streamed response) is
-- kept, then the first by file order and line; a call_id already in the store is a duplicate
-- too (re-ingesting is a no-op).
-- Output: canonical columns (unpriced) plus file_seq, line_no, dup_in_run, dup_in_store.
WITH usable AS (
    SELECT
        s.* EXCLUDE (model, user_tier, team, reason, dedup_priority),
        s.dedup_priority,
        coalesce(a.model, s.model) AS model,
        coalesce(s.user_tier, u.user_tier) AS user_tier,
        coalesce(s.team, f.team, u.team) AS team
    FROM staged AS s
    LEFT JOIN aliases AS a ON a.alias = s.model
    LEFT JOIN users AS u ON u.user_id = s.user_id
    LEFT JOIN feature_owner AS f ON f.feature = s.feature
    WHERE s.reason IS NULL
),
-- Only call_ids seen more than once are ranked: sorting every row of a large run by call_id
-- would cost more than the rest of the preparation.
repeated AS (
    SELECT call_id FROM usable GROUP BY call_id HAVING count(*) > 1
),
ranked AS (
    SELECT
        filename,
        file_row_number,
        row_number() OVER (
            PARTITION BY call_id
            ORDER BY dedup_priority NULLS LAST, file_seq, line_no, filename, file_row_number
        ) AS copy
    FROM usable
    WHERE call_id IN (SELECT call_id FROM repeated)
)
SELECT
    usable.*,
    coalesce(r.copy > 1, FALSE) AS dup_in_run,
    e.call_id IS NOT NULL AS dup_in_store
FROM usable
LEFT JOIN ranked AS r
    ON r.filename = usable.filename AND r.file_row_number = usable.file_row_number
LEFT JOIN existing_ids AS e ON e.call_id = usable.call_id
