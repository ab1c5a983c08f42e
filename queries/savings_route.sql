-- savings route: per feature and provider, its calls on mid and frontier models and the
-- provider's cheapest budget model, for the `route` opportunity.
--
-- Parameters:
--   $since  TIMESTAMPTZ  start, inclusive        $until  TIMESTAMPTZ  end, exclusive
-- Input relations: `calls` (through calls_in_period), `prices` (the warehouse's price table).
-- Model calls only (response-cache hits reached no model). A call succeeded when its status is
-- 'ok' and it did not log task_outcome 'failure'. The cheapest budget model of a provider is,
-- among the models the store has priced (fine-tunes excluded: they are task-specific), the
-- budget-tier one with the lowest input + output list price per MTok in force at the end of
-- the period, standard context band (ties: by name).
--
-- Output, one row per (feature, provider) with mid or frontier calls:
--   feature              VARCHAR    the feature
--   provider             VARCHAR    the provider
--   models               VARCHAR[]  the mid and frontier models it used, by name
--   calls                BIGINT     their calls
--   output_p95           BIGINT     quantile_disc(0.95) of their output tokens
--   success_rate         DOUBLE     share of them that succeeded
--   only_upper           BOOLEAN    every model call of the feature is one of these (same provider)
--   target               VARCHAR    the provider's cheapest budget model (NULL: none known)
--   target_calls         BIGINT     the feature's calls on the target
--   target_success_rate  DOUBLE     their success rate (NULL: no observation)
--   best_budget_success  DOUBLE     the highest success rate of any budget model of the provider
--                                   on the feature (NULL: none serves it)
WITH model_calls AS (
    SELECT
        feature,
        provider,
        model,
        model_tier,
        output_tokens,
        status = 'ok' AND task_outcome IS DISTINCT FROM 'failure' AS ok
    FROM calls_in_period($since, $until, 'feature')
    WHERE feature IS NOT NULL AND NOT coalesce(response_cache_hit, false)
),
upper AS (
    SELECT
        feature,
        provider,
        list(DISTINCT model ORDER BY model) AS models,
        count(*) AS calls,
        quantile_disc(output_tokens, 0.95) AS output_p95,
        avg(CAST(ok AS INTEGER)) AS success_rate
    FROM model_calls
    WHERE model_tier IN ('mid', 'frontier')
    GROUP BY feature, provider
),
feature_calls AS (
    SELECT feature, count(*) AS calls FROM model_calls GROUP BY feature
),
budget_seen AS (
    SELECT feature, provider, model, count(*) AS calls, avg(CAST(ok AS INTEGER)) AS success_rate
    FROM model_calls
    WHERE model_tier = 'budget'
    GROUP BY ALL
),
cheapest AS (
    SELECT provider, first(model ORDER BY input_mtok + output_mtok, model) AS target
    FROM prices
    WHERE model_tier = 'budget' AND provider IS NOT NULL AND NOT starts_with(model, 'ft:')
        AND input_mtok IS NOT NULL AND output_mtok IS NOT NULL AND band_min_input = -1
        AND (valid_from IS NULL OR valid_from < CAST($until AS TIMESTAMPTZ))
        AND (valid_until IS NULL OR valid_until >= CAST($until AS TIMESTAMPTZ))
    GROUP BY provider
)
SELECT
    u.feature,
    u.provider,
    u.models,
    u.calls,
    CAST(u.output_p95 AS BIGINT) AS output_p95,
    u.success_rate,
    u.calls = f.calls AS only_upper,
    ch.target,
    coalesce(t.calls, 0) AS target_calls,
    t.success_rate AS target_success_rate,
    (SELECT max(b.success_rate) FROM budget_seen AS b WHERE b.feature = u.feature AND b.provider = u.provider)
        AS best_budget_success
FROM upper AS u
JOIN feature_calls AS f ON f.feature = u.feature
LEFT JOIN cheapest AS ch ON ch.provider = u.provider
LEFT JOIN budget_seen AS t ON t.feature = u.feature AND t.provider = u.provider AND t.model = ch.target
ORDER BY u.feature, u.provider
