-- Usable staged records of one ingest run, enriched and marked for de-duplication.
-- Input relations: `staged` (what the ingesters produced: line_no, reason, file_seq and the
-- canonical columns, plus `filename`/`file_row_number`, which identify each staged row),
-- `run_duplicates(filename, file_row_number)` (the losing copies within the run, from
-- queries/ingest_duplicates.sql), `aliases(alias, model)`, `users(user_id, user_tier, team)`,
-- `feature_owner(feature, team)`, `existing_ids(call_id)` (ids already in the store).
-- Enrichment fills only what the log lacks: model aliases apply first; team comes from the log,
-- else the feature's owner, else the users file; user_tier from the log, else the users file.
-- A call_id already in the store is a duplicate too (re-ingesting is a no-op).
-- Output: canonical columns (unpriced) plus file_seq, line_no, dup_in_run, dup_in_store.
SELECT
    s.* EXCLUDE (model, user_tier, team, reason, dedup_priority),
    coalesce(a.model, s.model) AS model,
    coalesce(s.user_tier, u.user_tier) AS user_tier,
    coalesce(s.team, f.team, u.team) AS team,
    d.filename IS NOT NULL AS dup_in_run,
    e.call_id IS NOT NULL AS dup_in_store
FROM staged AS s
LEFT JOIN aliases AS a ON a.alias = s.model
LEFT JOIN users AS u ON u.user_id = s.user_id
LEFT JOIN feature_owner AS f ON f.feature = s.feature
LEFT JOIN run_duplicates AS d ON d.filename = s.filename AND d.file_row_number = s.file_row_number
LEFT JOIN existing_ids AS e ON e.call_id = s.call_id
WHERE s.reason IS NULL
