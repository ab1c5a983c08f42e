-- report chargeback items: each team's logged cost by feature and model, the lines of its statement.
--
-- Parameters:
--   $since  TIMESTAMPTZ  start of the period, inclusive (00:00 UTC)
--   $until  TIMESTAMPTZ  end of the period, exclusive
--
-- Only calls with a team (the others are the unattributed cost, allocated by the rule).
--
-- Output, one row per (team, feature, model); by team, then most expensive first, then
-- feature and model (NULL last) so the order is stable:
--   team            VARCHAR  team
--   feature         VARCHAR  feature (NULL: calls without one)
--   model           VARCHAR  normalised model id
--   calls           BIGINT   calls
--   cost_usd        DOUBLE   priced cost
--   unpriced_calls  BIGINT   calls with cost_usd NULL
SELECT
    team,
    feature,
    model,
    count(*) AS calls,
    coalesce(sum(cost_usd), 0) AS cost_usd,
    count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls
FROM calls_in_period($since, $until, 'none')
WHERE team IS NOT NULL
GROUP BY team, feature, model
ORDER BY team, cost_usd DESC, feature NULLS LAST, model NULLS LAST
