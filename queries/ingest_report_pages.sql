-- Admin report pages unpacked to one row per result, shared by the four report ingesters
-- (OpenAI usage/costs, Anthropic usage/cost reports: all `{data: [{…, results: [result]}]}`).
-- Input: relation `lines(line_no BIGINT, raw VARCHAR)`, one page per row. No parameters.
-- Output: temp table `page_results(line_no, valid, is_page, j, b, r)`: the page (j), its bucket
-- (b) and one result (r). A page that cannot be read keeps one row with NULL bucket and result,
-- so the report query quarantines it; an empty bucket or page gives no row.
CREATE OR REPLACE TEMP TABLE page_results AS
WITH parsed AS (
    SELECT line_no, json_valid(raw) AS valid, CASE WHEN json_valid(raw) THEN json(raw) END AS j
    FROM lines
    WHERE has_text(raw)
),
pages AS (
    SELECT line_no, valid, coalesce(json_type(j, '$.data') = 'ARRAY', FALSE) AS is_page, j
    FROM parsed
),
buckets AS (
    SELECT *, unnest(CASE WHEN is_page THEN json_extract(j, '$.data[*]') ELSE [NULL::JSON] END) AS b
    FROM pages
)
SELECT
    *,
    unnest(CASE WHEN b IS NULL THEN [NULL::JSON] ELSE coalesce(json_extract(b, '$.results[*]'), []) END) AS r
FROM buckets
