-- report model-tier trend: the share of model calls on frontier models per feature, in 7-day
-- buckets ending at the period end, so a routing regression (a rising frontier share) shows.
--
-- Parameters:
--   $until    TIMESTAMPTZ  end of the period, exclusive: the last bucket is [$until - 7 days, $until),
--                          unless that week has no call at all (a period still running, data not
--                          ingested yet): then the buckets end with the last UTC day that has a call
--   $buckets  BIGINT       number of 7-day buckets, the oldest first (the report asks for
--                          max(8, weeks in the period))
--
-- Only calls that reached a model (response_cache_hit not true). For an ISO-week period the
-- buckets are ISO weeks and are labelled 2026-W47; otherwise by their first day (2026-11-16).
-- A bucket with no calls (e.g. past the last ingested day) is absent for that feature.
-- routing_flag marks the last bucket of a feature whose frontier share rose by 10 percentage
-- points or more over the median of its earlier buckets, with at least 20 model calls in the
-- last bucket and at least 2 earlier buckets (the rule is fixed here, documented in docs/reports.md).
--
-- Output, one row per (bucket, feature) with model calls, plus one row per bucket over all
-- features (is_total true, feature NULL); by bucket, then totals first, then feature (NULL last):
--   bucket_start             DATE     first UTC day of the bucket
--   bucket                   VARCHAR  label: ISO week (2026-W47) or first day
--   is_total                 BOOLEAN  true for the all-features row of the bucket
--   feature                  VARCHAR  feature (NULL: calls without one, or the total row)
--   calls                    BIGINT   calls that reached a model
--   budget_call_share        DOUBLE   share of those calls on budget-tier models
--   mid_call_share           DOUBLE   idem, mid tier
--   frontier_call_share      DOUBLE   idem, frontier tier (models without a tier count in no share)
--   frontier_cost_share      DOUBLE   frontier cost / priced cost; NULL when that is 0
--   is_last                  BOOLEAN  the last bucket (see $until)
--   baseline_frontier_share  DOUBLE   last bucket only: median frontier_call_share of the earlier buckets
--   routing_flag             BOOLEAN  last bucket only: the rise described above; else false
WITH window_end AS (
    SELECT CASE
        WHEN max(day) IS NULL
            OR max(day) >= CAST(timezone('UTC', CAST($until AS TIMESTAMPTZ) - INTERVAL 7 DAY) AS DATE)
            THEN CAST($until AS TIMESTAMPTZ)
        -- 00:00 UTC after the last day with a call (timezone() reads the naive value as UTC)
        ELSE timezone('UTC', CAST(max(day) + 1 AS TIMESTAMP))
    END AS until
    FROM calls
    WHERE ts >= CAST($until AS TIMESTAMPTZ) - to_days(CAST(7 * $buckets AS INTEGER))
        AND ts < CAST($until AS TIMESTAMPTZ)
        AND day >= CAST(timezone('UTC', CAST($until AS TIMESTAMPTZ) - to_days(CAST(7 * $buckets AS INTEGER))) AS DATE)
        AND day <= CAST(timezone('UTC', CAST($until AS TIMESTAMPTZ) - INTERVAL 1 MICROSECOND) AS DATE)
),
bounds AS (
    SELECT until, until - to_days(CAST(7 * $buckets AS INTEGER)) AS since FROM window_end
),
model_calls AS (
    SELECT
        feature,
        model_tier,
        cost_usd,
        -- Bucket 0 is [$until - 7 days, $until), bucket 1 the week before, …; integer
        -- microseconds so a call at 00:00 exactly falls in the bucket it starts.
        (epoch_us(bounds.until) - epoch_us(ts) - 1) // 604800000000 AS back  -- µs in 7 days
    FROM calls, bounds
    WHERE ts >= bounds.since AND ts < bounds.until
        AND day >= CAST(timezone('UTC', bounds.since) AS DATE)
        AND day <= CAST(timezone('UTC', bounds.until - INTERVAL 1 MICROSECOND) AS DATE)
        AND NOT coalesce(response_cache_hit, false)
),
grouped AS (
    SELECT
        back,
        grouping(feature) = 1 AS is_total,
        feature,
        count(*) AS calls,
        count(*) FILTER (WHERE model_tier = 'budget') / count(*) AS budget_call_share,
        count(*) FILTER (WHERE model_tier = 'mid') / count(*) AS mid_call_share,
        count(*) FILTER (WHERE model_tier = 'frontier') / count(*) AS frontier_call_share,
        coalesce(sum(cost_usd) FILTER (WHERE model_tier = 'frontier'), 0) / nullif(sum(cost_usd), 0)
            AS frontier_cost_share
    FROM model_calls
    GROUP BY GROUPING SETS ((back), (back, feature))
),
baselines AS (
    SELECT
        is_total,
        feature,
        median(frontier_call_share) AS baseline_frontier_share,
        count(*) AS earlier_buckets
    FROM grouped
    WHERE back > 0
    GROUP BY ALL
),
labelled AS (
    SELECT
        grouped.*,
        CAST(timezone('UTC', bounds.until) AS DATE) - CAST(7 * (back + 1) AS INTEGER) AS bucket_start
    FROM grouped, bounds
)
SELECT
    bucket_start,
    CASE WHEN isodow(bucket_start) = 1 THEN strftime(bucket_start, '%G-W%V')
        ELSE strftime(bucket_start, '%Y-%m-%d') END AS bucket,
    labelled.is_total,
    labelled.feature,
    calls,
    budget_call_share,
    mid_call_share,
    frontier_call_share,
    frontier_cost_share,
    back = 0 AS is_last,
    CASE WHEN back = 0 THEN baselines.baseline_frontier_share END AS baseline_frontier_share,
    coalesce(
        back = 0 AND calls >= 20 AND baselines.earlier_buckets >= 2
            AND frontier_call_share - baselines.baseline_frontier_share >= 0.10,
        false
    ) AS routing_flag
FROM labelled
LEFT JOIN baselines
    ON baselines.is_total = labelled.is_total AND baselines.feature IS NOT DISTINCT FROM labelled.feature
ORDER BY bucket_start, is_total DESC, feature NULLS LAST
