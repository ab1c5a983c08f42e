-- report chargeback teams: the period's logged cost per team, the input of the allocation.
--
-- Parameters:
--   $since  TIMESTAMPTZ  start of the period, inclusive (00:00 UTC)
--   $until  TIMESTAMPTZ  end of the period, exclusive
--
-- Output, one row per team with a call in the period plus, when there are any, one row with
-- team NULL for the calls without a team (the unattributed cost); by team, NULL last:
--   team            VARCHAR  team; NULL = unattributed
--   calls           BIGINT   calls
--   cost_usd        DOUBLE   priced cost (unpriced calls add nothing)
--   unpriced_calls  BIGINT   calls with cost_usd NULL
SELECT
    team,
    count(*) AS calls,
    coalesce(sum(cost_usd), 0) AS cost_usd,
    count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls
FROM calls_in_period($since, $until, 'none')
GROUP BY team
ORDER BY team NULLS LAST
