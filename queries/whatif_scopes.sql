-- whatif scopes: which rule of each kind applies to a call, per combination of the values the
-- rules name. Worked out from the rules alone, before any call is read.
--
-- Parameters: $scope_feature, $scope_team, $scope_model, $scope_model_tier, $scope_provider,
-- $scope_prompt_version  VARCHAR[]: the values the rules name per dimension.
-- Input relations: `whatif_rules` (ord, kind, dim, value, n, share; llmfinops/whatif/scenario.py),
-- `whatif_targets(ord, model, provider)` (queries/whatif_targets.sql).
--
-- A rule applies to a call when the call's STORED value of the rule's dimension equals the rule's
-- value; of several rules of one kind that apply, the last one given wins. So the rules that
-- apply to a call depend only on which named value, if any, each of its dimensions holds: its
-- KEY per dimension is that value, or '' when the dimension holds none of the named values
-- (a value no rule names, NULL, or a dimension no rule names). Rule values are never empty.
-- queries/whatif_changes.sql computes each call's keys the same way and joins on them; this
-- result is handed to it as a table, so its planner knows how few rows there are. With n_d values
-- named on dimension d it has prod(n_d + 1) - 1 rows: one rule, 1; five values on each of the
-- six dimensions, 46,655 (0.1 s); eight on each, 531,440 (2 s).
--
-- Output, one row per combination of keys at least one rule applies to:
--   feature_key, team_key, model_key, model_tier_key, provider_key, prompt_version_key  VARCHAR
--   step_cap     INTEGER  the applying step cap's K (NULL: none applies)
--   context_cap  BIGINT   the applying context cap's N
--   output_cap   BIGINT   the applying output cap's N
--   cache_share  DECIMAL  the applying cache rule's SHARE
--   route_model  VARCHAR  the applying route rule's target model (NULL: no route applies;
--                         a target always has a model, llmfinops/whatif/engine.py checks it)
--   route_provider VARCHAR its target provider (NULL: none written or inferred)
--   batch_rule   BOOLEAN  some batch rule applies
WITH rules AS (
    SELECT coalesce(list(struct_pack(
        ord := r.ord, kind := r.kind, dim := r.dim, value := r.value, n := r.n, share := r.share,
        model := t.model, provider := t.provider
    ) ORDER BY r.ord), []) AS rl
    FROM whatif_rules AS r
    LEFT JOIN whatif_targets AS t ON t.ord = r.ord
),
keys AS (
    SELECT
        feature.k AS feature_key, team.k AS team_key, model.k AS model_key,
        model_tier.k AS model_tier_key, provider.k AS provider_key, prompt_version.k AS prompt_version_key
    FROM unnest(list_concat(CAST($scope_feature AS VARCHAR[]), [''])) AS feature(k),
        unnest(list_concat(CAST($scope_team AS VARCHAR[]), [''])) AS team(k),
        unnest(list_concat(CAST($scope_model AS VARCHAR[]), [''])) AS model(k),
        unnest(list_concat(CAST($scope_model_tier AS VARCHAR[]), [''])) AS model_tier(k),
        unnest(list_concat(CAST($scope_provider AS VARCHAR[]), [''])) AS provider(k),
        unnest(list_concat(CAST($scope_prompt_version AS VARCHAR[]), [''])) AS prompt_version(k)
),
hits AS (
    SELECT
        k.*,
        list_filter(rules.rl, lambda r: r.value = CASE r.dim
            WHEN 'feature' THEN k.feature_key
            WHEN 'team' THEN k.team_key
            WHEN 'model' THEN k.model_key
            WHEN 'model_tier' THEN k.model_tier_key
            WHEN 'provider' THEN k.provider_key
            WHEN 'prompt_version' THEN k.prompt_version_key
        END) AS hits
    FROM keys AS k, rules
)
SELECT
    feature_key, team_key, model_key, model_tier_key, provider_key, prompt_version_key,
    list_filter(hits, lambda r: r.kind = 'step_cap')[-1].n AS step_cap,
    list_filter(hits, lambda r: r.kind = 'context_cap')[-1].n AS context_cap,
    list_filter(hits, lambda r: r.kind = 'output_cap')[-1].n AS output_cap,
    list_filter(hits, lambda r: r.kind = 'cache')[-1].share AS cache_share,
    list_filter(hits, lambda r: r.kind = 'route')[-1].model AS route_model,
    list_filter(hits, lambda r: r.kind = 'route')[-1].provider AS route_provider,
    len(list_filter(hits, lambda r: r.kind = 'batch')) > 0 AS batch_rule
FROM hits
WHERE len(hits) > 0
