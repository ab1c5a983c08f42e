-- Anthropic Admin usage report pages (GET /v1/organizations/usage_report/messages) -> usage_buckets rows.
-- Input: `page_results` (queries/ingest_report_pages.sql): the pages in `lines`, one per row:
--   {data: [{starting_at, ending_at, results: [result]}], has_more, next_page}
-- Parameters: $source_file, $source.
-- Output: line_no, reason and the columns of schema.USAGE_BUCKETS; one row per result.
-- Tokens: usage_anthropic_report (uncached input, cache reads and 5m/1h cache writes are
-- separate; canonical input is their sum). The report has no request count (requests NULL).
-- service_tier 'batch' -> batch TRUE. account_id (the organisation member) -> user_id; grouping
-- dimensions without a column (context_window, inference_geo, speed, service_account_id) ->
-- other_dims, so buckets that differ only by them stay apart.
WITH counted AS (
    SELECT
        *,
        parse_ts(json_extract_string(b, '$.starting_at')) AS start_ts,
        parse_ts(json_extract_string(b, '$.ending_at')) AS end_ts,
        lower(json_extract_string(r, '$.service_tier')) AS tier,
        usage_anthropic_report(r) AS u
    FROM page_results
)
SELECT
    line_no,
    CASE
        WHEN NOT valid THEN 'malformed JSON'
        WHEN NOT is_page THEN 'not a usage report page'
        WHEN start_ts IS NULL THEN 'bucket without a readable starting_at'
        WHEN json_type(r) IS DISTINCT FROM 'OBJECT' THEN 'not a usage report result'
        WHEN u.bad THEN 'negative or non-numeric token count'
        WHEN u.input_tokens IS NULL OR u.output_tokens IS NULL THEN 'missing token counts'
    END AS reason,
    CAST(start_ts AS DATE) AS day,
    start_ts AS bucket_start,
    end_ts AS bucket_end,
    'anthropic' AS provider,
    normalize_model(json_extract_string(r, '$.model')) AS model,
    CAST(NULL AS VARCHAR) AS project,
    json_extract_string(r, '$.api_key_id') AS api_key,
    json_extract_string(r, '$.workspace_id') AS workspace,
    json_extract_string(r, '$.account_id') AS user_id,
    CASE WHEN tier IS NOT NULL THEN tier = 'batch' END AS batch,
    tier AS service_tier,
    nullif(concat_ws(';',
        'context_window=' || json_extract_string(r, '$.context_window'),
        'inference_geo=' || json_extract_string(r, '$.inference_geo'),
        'speed=' || json_extract_string(r, '$.speed'),
        'service_account_id=' || json_extract_string(r, '$.service_account_id')), '') AS other_dims,
    CAST(NULL AS BIGINT) AS requests,
    u.input_tokens,
    u.cached_input_tokens,
    u.cache_write_tokens,
    u.cache_write_1h_tokens,
    u.output_tokens,
    $source AS source,
    $source_file AS source_file
FROM counted
