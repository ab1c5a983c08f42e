-- explain: why spend moved. Each group's cost change between a base period (0) and the current
-- period (1), split into six drivers that add up to the change, with no residual.
--
-- Definition. For one group and the two periods, over the group's PRICED calls (cost_usd not
-- NULL; unpriced calls are counted and shown, not decomposed):
--
--   C = A × (N/A) × (K/N) × (T/K) × Σ_m (T_m/T) × (C_m/T_m)
--
--   A   = distinct action keys coalesce(action_id, task_id, call_id) among the group's priced
--         calls (an action whose calls fall in two groups counts in each);
--   N   = calls; K = calls that reached a model (not response-cache hits; NULL counts as not);
--   T   = input + output tokens of those K calls;
--   T_m, C_m = tokens and cost of the group's model calls on model m (as stored in `model`;
--         a NULL model is one model). C = Σ_m C_m: a response-cache hit costs 0.
--
-- The change C1 − C0 splits additively, with no residual, by LMDI-I (the log-mean Divisia
-- index, Ang 2004). With the log mean L(a, b) = (a − b)/ln(a/b), and L = a when
-- |a/b − 1| < 1e-12, for each model m with positive tokens and positive cost in both periods:
--   volume          = Σ_m L(C_m1, C_m0) · ln(A1/A0)                 more or fewer user actions
--   iteration       = Σ_m L(·) · ln((N1/A1)/(N0/A0))                calls per action: loops,
--                                                                    retries, re-generations
--   response_cache  = Σ_m L(·) · ln((K1/N1)/(K0/N0))                share of calls the app's
--                                                                    response cache did not answer
--   tokens_per_call = Σ_m L(·) · ln((T1/K1)/(T0/K0))                context growth, output length
--   model_mix       = Σ_m L(·) · ln((T_m1/T1)/(T_m0/T0))            tokens moving between models
--   unit_price      = Σ_m L(·) · ln((C_m1/T_m1)/(C_m0/T_m0))        cost per token on the same
--                                                                    model: prompt caching,
--                                                                    input/output mix, batch or
--                                                                    service tier, price changes
-- Edge cases, exactly: a model with zero tokens in one period (new, retired) puts its whole
-- cost change into model_mix; a model with tokens in both periods but zero cost in one puts
-- its whole change into unit_price; a group without positive cost in both periods puts its
-- whole change into volume. The six effects then add up to the change:
-- |Σ effects − change| ≤ 1e-9 · max(C0, C1, 1). Per-group effects do not add up to the
-- group_by none row's effects (only the changes do): each group's index is weighted by its own
-- costs.
--
-- Parameters:
--   $since       TIMESTAMPTZ  current period start, inclusive (00:00 UTC of its first day)
--   $until       TIMESTAMPTZ  current period end, exclusive
--   $base_since  TIMESTAMPTZ  base period start, inclusive
--   $base_until  TIMESTAMPTZ  base period end, exclusive
--   $group_by    VARCHAR      feature, team, user_tier, model, model_tier, provider,
--                             prompt_version or none (one row, group 'all'); day and week are
--                             refused (the two periods have different days)
--   $only_team   VARCHAR      only the calls of this team ('*', the default: every call); the
--                             report splits each team's change by feature with it
-- @param group_by = feature
-- @param only_team = *
--
-- Costs are summed exactly (DECIMAL(38,12)), so the change and the order are the same on every
-- run. The CLI and llmfinops.explain name `group` after the dimension (none: no key column);
-- this macro cannot, so here it is `group`.
--
-- Output, one row per group with a call in either period; largest |change_usd| first, ties by
-- group value, NULL last:
--   group                    VARCHAR  dimension value (NULL is a group)
--   base_cost_usd            DOUBLE   C0, priced cost in the base period
--   cost_usd                 DOUBLE   C1, priced cost in the current period
--   change_usd               DOUBLE   C1 − C0
--   volume_usd               DOUBLE   the volume effect (see above); likewise:
--   iteration_usd            DOUBLE   iteration effect
--   response_cache_usd       DOUBLE   response_cache effect
--   tokens_per_call_usd      DOUBLE   tokens_per_call effect
--   model_mix_usd            DOUBLE   model_mix effect
--   unit_price_usd           DOUBLE   unit_price effect
--   actions_0, actions_1     BIGINT   A per period
--   calls_per_action_0, calls_per_action_1              DOUBLE  N/A (NULL when A = 0)
--   model_call_share_0, model_call_share_1              DOUBLE  K/N (NULL when N = 0)
--   tokens_per_call_0, tokens_per_call_1                DOUBLE  T/K (NULL when K = 0)
--   input_tokens_per_call_0, input_tokens_per_call_1    DOUBLE  input tokens of the K calls / K
--   cost_per_token_0, cost_per_token_1                  DOUBLE  C/T, USD (NULL when T = 0)
--   unpriced_calls_0, unpriced_calls_1                  BIGINT  calls with cost_usd NULL
WITH period_calls AS (
    -- both periods' calls, each row marked with its period (0 = base, 1 = current)
    SELECT
        period,
        grp,
        model,
        coalesce('action:' || action_id, 'task:' || task_id, 'call:' || call_id) AS action_key,
        cost_usd,
        NOT coalesce(response_cache_hit, false) AS model_call,
        coalesce(input_tokens, 0) AS input_tokens,
        coalesce(output_tokens, 0) AS output_tokens,
        team
    FROM (
        SELECT 0 AS period, * FROM calls_in_period($base_since, $base_until, $group_by)
        UNION ALL
        SELECT 1 AS period, * FROM calls_in_period($since, $until, $group_by)
    )
),
checked AS (
    SELECT *
    FROM period_calls
    WHERE (team = $only_team OR $only_team = '*')
        AND CASE
            WHEN $group_by IN ('day', 'week')
                THEN error('explain cannot group by ' || $group_by || ': the two periods have different days')
            ELSE true
        END
),
-- One row per (period, group, model) of priced model calls: T_m and C_m.
per_model AS (
    SELECT
        period,
        grp,
        model,
        sum(input_tokens + output_tokens) AS tokens,
        sum(CAST(cost_usd AS DECIMAL(38, 12))) AS cost
    FROM checked
    WHERE cost_usd IS NOT NULL AND model_call
    GROUP BY period, grp, model
),
-- One row per (period, group): A, N, K, T, input tokens, C and the unpriced calls.
per_period AS (
    SELECT
        period,
        grp,
        count(DISTINCT action_key) FILTER (WHERE cost_usd IS NOT NULL) AS actions,
        count(*) FILTER (WHERE cost_usd IS NOT NULL) AS calls,
        count(*) FILTER (WHERE cost_usd IS NOT NULL AND model_call) AS model_calls,
        coalesce(sum(input_tokens + output_tokens) FILTER (WHERE cost_usd IS NOT NULL AND model_call), 0)
            AS tokens,
        coalesce(sum(input_tokens) FILTER (WHERE cost_usd IS NOT NULL AND model_call), 0) AS input_tokens,
        coalesce(sum(CAST(cost_usd AS DECIMAL(38, 12))) FILTER (WHERE cost_usd IS NOT NULL AND model_call), 0)
            AS cost,
        count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls
    FROM checked
    GROUP BY period, grp
),
per_group AS (
    SELECT
        grp,
        coalesce(sum(cost) FILTER (WHERE period = 0), 0) AS cost_0,
        coalesce(sum(cost) FILTER (WHERE period = 1), 0) AS cost_1,
        CAST(coalesce(sum(actions) FILTER (WHERE period = 0), 0) AS BIGINT) AS a_0,
        CAST(coalesce(sum(actions) FILTER (WHERE period = 1), 0) AS BIGINT) AS a_1,
        CAST(coalesce(sum(calls) FILTER (WHERE period = 0), 0) AS BIGINT) AS n_0,
        CAST(coalesce(sum(calls) FILTER (WHERE period = 1), 0) AS BIGINT) AS n_1,
        CAST(coalesce(sum(model_calls) FILTER (WHERE period = 0), 0) AS BIGINT) AS k_0,
        CAST(coalesce(sum(model_calls) FILTER (WHERE period = 1), 0) AS BIGINT) AS k_1,
        CAST(coalesce(sum(tokens) FILTER (WHERE period = 0), 0) AS DOUBLE) AS t_0,
        CAST(coalesce(sum(tokens) FILTER (WHERE period = 1), 0) AS DOUBLE) AS t_1,
        CAST(coalesce(sum(input_tokens) FILTER (WHERE period = 0), 0) AS DOUBLE) AS in_0,
        CAST(coalesce(sum(input_tokens) FILTER (WHERE period = 1), 0) AS DOUBLE) AS in_1,
        CAST(coalesce(sum(unpriced_calls) FILTER (WHERE period = 0), 0) AS BIGINT) AS unpriced_0,
        CAST(coalesce(sum(unpriced_calls) FILTER (WHERE period = 1), 0) AS BIGINT) AS unpriced_1
    FROM per_period
    GROUP BY grp
),
models AS (
    SELECT
        grp,
        model,
        CAST(coalesce(sum(cost) FILTER (WHERE period = 0), 0) AS DOUBLE) AS cm_0,
        CAST(coalesce(sum(cost) FILTER (WHERE period = 1), 0) AS DOUBLE) AS cm_1,
        CAST(coalesce(sum(tokens) FILTER (WHERE period = 0), 0) AS DOUBLE) AS tm_0,
        CAST(coalesce(sum(tokens) FILTER (WHERE period = 1), 0) AS DOUBLE) AS tm_1
    FROM per_model
    GROUP BY grp, model
),
-- Which rule splits each model's change: the group's, an edge case's, or LMDI-I's.
classified AS (
    SELECT
        m.*,
        g.a_0, g.a_1, g.n_0, g.n_1, g.k_0, g.k_1, g.t_0, g.t_1,
        CASE
            WHEN NOT (g.cost_0 > 0 AND g.cost_1 > 0) THEN 'volume'
            WHEN m.tm_0 <= 0 OR m.tm_1 <= 0 THEN 'model_mix'
            WHEN m.cm_0 <= 0 OR m.cm_1 <= 0 THEN 'unit_price'
            ELSE 'lmdi'
        END AS rule
    FROM models AS m
    JOIN per_group AS g ON m.grp IS NOT DISTINCT FROM g.grp
),
weighted AS (
    SELECT
        *,
        cm_1 - cm_0 AS change,
        CASE
            WHEN rule <> 'lmdi' THEN NULL
            WHEN abs(cm_1 / cm_0 - 1) < 1e-12 THEN cm_1
            ELSE (cm_1 - cm_0) / ln(cm_1 / cm_0)
        END AS w
    FROM classified
),
effects AS (
    SELECT
        grp,
        sum(CASE rule WHEN 'lmdi' THEN w * ln(a_1 / a_0) WHEN 'volume' THEN change ELSE 0 END) AS volume,
        sum(CASE rule WHEN 'lmdi' THEN w * ln((n_1 / a_1) / (n_0 / a_0)) ELSE 0 END) AS iteration,
        sum(CASE rule WHEN 'lmdi' THEN w * ln((k_1 / n_1) / (k_0 / n_0)) ELSE 0 END) AS response_cache,
        sum(CASE rule WHEN 'lmdi' THEN w * ln((t_1 / k_1) / (t_0 / k_0)) ELSE 0 END) AS tokens_per_call,
        sum(
            CASE rule WHEN 'lmdi' THEN w * ln((tm_1 / t_1) / (tm_0 / t_0)) WHEN 'model_mix' THEN change ELSE 0 END
        ) AS model_mix,
        sum(
            CASE rule WHEN 'lmdi' THEN w * ln((cm_1 / tm_1) / (cm_0 / tm_0)) WHEN 'unit_price' THEN change ELSE 0 END
        ) AS unit_price
    FROM weighted
    GROUP BY grp
)
SELECT
    g.grp AS "group",
    CAST(g.cost_0 AS DOUBLE) AS base_cost_usd,
    CAST(g.cost_1 AS DOUBLE) AS cost_usd,
    CAST(g.cost_1 - g.cost_0 AS DOUBLE) AS change_usd,
    coalesce(e.volume, 0) AS volume_usd,
    coalesce(e.iteration, 0) AS iteration_usd,
    coalesce(e.response_cache, 0) AS response_cache_usd,
    coalesce(e.tokens_per_call, 0) AS tokens_per_call_usd,
    coalesce(e.model_mix, 0) AS model_mix_usd,
    coalesce(e.unit_price, 0) AS unit_price_usd,
    g.a_0 AS actions_0,
    g.a_1 AS actions_1,
    g.n_0 / nullif(g.a_0, 0) AS calls_per_action_0,
    g.n_1 / nullif(g.a_1, 0) AS calls_per_action_1,
    g.k_0 / nullif(g.n_0, 0) AS model_call_share_0,
    g.k_1 / nullif(g.n_1, 0) AS model_call_share_1,
    g.t_0 / nullif(g.k_0, 0) AS tokens_per_call_0,
    g.t_1 / nullif(g.k_1, 0) AS tokens_per_call_1,
    g.in_0 / nullif(g.k_0, 0) AS input_tokens_per_call_0,
    g.in_1 / nullif(g.k_1, 0) AS input_tokens_per_call_1,
    CAST(g.cost_0 AS DOUBLE) / nullif(g.t_0, 0) AS cost_per_token_0,
    CAST(g.cost_1 AS DOUBLE) / nullif(g.t_1, 0) AS cost_per_token_1,
    g.unpriced_0 AS unpriced_calls_0,
    g.unpriced_1 AS unpriced_calls_1
FROM per_group AS g
LEFT JOIN effects AS e ON g.grp IS NOT DISTINCT FROM e.grp
ORDER BY abs(g.cost_1 - g.cost_0) DESC, g.grp NULLS LAST
