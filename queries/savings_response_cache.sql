-- savings response cache: per feature, the app response cache's hit rate and what a model call
-- costs, for the `response_cache` opportunity (run for the period and for the one before it).
--
-- Parameters:
--   $since  TIMESTAMPTZ  start, inclusive        $until  TIMESTAMPTZ  end, exclusive
--
-- Output, one row per feature (by name):
--   feature            VARCHAR  the feature
--   calls              BIGINT   all calls
--   hits               BIGINT   response-cache hits
--   hit_rate           DOUBLE   hits / calls
--   cost_per_model_call DOUBLE  priced cost / priced calls that reached a model (NULL: none)
SELECT
    feature,
    count(*) AS calls,
    count(*) FILTER (WHERE coalesce(response_cache_hit, false)) AS hits,
    count(*) FILTER (WHERE coalesce(response_cache_hit, false)) / count(*) AS hit_rate,
    sum(cost_usd) FILTER (WHERE NOT coalesce(response_cache_hit, false))
        / nullif(count(cost_usd) FILTER (WHERE NOT coalesce(response_cache_hit, false)), 0) AS cost_per_model_call
FROM calls_in_period($since, $until, 'feature')
WHERE feature IS NOT NULL
GROUP BY feature
ORDER BY feature
