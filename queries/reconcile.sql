-- reconcile: what the providers billed against what the application logs attribute, per UTC
-- day x provider x model, with a flag and a likely cause where the two disagree.
--
-- Parameters:
--   $since       TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until       TIMESTAMPTZ  end, exclusive
--   $tolerance   DOUBLE       relative tolerance, e.g. 0.05: |difference| up to 5% of billed is fine
--   $floor_usd   DOUBLE       absolute floor in USD: a difference up to this is never flagged
-- @param tolerance = 0.05
-- @param floor_usd = 0.01
--
-- Inputs: the views billed_costs, usage_buckets and calls. Only providers with billed_costs rows
-- in the period are reconciled, and only on the days from their first to their last billed day
-- (queries/reconcile_unmatched.sql reports the app-log cost left outside).
--
-- Grain. Models are matched without a trailing date snapshot (gpt-4o-mini-2024-07-18 and
-- gpt-4o-mini are one model, gpt-4o-mini). A billed row without a model takes it from an OpenAI
-- line_item of the form "<model>, <kind>" (as the ingester does). For each day x provider:
--   * some billed rows name a model -> one row per model ('model' grain); billed rows that name no
--     model (tools, fees) form one row with model NULL;
--   * no billed row names a model (the export was not grouped by line item/description) -> one
--     row for the day x provider ('provider' grain, model NULL) against all its calls.
-- Two exports of the same days at different groupings would double count: for each day x provider
-- x source only the finest one is kept (billed: itemised rows; usage: rows with a model, then the
-- widest bucket, so daily and hourly pages of one day are not added together).
--
-- Flag: |difference| > greatest($tolerance x billed, $floor_usd). Causes, in this order, joined by '; ':
--   missing app logs for this day   billed > attributed and the provider's calls that day are 0, or
--                                   fewer than half the usage export's requests that day (without a
--                                   request count: half the provider's median calls per day)
--   model absent from app logs      billed > 0 for a model no call of the period names
--   no app-log calls of this model on this day   billed > 0, the model has calls on other days
--   no billed cost for this day     calls cost > 0, the provider has no billed row that day
--   model not in the billed line items   calls of a model no billed row of the period names
--   billed line items name no model   the model-NULL row of a 'model'-grain day
--   cache-write tokens not logged   usage cache-write tokens > 0 where the calls log none
--   model priced differently (check overrides/catalog)   usage input, output and cache-write tokens
--                                   all within $tolerance of the logged ones, yet the cost differs
--   app logs hold fewer/more tokens than the usage export   input or output tokens off by > $tolerance
--   N unpriced calls                calls the catalog could not price add no cost
--   unexplained difference          none of the above
-- (usage is compared at the row's grain: per model when the usage export was grouped by model.)
--
-- Output, one row per day x provider x model; oldest day first:
--   day                       DATE     UTC day
--   provider                  VARCHAR  provider
--   model                     VARCHAR  model without date snapshot; NULL for 'provider' grain rows and
--                                      for billed line items that name no model
--   grain                     VARCHAR  'model' or 'provider'
--   billed_usd                DOUBLE   sum of billed_costs.cost_usd
--   attributed_usd            DOUBLE   sum of the calls' cost_usd (unpriced calls add nothing)
--   difference_usd            DOUBLE   billed_usd - attributed_usd (> 0: billed more than the logs explain)
--   relative_difference       DOUBLE   difference_usd / billed_usd; NULL when billed_usd is 0
--   coverage                  DOUBLE   cost of calls with both team and feature / billed_usd, at most 1;
--                                      NULL when billed_usd is 0
--   calls                     BIGINT   app-log calls
--   unpriced_calls            BIGINT   calls with cost_usd NULL
--   usage_requests            BIGINT   requests in the usage export (NULL: not known at this grain)
--   usage_input_tokens        BIGINT   input tokens in the usage export, cache included (NULL: idem)
--   log_input_tokens          BIGINT   input tokens the calls logged (response-cache hits excluded)
--   usage_output_tokens       BIGINT   output tokens in the usage export (NULL: idem)
--   log_output_tokens         BIGINT   output tokens the calls logged
--   usage_cache_write_tokens  BIGINT   cache-write tokens in the usage export (NULL: idem)
--   log_cache_write_tokens    BIGINT   cache-write tokens the calls logged
--   flagged                   BOOLEAN  the difference is beyond the tolerance
--   cause                     VARCHAR  likely cause(s) of a flagged difference; NULL when not flagged
WITH billed_rows AS (
    SELECT
        day,
        provider,
        source,
        regexp_replace(
            lower(coalesce(model, nullif(regexp_extract(line_item, '^([A-Za-z0-9][A-Za-z0-9._:-]*), ', 1), ''))),
            '-(\d{4}-\d{2}-\d{2}|\d{8})$', ''
        ) AS model,
        line_item IS NOT NULL OR model IS NOT NULL AS itemised,
        cost_usd
    FROM billed_costs
    WHERE bucket_start >= CAST($since AS TIMESTAMPTZ) AND bucket_start < CAST($until AS TIMESTAMPTZ)
),
billed AS (
    SELECT day, provider, model, cost_usd
    FROM (
        SELECT *, bool_or(itemised) OVER (PARTITION BY day, provider, source) AS day_itemised
        FROM billed_rows
    )
    WHERE itemised = day_itemised
),
billed_day AS (
    SELECT day, provider, bool_or(model IS NOT NULL) AS by_model
    FROM billed
    GROUP BY ALL
),
coverage_window AS (
    SELECT provider, min(day) AS first_day, max(day) AS last_day
    FROM billed_day
    GROUP BY ALL
),
billed_grain AS (
    SELECT b.day, b.provider, CASE WHEN d.by_model THEN b.model END AS model, sum(b.cost_usd) AS billed_usd
    FROM billed AS b
    JOIN billed_day AS d USING (day, provider)
    GROUP BY ALL
),
period_calls AS (
    SELECT
        c.day,
        c.provider,
        regexp_replace(lower(c.model), '-(\d{4}-\d{2}-\d{2}|\d{8})$', '') AS model,
        c.cost_usd,
        c.team IS NOT NULL AND c.feature IS NOT NULL AS tagged,
        coalesce(c.response_cache_hit, false) AS cache_hit,
        c.input_tokens,
        c.output_tokens,
        c.cache_write_tokens
    FROM calls AS c
    JOIN coverage_window AS w ON w.provider = c.provider AND c.day BETWEEN w.first_day AND w.last_day
    WHERE c.ts >= CAST($since AS TIMESTAMPTZ) AND c.ts < CAST($until AS TIMESTAMPTZ)
        -- The same bounds on the hive column let DuckDB skip the other days' files.
        AND c.day >= CAST(timezone('UTC', CAST($since AS TIMESTAMPTZ)) AS DATE)
        AND c.day <= CAST(timezone('UTC', CAST($until AS TIMESTAMPTZ) - INTERVAL 1 MICROSECOND) AS DATE)
),
calls_grain AS (
    SELECT
        c.day,
        c.provider,
        CASE WHEN coalesce(d.by_model, true) THEN c.model END AS model,
        count(*) AS calls,
        count(*) FILTER (WHERE c.cost_usd IS NULL) AS unpriced_calls,
        coalesce(sum(c.cost_usd), 0) AS attributed_usd,
        coalesce(sum(c.cost_usd) FILTER (WHERE c.tagged), 0) AS tagged_usd,
        CAST(coalesce(sum(c.input_tokens) FILTER (WHERE NOT c.cache_hit), 0) AS BIGINT) AS log_input_tokens,
        CAST(coalesce(sum(c.output_tokens) FILTER (WHERE NOT c.cache_hit), 0) AS BIGINT) AS log_output_tokens,
        CAST(coalesce(sum(c.cache_write_tokens) FILTER (WHERE NOT c.cache_hit), 0) AS BIGINT)
            AS log_cache_write_tokens
    FROM period_calls AS c
    LEFT JOIN billed_day AS d USING (day, provider)
    GROUP BY ALL
),
calls_day AS (
    SELECT day, provider, sum(calls) AS day_calls
    FROM calls_grain
    GROUP BY ALL
),
calls_median AS (
    SELECT provider, median(day_calls) AS median_calls
    FROM calls_day
    GROUP BY ALL
),
models_logged AS (
    SELECT DISTINCT provider, model FROM period_calls
),
models_billed AS (
    SELECT DISTINCT provider, model FROM billed WHERE model IS NOT NULL
),
usage_rows AS (
    SELECT
        u.day,
        u.provider,
        u.source,
        regexp_replace(lower(u.model), '-(\d{4}-\d{2}-\d{2}|\d{8})$', '') AS model,
        -- Rank of the export grain: grouped by model first, then the widest bucket.
        (u.model IS NOT NULL)::INTEGER * 1e12 + epoch(u.bucket_end - u.bucket_start) AS grain_rank,
        u.requests,
        u.input_tokens,
        u.output_tokens,
        u.cache_write_tokens
    FROM usage_buckets AS u
    JOIN coverage_window AS w ON w.provider = u.provider AND u.day BETWEEN w.first_day AND w.last_day
    WHERE u.bucket_start >= CAST($since AS TIMESTAMPTZ) AND u.bucket_start < CAST($until AS TIMESTAMPTZ)
),
usage_kept AS (
    SELECT *
    FROM (SELECT *, max(grain_rank) OVER (PARTITION BY day, provider, source) AS best FROM usage_rows)
    WHERE grain_rank = best
),
usage_day AS (
    SELECT
        day,
        provider,
        CAST(sum(requests) AS BIGINT) AS usage_requests,
        CAST(sum(input_tokens) AS BIGINT) AS usage_input_tokens,
        CAST(sum(output_tokens) AS BIGINT) AS usage_output_tokens,
        CAST(sum(cache_write_tokens) AS BIGINT) AS usage_cache_write_tokens
    FROM usage_kept
    GROUP BY ALL
),
usage_model AS (
    SELECT
        day,
        provider,
        model,
        CAST(sum(requests) AS BIGINT) AS usage_requests,
        CAST(sum(input_tokens) AS BIGINT) AS usage_input_tokens,
        CAST(sum(output_tokens) AS BIGINT) AS usage_output_tokens,
        CAST(sum(cache_write_tokens) AS BIGINT) AS usage_cache_write_tokens
    FROM usage_kept
    WHERE model IS NOT NULL
    GROUP BY ALL
),
keys AS (
    SELECT day, provider, model FROM billed_grain
    UNION
    SELECT day, provider, model FROM calls_grain
),
joined AS (
    SELECT
        k.day,
        k.provider,
        k.model,
        CASE WHEN coalesce(d.by_model, true) THEN 'model' ELSE 'provider' END AS grain,
        d.day IS NOT NULL AS day_billed,
        coalesce(b.billed_usd, 0) AS billed_usd,
        coalesce(c.attributed_usd, 0) AS attributed_usd,
        coalesce(c.tagged_usd, 0) AS tagged_usd,
        coalesce(c.calls, 0) AS calls,
        coalesce(c.unpriced_calls, 0) AS unpriced_calls,
        coalesce(c.log_input_tokens, 0) AS log_input_tokens,
        coalesce(c.log_output_tokens, 0) AS log_output_tokens,
        coalesce(c.log_cache_write_tokens, 0) AS log_cache_write_tokens,
        -- Usage at the row's grain: per model only when the usage export has models.
        CASE WHEN k.model IS NULL AND NOT coalesce(d.by_model, true) THEN ud.usage_requests
            ELSE um.usage_requests END AS usage_requests,
        CASE WHEN k.model IS NULL AND NOT coalesce(d.by_model, true) THEN ud.usage_input_tokens
            ELSE um.usage_input_tokens END AS usage_input_tokens,
        CASE WHEN k.model IS NULL AND NOT coalesce(d.by_model, true) THEN ud.usage_output_tokens
            ELSE um.usage_output_tokens END AS usage_output_tokens,
        CASE WHEN k.model IS NULL AND NOT coalesce(d.by_model, true) THEN ud.usage_cache_write_tokens
            ELSE um.usage_cache_write_tokens END AS usage_cache_write_tokens,
        coalesce(cd.day_calls, 0) AS day_calls,
        ud.usage_requests AS day_usage_requests,
        cm.median_calls,
        ml.model IS NOT NULL AS model_logged,
        mb.model IS NOT NULL AS model_billed
    FROM keys AS k
    LEFT JOIN billed_day AS d ON d.day = k.day AND d.provider = k.provider
    LEFT JOIN billed_grain AS b
        ON b.day = k.day AND b.provider = k.provider AND b.model IS NOT DISTINCT FROM k.model
    LEFT JOIN calls_grain AS c
        ON c.day = k.day AND c.provider = k.provider AND c.model IS NOT DISTINCT FROM k.model
    LEFT JOIN usage_day AS ud ON ud.day = k.day AND ud.provider = k.provider
    LEFT JOIN usage_model AS um ON um.day = k.day AND um.provider = k.provider AND um.model = k.model
    LEFT JOIN calls_day AS cd ON cd.day = k.day AND cd.provider = k.provider
    LEFT JOIN calls_median AS cm ON cm.provider = k.provider
    LEFT JOIN models_logged AS ml ON ml.provider = k.provider AND ml.model = k.model
    LEFT JOIN models_billed AS mb ON mb.provider = k.provider AND mb.model = k.model
),
judged AS (
    SELECT
        *,
        billed_usd - attributed_usd AS difference_usd,
        abs(billed_usd - attributed_usd) > greatest($tolerance * billed_usd, $floor_usd) AS flagged,
        -- Missing logs can only make the attributed cost too low. The usage export's request
        -- count is the better yardstick; without one (Anthropic), the provider's median day.
        billed_usd > attributed_usd AND (
            day_calls = 0
            OR CASE WHEN day_usage_requests IS NOT NULL THEN day_calls < 0.5 * day_usage_requests
                ELSE day_calls < 0.5 * median_calls END
        ) AS logs_missing,
        usage_input_tokens IS NOT NULL
            AND abs(log_input_tokens - usage_input_tokens) <= $tolerance * usage_input_tokens
            AND abs(log_output_tokens - usage_output_tokens) <= $tolerance * usage_output_tokens
            AND abs(log_cache_write_tokens - coalesce(usage_cache_write_tokens, 0))
                <= $tolerance * coalesce(usage_cache_write_tokens, 0)
            AS tokens_match
    FROM joined
)
SELECT
    day,
    provider,
    model,
    grain,
    billed_usd,
    attributed_usd,
    difference_usd,
    difference_usd / nullif(billed_usd, 0) AS relative_difference,
    least(tagged_usd / nullif(billed_usd, 0), 1.0) AS coverage,
    calls,
    unpriced_calls,
    usage_requests,
    usage_input_tokens,
    log_input_tokens,
    usage_output_tokens,
    log_output_tokens,
    usage_cache_write_tokens,
    log_cache_write_tokens,
    flagged,
    CASE WHEN flagged THEN coalesce(nullif(concat_ws('; ',
        CASE WHEN logs_missing THEN 'missing app logs for this day (' || day_calls || ' calls logged'
            || CASE WHEN day_usage_requests IS NOT NULL
                    THEN ', usage export counts ' || day_usage_requests || ' requests'
                WHEN day_calls > 0 THEN ', against a median of ' || CAST(round(median_calls) AS BIGINT) || ' a day'
                ELSE '' END
            || ')' END,
        CASE WHEN grain = 'model' AND model IS NOT NULL AND billed_usd > 0 AND NOT model_logged
            THEN 'model absent from app logs' END,
        CASE WHEN grain = 'model' AND model IS NOT NULL AND billed_usd > 0 AND model_logged AND calls = 0
            AND NOT logs_missing THEN 'no app-log calls of this model on this day' END,
        CASE WHEN NOT day_billed AND attributed_usd > 0 THEN 'no billed cost for this day (cost export incomplete?)' END,
        CASE WHEN day_billed AND grain = 'model' AND model IS NOT NULL AND attributed_usd > 0 AND NOT model_billed
            THEN 'model not in the billed line items (billed under another name?)' END,
        CASE WHEN grain = 'model' AND model IS NULL THEN 'billed line items name no model (tools, fees)' END,
        CASE WHEN usage_cache_write_tokens > 0 AND log_cache_write_tokens = 0
            THEN 'cache-write tokens not logged' END,
        CASE WHEN tokens_match AND calls > 0 THEN 'model priced differently (check overrides/catalog)' END,
        CASE WHEN NOT tokens_match AND NOT logs_missing AND calls > 0
            AND (log_input_tokens < usage_input_tokens OR log_output_tokens < usage_output_tokens)
            THEN 'app logs hold fewer tokens than the usage export' END,
        CASE WHEN NOT tokens_match AND calls > 0
            AND (log_input_tokens > usage_input_tokens OR log_output_tokens > usage_output_tokens)
            THEN 'app logs hold more tokens than the usage export' END,
        CASE WHEN unpriced_calls > 0 THEN unpriced_calls || ' unpriced calls' END
    ), ''), 'unexplained difference') END AS cause
FROM judged
ORDER BY day, provider, model NULLS LAST
