-- report anomalies: feature-days of the period whose spend departs from the feature's own
-- trailing baseline.
--
-- Parameters:
--   $since  TIMESTAMPTZ  start of the period, inclusive (00:00 UTC)
--   $until  TIMESTAMPTZ  end of the period, exclusive
--
-- Definition (fixed here; docs/reports.md repeats it):
--   * A feature-day's cost is the priced cost of the feature's calls on that UTC day; a day
--     without calls costs 0, from the feature's first day with a call in the window on. A NULL
--     feature is a feature of its own. Days after the last day with any call in the period
--     (not ingested yet) are not judged, and the last day with a call in the warehouse is
--     taken as still being ingested: a drop on it is not flagged (a spike is).
--   * Its baseline is the 28 days before it (d-28 .. d-1): baseline_median is their median
--     cost and baseline_mad their median absolute deviation from it (DuckDB mad()).
--     robust_z = (cost - baseline_median) / (1.4826 * baseline_mad), the MAD scaled to a
--     standard deviation; NULL when the MAD is 0.
--   * A feature-day is an anomaly when the baseline has at least 14 days and
--     |cost - baseline_median| >= $1.00 and either |robust_z| > 3, or the MAD is 0 (a flat
--     baseline, any $1 move is a departure). The $1 floor keeps cent-sized wobbles of small
--     features out.
--
-- Output, one row per anomalous feature-day of the period; largest absolute change first:
--   day              DATE     UTC day
--   feature          VARCHAR  feature (NULL: calls without one)
--   cost_usd         DOUBLE   the day's priced cost
--   calls            BIGINT   the day's calls
--   baseline_median  DOUBLE   median daily cost over the 28 days before
--   baseline_mad     DOUBLE   median absolute deviation of those days' costs
--   baseline_days    BIGINT   days in the baseline (28 unless the feature is newer)
--   change_usd       DOUBLE   cost_usd - baseline_median
--   ratio            DOUBLE   cost_usd / baseline_median; NULL when the median is 0
--   robust_z         DOUBLE   see above; NULL for a flat baseline
--   direction        VARCHAR  'spike' or 'drop'
WITH bounds AS (
    SELECT
        CAST($since AS TIMESTAMPTZ) AS since,
        CAST($until AS TIMESTAMPTZ) AS until,
        CAST($since AS TIMESTAMPTZ) - INTERVAL 28 DAY AS lookback,
        (SELECT max(day) FROM calls) AS last_ingested_day
),
daily AS (
    SELECT
        feature,
        CAST(timezone('UTC', ts) AS DATE) AS utc_day,
        coalesce(sum(cost_usd), 0) AS cost_usd,
        count(*) AS calls
    FROM calls, bounds
    WHERE ts >= bounds.lookback AND ts < bounds.until
        AND day >= CAST(timezone('UTC', bounds.lookback) AS DATE)
        AND day <= CAST(timezone('UTC', bounds.until - INTERVAL 1 MICROSECOND) AS DATE)
    GROUP BY ALL
),
features AS (
    SELECT feature, min(utc_day) AS first_day FROM daily GROUP BY ALL
),
calendar AS (
    SELECT CAST(d AS DATE) AS utc_day
    FROM bounds, generate_series(
        CAST(timezone('UTC', bounds.lookback) AS DATE),
        -- Up to the last day with any call: a day not yet ingested is not a drop to zero.
        (SELECT max(utc_day) FROM daily),
        INTERVAL 1 DAY
    ) AS t(d)
),
dense AS (
    SELECT features.feature, calendar.utc_day, coalesce(daily.cost_usd, 0) AS cost_usd,
        coalesce(daily.calls, 0) AS calls
    FROM features
    JOIN calendar ON calendar.utc_day >= features.first_day
    LEFT JOIN daily
        ON daily.feature IS NOT DISTINCT FROM features.feature AND daily.utc_day = calendar.utc_day
),
scored AS (
    -- dense has one row per feature and day, so 28 rows back is 28 days back.
    SELECT
        *,
        median(cost_usd) OVER baseline AS baseline_median,
        mad(cost_usd) OVER baseline AS baseline_mad,
        count(*) OVER baseline AS baseline_days
    FROM dense
    WINDOW baseline AS (PARTITION BY feature ORDER BY utc_day ROWS BETWEEN 28 PRECEDING AND 1 PRECEDING)
),
judged AS (
    SELECT
        *,
        cost_usd - baseline_median AS change_usd,
        (cost_usd - baseline_median) / nullif(1.4826 * baseline_mad, 0) AS robust_z
    FROM scored, bounds
    WHERE utc_day >= CAST(timezone('UTC', bounds.since) AS DATE)
)
SELECT
    utc_day AS day,
    feature,
    cost_usd,
    calls,
    baseline_median,
    baseline_mad,
    baseline_days,
    change_usd,
    cost_usd / nullif(baseline_median, 0) AS ratio,
    robust_z,
    CASE WHEN change_usd > 0 THEN 'spike' ELSE 'drop' END AS direction
FROM judged
WHERE baseline_days >= 14
    AND abs(change_usd) >= 1.0
    AND (abs(robust_z) > 3 OR baseline_mad = 0)
    AND (change_usd > 0 OR utc_day < last_ingested_day)
ORDER BY abs(change_usd) DESC, day, feature NULLS LAST
