-- whatif: what a period's calls would have cost under a scenario, per group.
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive        $until  TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      dimension of the groups, formed from the STORED values
-- Input relations: `calls` (through calls_in_period); `new_calls`: the calls of
-- queries/whatif_changes.sql priced by queries/price_calls.sql (the one price join ingest and
-- reprice use). The price join passes the canonical columns it does not price straight through,
-- so each call's whatif facts ride in three of them (llmfinops/whatif/engine.py sets them):
-- `feature` = its group, `latency_ms` = its stored cost, `status` = dropped | rerouted | changed |
-- unchanged, and `task_outcome` = 'not_applicable' or NULL. Carried, not joined back by call_id:
-- the changed calls are then read once, streaming, without their ids.
--
-- Per call: a call the scenario does not change keeps its stored cost; a dropped call or a
-- response-cache hit costs 0; any other changed call costs what the price join gives for its
-- new tokens, model and batch flag (a reported cost is re-priced from the catalog). A call with
-- no stored cost, or whose new cost the catalog cannot give, is left out of BOTH sides and
-- counted in unpriced_calls only.
--
-- Output, one row per group; largest savings first (day/week: oldest first); no total row:
--   group                 VARCHAR  dimension value (NULL is a group of its own)
--   cost_usd              DOUBLE   stored cost of the group's priced calls
--   whatif_cost_usd       DOUBLE   their cost under the scenario
--   savings_usd           DOUBLE   cost_usd - whatif_cost_usd (negative: the scenario costs more)
--   savings_share         DOUBLE   savings_usd / cost_usd; NULL when cost_usd is 0
--   calls_affected        BIGINT   priced calls the scenario changes (dropped ones included)
--   calls_dropped         BIGINT   priced calls a step cap drops
--   not_applicable_calls  BIGINT   priced calls a rule applied to without a rate for it: batch with
--                                  no batch rate, a route of a call whose service tier the target
--                                  has no price for, a cap or cache rule on a call with per-modality
--                                  parts (see queries/whatif_changes.sql)
--   unpriced_calls        BIGINT   calls left out of both sides (see above)
WITH base AS (
    SELECT
        grp,
        coalesce(sum(cost_usd), 0) AS cost_usd,
        count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls
    FROM calls_in_period($since, $until, $group_by)
    GROUP BY grp
),
per_call AS (
    SELECT
        feature AS grp,
        latency_ms AS stored_cost,
        status <> 'unchanged' AS changed,
        status = 'dropped' AS dropped,
        task_outcome IS NOT DISTINCT FROM 'not_applicable' AS not_applicable,
        CASE status
            WHEN 'unchanged' THEN latency_ms
            WHEN 'dropped' THEN 0.0
            ELSE cost_usd  -- a response-cache hit is priced 0 by the join
        END AS new_cost
    FROM new_calls
    WHERE latency_ms IS NOT NULL
),
changes AS (
    SELECT
        grp,
        coalesce(sum(stored_cost) FILTER (WHERE new_cost IS NULL), 0) AS lost_cost,
        count(*) FILTER (WHERE new_cost IS NULL) AS lost_calls,
        coalesce(sum(new_cost - stored_cost) FILTER (WHERE new_cost IS NOT NULL AND changed), 0) AS delta,
        count(*) FILTER (WHERE new_cost IS NOT NULL AND changed) AS calls_affected,
        count(*) FILTER (WHERE new_cost IS NOT NULL AND dropped) AS calls_dropped,
        count(*) FILTER (WHERE new_cost IS NOT NULL AND not_applicable) AS not_applicable_calls
    FROM per_call
    GROUP BY grp
),
joined AS (
    SELECT
        b.grp,
        b.cost_usd - coalesce(c.lost_cost, 0) AS cost_usd,
        b.cost_usd - coalesce(c.lost_cost, 0) + coalesce(c.delta, 0) AS whatif_cost_usd,
        coalesce(c.calls_affected, 0) AS calls_affected,
        coalesce(c.calls_dropped, 0) AS calls_dropped,
        coalesce(c.not_applicable_calls, 0) AS not_applicable_calls,
        b.unpriced_calls + coalesce(c.lost_calls, 0) AS unpriced_calls
    FROM base AS b
    LEFT JOIN changes AS c ON c.grp IS NOT DISTINCT FROM b.grp
)
SELECT
    grp AS "group",
    cost_usd,
    whatif_cost_usd,
    cost_usd - whatif_cost_usd AS savings_usd,
    (cost_usd - whatif_cost_usd) / nullif(cost_usd, 0) AS savings_share,
    CAST(calls_affected AS BIGINT) AS calls_affected,
    CAST(calls_dropped AS BIGINT) AS calls_dropped,
    CAST(not_applicable_calls AS BIGINT) AS not_applicable_calls,
    CAST(unpriced_calls AS BIGINT) AS unpriced_calls
FROM joined
ORDER BY
    CASE WHEN $group_by IN ('day', 'week') THEN grp END,
    cost_usd - whatif_cost_usd DESC,
    grp NULLS LAST
