-- The extra fields of the native records in `lines` to keep as tags, with their JSON pointers.
-- Input: relation `lines(line_no, raw)`. No parameters. Output: key, path.
-- Candidates are top-level fields and those of a `metadata` or `tags` object (as
-- `metadata.<k>`/`tags.<k>`), minus the canonical fields and any field whose name says it may
-- hold prompt or response text (is_text_key). Whether a value is a short scalar is checked per
-- record by queries/ingest_native.sql.
WITH keys AS (
    -- distinct key lists first: records of one log mostly share their shape
    SELECT DISTINCT TRY(json_keys(raw)) AS k FROM lines
),
nested AS (
    SELECT DISTINCT TRY(json_keys(raw, ['$.metadata', '$.tags'])) AS k
    FROM lines
    WHERE (SELECT bool_or(list_has_any(k, ['metadata', 'tags'])) FROM keys)
),
candidates AS (
    SELECT DISTINCT unnest(k) AS name, '' AS parent FROM keys
    UNION
    SELECT DISTINCT unnest(k[1]), 'metadata' FROM nested
    UNION
    SELECT DISTINCT unnest(k[2]), 'tags' FROM nested
)
SELECT
    CASE WHEN parent = '' THEN name ELSE parent || '.' || name END AS key,
    CASE WHEN parent = '' THEN '' ELSE '/' || parent END
        || '/' || replace(replace(name, '~', '~0'), '/', '~1') AS path
FROM candidates
WHERE name IS NOT NULL
    AND NOT is_text_key(name)
    AND NOT (parent = '' AND list_contains([
        'ts', 'timestamp', 'call_id', 'request_id', 'provider', 'model', 'model_tier', 'input_tokens',
        'cached_input_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'output_tokens',
        'reasoning_tokens', 'cost_usd', 'cost_source', 'user_id', 'user_tier', 'team', 'feature', 'task_id',
        'action_id', 'session_id', 'step', 'status', 'task_outcome', 'response_cache_hit', 'cache_hit', 'batch',
        'latency_ms', 'prompt_version', 'usage', 'response', 'metadata', 'tags', 'source', 'source_file'
    ], name))
ORDER BY key
