-- whatif parts: whether any call in the given day files can carry per-modality parts
-- (extra_units), asked of the files' Parquet footers instead of their rows.
--
-- Parameters: $files VARCHAR[]: day files (queries/period_day_files.sql), at least one.
-- A row group's null count of the map's key column equals its value count exactly when every
-- call in it has NULL or empty extra_units, which the price join prices alike (no part). A row
-- group without that statistic (day files written before they kept it) counts as having parts; a file
-- without the column has none (the calls view reads it as NULL).
-- When false, queries/whatif_changes.sql does not read the column (10M calls: ~0.12 s).
-- Output, one row:
--   parts_stored  BOOLEAN
SELECT coalesce(bool_or(coalesce(stats_null_count < num_values, true)), false) AS parts_stored
FROM parquet_metadata(CAST($files AS VARCHAR[]))
WHERE path_in_schema = 'extra_units, key_value, key'
