-- OpenAI Admin Costs API pages (GET /v1/organization/costs) -> billed_costs rows.
-- Input: `page_results` (queries/ingest_report_pages.sql): the pages in `lines`, one per row:
--   {object: "page", data: [{start_time, end_time, results: [{amount: {value, currency}, line_item,
--    project_id, api_key_id, quantity, quantity_unit}]}], has_more, next_page}
-- Parameters: $source_file, $source.
-- Output: line_no, reason and the columns of schema.BILLED_COSTS; one row per result.
-- amount.value is float dollars. line_item is kept verbatim; when it has the "<model>, <kind>"
-- form seen in practice (the API does not specify it), model is the part before the comma.
-- A non-USD amount is quarantined: cost_usd only ever holds dollars.
WITH counted AS (
    SELECT
        *,
        parse_ts(json_extract_string(b, '$.start_time')) AS start_ts,
        parse_ts(json_extract_string(b, '$.end_time')) AS end_ts,
        json_extract_string(r, '$.amount.value') AS amount,
        upper(json_extract_string(r, '$.amount.currency')) AS currency,
        json_extract_string(r, '$.line_item') AS line_item
    FROM page_results
)
SELECT
    line_no,
    CASE
        WHEN NOT valid THEN 'malformed JSON'
        WHEN NOT is_page THEN 'not a costs page'
        WHEN start_ts IS NULL THEN 'bucket without a readable start_time'
        WHEN json_extract_string(r, '$.object') IS DISTINCT FROM 'organization.costs.result' THEN 'not a costs result'
        WHEN TRY_CAST(amount AS DOUBLE) IS NULL THEN 'missing or non-numeric amount'
        WHEN coalesce(currency, 'USD') <> 'USD' THEN 'amount not in USD'
    END AS reason,
    CAST(start_ts AS DATE) AS day,
    start_ts AS bucket_start,
    end_ts AS bucket_end,
    'openai' AS provider,
    normalize_model(nullif(regexp_extract(line_item, '^([a-z0-9][A-Za-z0-9._:-]*), ', 1), '')) AS model,
    line_item,
    json_extract_string(r, '$.project_id') AS project,
    CAST(NULL AS VARCHAR) AS workspace,
    json_extract_string(r, '$.api_key_id') AS api_key,
    CAST(NULL AS VARCHAR) AS other_dims,
    TRY_CAST(amount AS DOUBLE) AS cost_usd,
    coalesce(currency, 'USD') AS currency,
    $source AS source,
    $source_file AS source_file
FROM counted
