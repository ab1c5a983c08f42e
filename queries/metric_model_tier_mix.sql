-- model-tier-mix: how calls and cost split across model tiers (budget, mid, frontier).
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive (00:00 UTC of the first day)
--   $until     TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      model_tier (default: one row per tier, shares of the period),
--                           or week / day for the trend, or feature, team, user_tier, model,
--                           provider, prompt_version, none: one row per (group, model_tier)
--                           with shares within each group
-- @param group_by = model_tier
--
-- Only calls that reached a model (response_cache_hit not true; NULL counts as false).
--
-- The CLI and llmfinops.metrics.compute name `group` after the dimension (group_by none:
-- no key column); this macro cannot, so here it is `group`.
--
-- Output, one row per (group, model_tier); groups in order (weeks and days oldest first),
-- tiers budget, mid, frontier, then others and NULL:
--   group           VARCHAR  dimension value (NULL is a group); equals model_tier for the default
--   model_tier      VARCHAR  budget | mid | frontier | NULL (not placed)
--   calls           BIGINT   calls that reached a model
--   call_share      DOUBLE   calls / the group's calls
--   cost_usd        DOUBLE   sum of cost_usd; unpriced calls add nothing
--   cost_share      DOUBLE   cost_usd / the group's priced cost; NULL when that is 0
--   output_tokens   BIGINT   sum of output_tokens
--   unpriced_calls  BIGINT   calls with cost_usd NULL
--   partially_priced_calls BIGINT priced calls with a unit no price covers (price_flags), left out of cost_usd
WITH period_calls AS (
    SELECT
        grp,
        model_tier,
        cost_usd,
        output_tokens,
        partly_priced
    FROM calls_in_period($since, $until, $group_by)
    WHERE NOT coalesce(response_cache_hit, false)
),
-- MATERIALIZED: the per-bucket window sums would otherwise make DuckDB scan calls twice,
-- and the second scan opens every day's file instead of only the period's.
mix AS MATERIALIZED (
    SELECT
        grp,
        -- Shares are taken within this bucket: the whole period when grouping by the tier itself.
        CASE WHEN $group_by = 'model_tier' THEN 'all' ELSE grp END AS bucket,
        model_tier,
        count(*) AS calls,
        coalesce(sum(cost_usd), 0) AS cost_usd,
        CAST(coalesce(sum(output_tokens), 0) AS BIGINT) AS output_tokens,
        count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls,
        count(*) FILTER (WHERE partly_priced) AS partially_priced_calls
    FROM period_calls
    GROUP BY grp, model_tier
)
SELECT
    grp AS "group",
    model_tier,
    calls,
    calls / sum(calls) OVER bucket AS call_share,
    cost_usd,
    cost_usd / nullif(sum(cost_usd) OVER bucket, 0) AS cost_share,
    output_tokens,
    unpriced_calls,
    partially_priced_calls
FROM mix
WINDOW bucket AS (PARTITION BY bucket)
ORDER BY
    bucket NULLS LAST,
    list_position(['budget', 'mid', 'frontier'], model_tier) NULLS LAST,
    model_tier NULLS LAST
