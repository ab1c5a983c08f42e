-- What the store holds: one row for `llmfinops ingest` to print after a run and `llmfinops status`.
-- Parameters: none. Output: calls, first_day, last_day, cost_usd (priced calls only),
-- unpriced_calls, users, features, teams.
SELECT
    count(*) AS calls,
    min(day) AS first_day,
    max(day) AS last_day,
    coalesce(sum(cost_usd), 0) AS cost_usd,
    count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls,
    count(DISTINCT user_id) AS users,
    count(DISTINCT feature) AS features,
    count(DISTINCT team) AS teams
FROM calls
