-- whatif changes: the calls of a period a scenario changes, as the scenario leaves them.
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive        $until  TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      dimension of the groups (as in every metric; from STORED values)
--   $w         DECIMAL      [whatif] cache_writes_per_read: cache-write tokens per extra token read
--   $has_step_cap BOOLEAN   whether any rule is a step cap (the step index is computed only then)
--   $scope_feature, $scope_team, $scope_model, $scope_model_tier, $scope_provider,
--   $scope_prompt_version  VARCHAR[]  the values the rules name per dimension: a call no rule can
--                          match is skipped at the scan, before its other columns are read, and
--                          a dimension no rule names (empty list) is not read at all
--   $regional_tags VARCHAR[] the tag keys the modifier table's regional_processing rows read
--                          (empty: none, and the tags column is not read at all)
--   $prices_change BOOLEAN  queries/whatif_price_changes.sql: false, every call is priced at
--                          $since (exactly what its own ts gives then) and ts is not read
--   $parts_stored  BOOLEAN  queries/whatif_parts.sql: false, no call of the period holds a
--                          per-modality part and extra_units is not read (NULL)
-- Input relations: `calls` (through calls_in_period), `whatif_scope_rules` (queries/whatif_scopes.sql:
-- the rules that apply per combination of scope keys), `batch_discounts(provider, discount)`,
-- `price_table` and `modifier_rows` (as price_calls.sql); the macro price_row_in_force
-- (queries/price_rules.sql), as the price join looks rows up.
--
-- A rule applies to a call when the call's STORED value of the rule's dimension equals the
-- rule's value; of several rules of one kind that apply, the last one given wins. The kinds
-- apply in this order, each to the call as the kinds before left it:
--   step_cap K     index = row_number() over the task's calls in the period ordered by
--                  (ts, step, call_id); a call with index > K is dropped (costs 0). No task_id: untouched.
--   context_cap N  input' = min(input, N); cached, cache writes (and their 1-hour part) scaled by
--                  input'/input, each floored; the rest of input' is uncached. The price join then
--                  re-evaluates the context band from input'.
--   output_cap N   output' = min(output, N); reasoning' = min(reasoning, output').
--   cache SHARE    cached' = max(cached, floor(SHARE x input)); writes' = min(input - cached',
--                  writes + round((cached' - cached) x $w)) (half away from zero); the 1-hour part
--                  is min(its value, writes'). SHARE and $w are DECIMAL, so the floor is exact.
--   route MODEL    provider and model become the target's (calls already on it are unchanged); a
--                  batch call whose target has no batch rate, or a call on a service tier
--                  other than standard (no tier has its own price), is priced at the standard
--                  rate and is `not_applicable`.
--   batch          a call that is not batched becomes batched when it has a batch rate; else it is
--                  unchanged and `not_applicable`.
-- "Has a batch rate" follows queries/price_calls.sql's pricing order: the catalog's batch variant
-- for the (new) model at ts and input band, else a 'service_tier=batch' modifier-table row, else
-- [pricing] batch_discounts for the (new) provider.
-- A response-cache hit reached no model: only a step cap changes it (it stays free either way).
-- A call with per-modality parts (extra_units: audio, image, video tokens inside its counts) is
-- not capped or cached: no rule says which part a cap removes; when a cap or cache rule would have
-- changed it, it counts as not applicable. A route keeps its parts and its service tier.
--
-- Output, per changed or not-applicable call: what queries/price_calls.sql needs to price it —
-- the `calls` columns but ids and dimensions (PASSED: see `picked`), with `tags` cut to the keys
-- in $regional_tags (NULL when it is empty), so a regional_processing row multiplies the new
-- cost exactly as it multiplied the stored one at ingest, ts = $since when no price changes
-- inside the period and extra_units NULL when no day file holds a part (see the parameters,
-- and `picked`: each gives the price the stored value gives); with the token counts,
-- provider, model and batch flag as the scenario leaves them and cost_usd NULL (so it is priced
-- from the catalog, reported or not); plus
--   grp             VARCHAR  the call's group (stored values)
--   stored_cost     DOUBLE   the stored cost_usd (NULL: unpriced)
--   change          VARCHAR  dropped (by a step cap) | rerouted (model, maybe more) | changed
--                            (tokens or batch) | unchanged (only not applicable)
--   not_applicable  BOOLEAN  a rule applied that the call's provider has no rate for
WITH
-- The step index over ALL of a task's calls in the period, whatever the rules' scopes; joined
-- only when a rule is a step cap (else the join folds away and no call_id is read).
step_index AS (
    SELECT call_id, row_number() OVER (PARTITION BY task_id ORDER BY ts, step, call_id) AS step_index
    FROM calls_in_period($since, $until, $group_by)
    WHERE $has_step_cap AND task_id IS NOT NULL
),
-- The calls in some rule's scope, with each one's key per dimension as queries/whatif_scopes.sql
-- defines it: the named value it holds, else ''. A dimension no rule names folds to '' (its
-- bound list is empty), so its column is never read. Computed here, not in the join below: an
-- IN list of several values in a join condition turns the hash join into a cross product.
keyed AS (
    SELECT
        *,
        CASE WHEN len(CAST($scope_feature AS VARCHAR[])) > 0
            AND list_contains(CAST($scope_feature AS VARCHAR[]), feature) THEN feature ELSE '' END AS feature_key,
        CASE WHEN len(CAST($scope_team AS VARCHAR[])) > 0
            AND list_contains(CAST($scope_team AS VARCHAR[]), team) THEN team ELSE '' END AS team_key,
        CASE WHEN len(CAST($scope_model AS VARCHAR[])) > 0
            AND list_contains(CAST($scope_model AS VARCHAR[]), model) THEN model ELSE '' END AS model_key,
        CASE WHEN len(CAST($scope_model_tier AS VARCHAR[])) > 0
            AND list_contains(CAST($scope_model_tier AS VARCHAR[]), model_tier) THEN model_tier ELSE '' END AS model_tier_key,
        CASE WHEN len(CAST($scope_provider AS VARCHAR[])) > 0
            AND list_contains(CAST($scope_provider AS VARCHAR[]), provider) THEN provider ELSE '' END AS provider_key,
        CASE WHEN len(CAST($scope_prompt_version AS VARCHAR[])) > 0
            AND list_contains(CAST($scope_prompt_version AS VARCHAR[]), prompt_version) THEN prompt_version ELSE '' END AS prompt_version_key
    FROM calls_in_period($since, $until, $group_by)
    WHERE list_contains(CAST($scope_feature AS VARCHAR[]), feature)
        OR list_contains(CAST($scope_team AS VARCHAR[]), team)
        OR list_contains(CAST($scope_model AS VARCHAR[]), model)
        OR list_contains(CAST($scope_model_tier AS VARCHAR[]), model_tier)
        OR list_contains(CAST($scope_provider AS VARCHAR[]), provider)
        OR list_contains(CAST($scope_prompt_version AS VARCHAR[]), prompt_version)
),
picked AS (
    -- Every column but the ones no price depends on (ids, dimensions: reading them would cost
    -- more than the re-pricing), so whatever the price join reads (token counts, batch, and any
    -- unit or price modifier the store holds) reaches it as stored. Three are read only when
    -- they can change a price, each by a bound parameter that folds its CASE away otherwise:
    -- tags (`all_tags`) where a regional_processing row reads one, ts when a price starts or
    -- ends inside the period, extra_units (`all_parts`) when a day file of the period holds a
    -- part. Tags and parts are cut in the last SELECT, so a column not read is not carried
    -- through the materialised steps below either.
    SELECT
        c.* EXCLUDE (call_id, user_id, user_tier, team, feature, task_id, action_id, session_id, step,
            status, task_outcome, latency_ms, prompt_version, source, source_file, tags, model_tier,
            cost_source, price_version, catalog_cost_usd, price_flags, partly_priced, day, ts, extra_units,
            feature_key, team_key, model_key, model_tier_key, provider_key, prompt_version_key),
        -- (queries/whatif_price_changes.sql: priced at its start, every call prices as at its ts)
        CASE WHEN $prices_change THEN c.ts ELSE CAST($since AS TIMESTAMPTZ) END AS ts,
        c.tags AS all_tags,
        c.extra_units AS all_parts,
        coalesce(c.response_cache_hit, false) AS hit,
        -- per-modality parts (audio, image, ...) live INSIDE the token counts: a cap or a cache share
        -- cannot say which part it removes, so such calls are left as they are (not applicable)
        coalesce(cardinality(CASE WHEN $parts_stored THEN c.extra_units END) > 0, false) AS has_parts,
        r.step_cap, r.context_cap, r.output_cap, r.cache_share, r.route_model, r.route_provider, r.batch_rule,
        s.step_index
    FROM keyed AS c
    JOIN whatif_scope_rules AS r
        ON r.feature_key = c.feature_key
        AND r.team_key = c.team_key
        AND r.model_key = c.model_key
        AND r.model_tier_key = c.model_tier_key
        AND r.provider_key = c.provider_key
        AND r.prompt_version_key = c.prompt_version_key
    LEFT JOIN step_index AS s ON $has_step_cap AND s.call_id = c.call_id
),
capped AS (
    SELECT
        *,
        coalesce(step_index > step_cap, false) AS dropped,
        CASE WHEN NOT hit AND NOT has_parts AND input_tokens > context_cap THEN context_cap ELSE input_tokens END
            AS in1,
        NOT hit AND has_parts AND (
            coalesce(input_tokens > context_cap, false) OR coalesce(output_tokens > output_cap, false)
            OR coalesce(floor(cache_share * input_tokens) > cached_input_tokens, false)
        ) AS parts_not_capped
    FROM picked
),
context AS (
    SELECT
        *,
        CASE WHEN in1 < input_tokens THEN cached_input_tokens * in1 // input_tokens ELSE cached_input_tokens END
            AS cached1,
        CASE WHEN in1 < input_tokens THEN cache_write_tokens * in1 // input_tokens ELSE cache_write_tokens END
            AS writes1,
        CASE WHEN in1 < input_tokens THEN cache_write_1h_tokens * in1 // input_tokens ELSE cache_write_1h_tokens END
            AS writes1h1,
        CASE WHEN NOT hit AND NOT has_parts AND output_tokens > output_cap THEN output_cap ELSE output_tokens END
            AS out2
    FROM capped
),
cached AS (
    SELECT
        *,
        CASE WHEN NOT hit AND NOT has_parts AND cache_share IS NOT NULL
            THEN greatest(cached1, CAST(floor(cache_share * in1) AS BIGINT))
            ELSE cached1
        END AS cached3
    FROM context
),
written AS (
    SELECT
        *,
        CASE WHEN cached3 > cached1
            THEN least(in1 - cached3, writes1 + CAST(round((cached3 - cached1) * CAST($w AS DECIMAL(18, 6))) AS BIGINT))
            ELSE writes1
        END AS writes3
    FROM cached
),
routed AS (
    SELECT
        w.*,
        NOT w.hit AND w.route_model IS NOT NULL
            AND (w.route_model IS DISTINCT FROM w.model OR w.route_provider IS DISTINCT FROM w.provider)
            AS rerouted
    FROM written AS w
),
final AS (
    SELECT
        r.*,
        CASE WHEN r.rerouted THEN r.route_provider ELSE r.provider END AS provider4,
        CASE WHEN r.rerouted THEN r.route_model ELSE r.model END AS model4
    FROM routed AS r
),
-- Whether a call's (new) model has a batch rate matters only to a call the batch option would
-- batch, or a batched call rerouted; only those are looked up (once per distinct key), in
-- price_calls.sql's pricing order: the catalog's batch variant for the (new) model at ts and
-- (new) input band, else a shipped/config 'service_tier=batch' row, else batch_discounts for
-- the provider. Every other call has has_batch_rate = false, which no rule below reads.
rate_keys AS (
    SELECT DISTINCT provider4, model4, ts, in1
    FROM final
    WHERE NOT hit AND (batch_rule AND NOT coalesce(batch, false) OR rerouted AND coalesce(batch, false))
),
rates AS (
    SELECT
        k.*,
        EXISTS (
            SELECT 1 FROM price_table AS p
            WHERE p.model = k.model4 AND p.provider IS NOT DISTINCT FROM k.provider4
                AND p.variant = 'batch' AND p.variant_priced
                AND price_row_in_force(p.valid_from, p.valid_until, p.tod_from, p.tod_until, p.band_min_input,
                    p.band_max_input, k.ts, k.in1)
        ) OR EXISTS (
            SELECT 1 FROM modifier_rows AS m
            WHERE m.provider = k.provider4 AND m.model = k.model4 AND m.modifier = 'service_tier=batch'
                AND k.ts >= m.valid_from AND (m.valid_until IS NULL OR k.ts < m.valid_until)
        ) OR b.discount IS NOT NULL AS has_batch_rate
    FROM rate_keys AS k
    LEFT JOIN batch_discounts AS b ON b.provider = k.provider4
),
rated AS (
    SELECT f.*, coalesce(r.has_batch_rate, false) AS has_batch_rate
    FROM final AS f
    LEFT JOIN rates AS r
        ON r.provider4 IS NOT DISTINCT FROM f.provider4 AND r.model4 IS NOT DISTINCT FROM f.model4
        AND r.ts = f.ts AND r.in1 = f.in1
),
judged AS (
    SELECT
        r.*,
        NOT r.hit AND r.batch_rule AND NOT coalesce(r.batch, false) AND r.has_batch_rate AS batched,
        r.parts_not_capped OR NOT r.hit AND (
            (r.batch_rule AND NOT coalesce(r.batch, false) AND NOT r.has_batch_rate)
            OR (r.rerouted AND coalesce(r.batch, false) AND NOT r.has_batch_rate)
            -- a rerouted flex or priority call is counted not applicable (the join prices it at the
            -- target's own variant where the catalog has one, else the standard rate, flagged)
            OR (r.rerouted AND coalesce(r.service_tier, 'standard') NOT IN ('standard', 'batch'))
        ) AS not_applicable
    FROM rated AS r
)
SELECT
    * EXCLUDE (
        all_tags, all_parts, hit, has_parts, parts_not_capped, step_cap, context_cap, output_cap, cache_share, route_model, route_provider, batch_rule,
        step_index, dropped, in1,
        cached1, writes1, writes1h1, out2, cached3, writes3, rerouted, provider4, model4, has_batch_rate,
        batched, not_applicable, provider, model, input_tokens, cached_input_tokens, cache_write_tokens,
        cache_write_1h_tokens, output_tokens, reasoning_tokens, batch, cost_usd
    ),
    CASE WHEN len(CAST($regional_tags AS VARCHAR[])) > 0
        THEN map_from_entries(list_filter(map_entries(all_tags),
            lambda e: list_contains(CAST($regional_tags AS VARCHAR[]), e.key)))
    END AS tags,
    CASE WHEN $parts_stored THEN all_parts END AS extra_units,
    provider4 AS provider,
    model4 AS model,
    in1 AS input_tokens,
    cached3 AS cached_input_tokens,
    writes3 AS cache_write_tokens,
    least(writes1h1, writes3) AS cache_write_1h_tokens,
    out2 AS output_tokens,
    CASE WHEN out2 < output_tokens THEN least(reasoning_tokens, out2) ELSE reasoning_tokens END AS reasoning_tokens,
    coalesce(batch, false) OR batched AS batch,
    CAST(NULL AS DOUBLE) AS cost_usd,
    cost_usd AS stored_cost,
    CASE
        WHEN dropped THEN 'dropped'
        WHEN rerouted THEN 'rerouted'
        WHEN batched OR in1 <> input_tokens OR cached3 <> cached_input_tokens
            OR writes3 <> cache_write_tokens OR out2 <> output_tokens THEN 'changed'
        ELSE 'unchanged'
    END AS change,
    not_applicable
FROM judged
WHERE dropped OR rerouted OR batched OR not_applicable OR in1 <> input_tokens
    OR cached3 <> cached_input_tokens OR writes3 <> cache_write_tokens OR out2 <> output_tokens
