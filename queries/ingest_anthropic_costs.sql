-- Anthropic Admin cost report pages (GET /v1/organizations/cost_report) -> billed_costs rows.
-- Input: `page_results` (queries/ingest_report_pages.sql): the pages in `lines`, one per row:
--   {data: [{starting_at, ending_at, results: [{amount, currency, workspace_id, description, cost_type,
--    token_type, model, service_tier, context_window, …}]}], has_more, next_page}
-- Parameters: $source_file, $source.
-- Output: line_no, reason and the columns of schema.BILLED_COSTS; one row per result.
-- amount is a decimal STRING in the lowest currency unit (cents): "123.45" = $1.2345, so
-- cost_usd = amount / 100 (in decimal arithmetic, then rounded once to a double). line_item = description (else
-- cost_type); cost_type, token_type, service_tier, context_window, inference_geo and speed go
-- to other_dims (part of the key). A non-USD amount is quarantined.
WITH counted AS (
    SELECT
        *,
        parse_ts(json_extract_string(b, '$.starting_at')) AS start_ts,
        parse_ts(json_extract_string(b, '$.ending_at')) AS end_ts,
        TRY_CAST(json_extract_string(r, '$.amount') AS DECIMAL(36, 12)) AS cents,
        upper(json_extract_string(r, '$.currency')) AS currency
    FROM page_results
)
SELECT
    line_no,
    CASE
        WHEN NOT valid THEN 'malformed JSON'
        WHEN NOT is_page THEN 'not a cost report page'
        WHEN start_ts IS NULL THEN 'bucket without a readable starting_at'
        WHEN json_type(r) IS DISTINCT FROM 'OBJECT' THEN 'not a cost report result'
        WHEN cents IS NULL THEN 'missing or non-numeric amount'
        WHEN coalesce(currency, 'USD') <> 'USD' THEN 'amount not in USD'
    END AS reason,
    CAST(start_ts AS DATE) AS day,
    start_ts AS bucket_start,
    end_ts AS bucket_end,
    'anthropic' AS provider,
    normalize_model(json_extract_string(r, '$.model')) AS model,
    coalesce(json_extract_string(r, '$.description'), json_extract_string(r, '$.cost_type')) AS line_item,
    CAST(NULL AS VARCHAR) AS project,
    json_extract_string(r, '$.workspace_id') AS workspace,
    CAST(NULL AS VARCHAR) AS api_key,
    nullif(concat_ws(';',
        'cost_type=' || json_extract_string(r, '$.cost_type'),
        'token_type=' || json_extract_string(r, '$.token_type'),
        'service_tier=' || json_extract_string(r, '$.service_tier'),
        'context_window=' || json_extract_string(r, '$.context_window'),
        'inference_geo=' || json_extract_string(r, '$.inference_geo'),
        'speed=' || json_extract_string(r, '$.speed')), '') AS other_dims,
    -- x 0.01 stays exact in DECIMAL (a division would go through DOUBLE first)
    CAST(cents * CAST(0.01 AS DECIMAL(2, 2)) AS DOUBLE) AS cost_usd,
    coalesce(currency, 'USD') AS currency,
    $source AS source,
    $source_file AS source_file
FROM counted
