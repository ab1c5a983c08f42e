-- OpenAI Admin Usage API pages (GET /v1/organization/usage/completions) -> usage_buckets rows.
-- Input: `page_results` (queries/ingest_report_pages.sql): the pages in `lines`, one per row:
--   {object: "page", data: [{object: "bucket", start_time, end_time, results: [result]}], has_more, next_page}
-- Parameters: $source_file, $source.
-- Output: line_no, reason (NULL when usable, else why the result is quarantined) and the columns of
-- schema.USAGE_BUCKETS. One row per result; empty buckets and empty pages give no rows.
-- Tokens: usage_openai_usage_api (input_tokens already includes cached and cache-write tokens).
-- Dimensions (project_id, user_id, api_key_id, model, batch, service_tier) are NULL unless the
-- export grouped by them: each row is one bucket at its export's grain.
WITH counted AS (
    SELECT
        *,
        parse_ts(json_extract_string(b, '$.start_time')) AS start_ts,
        parse_ts(json_extract_string(b, '$.end_time')) AS end_ts,
        json_extract_string(r, '$.object') AS result_object,
        usage_openai_usage_api(r) AS u
    FROM page_results
)
SELECT
    line_no,
    CASE
        WHEN NOT valid THEN 'malformed JSON'
        WHEN NOT is_page THEN 'not a usage page'
        WHEN start_ts IS NULL THEN 'bucket without a readable start_time'
        WHEN result_object IS DISTINCT FROM 'organization.usage.completions.result' THEN 'not a completions usage result'
        WHEN u.bad THEN 'negative or non-numeric token count'
        WHEN u.input_tokens IS NULL OR u.output_tokens IS NULL THEN 'missing token counts'
        WHEN u.cached_input_tokens + u.cache_write_tokens > u.input_tokens THEN 'cached tokens exceed input tokens'
    END AS reason,
    CAST(start_ts AS DATE) AS day,
    start_ts AS bucket_start,
    end_ts AS bucket_end,
    'openai' AS provider,
    normalize_model(json_extract_string(r, '$.model')) AS model,
    json_extract_string(r, '$.project_id') AS project,
    json_extract_string(r, '$.api_key_id') AS api_key,
    CAST(NULL AS VARCHAR) AS workspace,
    json_extract_string(r, '$.user_id') AS user_id,
    TRY_CAST(json_extract_string(r, '$.batch') AS BOOLEAN) AS batch,
    json_extract_string(r, '$.service_tier') AS service_tier,
    CAST(NULL AS VARCHAR) AS other_dims,
    as_count(json_extract_string(r, '$.num_model_requests')) AS requests,
    u.input_tokens,
    u.cached_input_tokens,
    u.cache_write_tokens,
    u.cache_write_1h_tokens,
    u.output_tokens,
    $source AS source,
    $source_file AS source_file
FROM counted
