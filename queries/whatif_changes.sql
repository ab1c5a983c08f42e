-- whatif changes: the calls of a period a scenario changes, as the scenario leaves them.
--
-- Parameters:
--   $since     TIMESTAMPTZ  start, inclusive        $until  TIMESTAMPTZ  end, exclusive
--   $group_by  VARCHAR      dimension of the groups (as in every metric; from STORED values)
--   $w         DECIMAL      [whatif] cache_writes_per_read: cache-write tokens per extra token read
-- Input relations: `calls` (through calls_in_period), `whatif_rules` (one row per option:
-- ord, kind, dim, value, n, share), `whatif_targets(ord, model, provider)` (queries/whatif_targets.sql),
-- `batch_discounts(provider, discount)`.
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
--                  batch call whose target provider has no batch rate is priced at the standard
--                  rate and is `not_applicable`.
--   batch          a call that is not batched becomes batched when its provider has a batch rate;
--                  else it is unchanged and `not_applicable`.
-- A response-cache hit reached no model: only a step cap changes it (it stays free either way).
--
-- Output: the `calls` columns of each changed or not-applicable call, with the scenario's token
-- counts, provider, model and batch flag, and cost_usd NULL (so queries/price_calls.sql prices it
-- from the catalog, reported or not); plus
--   grp             VARCHAR  the call's group (stored values)
--   stored_cost     DOUBLE   the stored cost_usd (NULL: unpriced)
--   dropped         BOOLEAN  removed by a step cap
--   changed         BOOLEAN  the scenario changes the call (dropped, tokens, model or batch)
--   not_applicable  BOOLEAN  a rule applied that the call's provider has no rate for
WITH rules AS (
    SELECT coalesce(list(struct_pack(
        ord := r.ord, kind := r.kind, dim := r.dim, value := r.value, n := r.n, share := r.share,
        model := t.model, provider := t.provider
    ) ORDER BY r.ord), []) AS rl
    FROM whatif_rules AS r
    LEFT JOIN whatif_targets AS t ON t.ord = r.ord
),
indexed AS (
    SELECT
        c.*,
        CASE WHEN c.task_id IS NOT NULL
            THEN row_number() OVER (PARTITION BY c.task_id ORDER BY c.ts, c.step, c.call_id)
        END AS step_index
    FROM calls_in_period($since, $until, $group_by) AS c
),
matched AS (
    SELECT
        i.*,
        list_filter(rules.rl, lambda r: r.value = CASE r.dim
            WHEN 'feature' THEN i.feature
            WHEN 'team' THEN i.team
            WHEN 'model' THEN i.model
            WHEN 'model_tier' THEN i.model_tier
            WHEN 'provider' THEN i.provider
            WHEN 'prompt_version' THEN i.prompt_version
        END) AS hits
    FROM indexed AS i, rules
    WHERE len(rules.rl) > 0
),
picked AS (
    SELECT
        m.* EXCLUDE (hits),
        coalesce(m.response_cache_hit, false) AS hit,
        list_filter(m.hits, lambda r: r.kind = 'step_cap')[-1].n AS step_cap,
        list_filter(m.hits, lambda r: r.kind = 'context_cap')[-1].n AS context_cap,
        list_filter(m.hits, lambda r: r.kind = 'output_cap')[-1].n AS output_cap,
        list_filter(m.hits, lambda r: r.kind = 'cache')[-1].share AS cache_share,
        list_filter(m.hits, lambda r: r.kind = 'route')[-1] AS route,
        len(list_filter(m.hits, lambda r: r.kind = 'batch')) > 0 AS batch_rule
    FROM matched AS m
    WHERE len(m.hits) > 0
),
capped AS (
    SELECT
        *,
        coalesce(step_index > step_cap, false) AS dropped,
        CASE WHEN NOT hit AND input_tokens > context_cap THEN context_cap ELSE input_tokens END AS in1
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
        CASE WHEN NOT hit AND output_tokens > output_cap THEN output_cap ELSE output_tokens END AS out2
    FROM capped
),
cached AS (
    SELECT
        *,
        CASE WHEN NOT hit AND cache_share IS NOT NULL
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
        NOT w.hit AND w.route IS NOT NULL
            AND (w.route.model IS DISTINCT FROM w.model OR w.route.provider IS DISTINCT FROM w.provider)
            AS rerouted
    FROM written AS w
),
final AS (
    SELECT
        r.*,
        CASE WHEN r.rerouted THEN r.route.provider ELSE r.provider END AS provider4,
        CASE WHEN r.rerouted THEN r.route.model ELSE r.model END AS model4
    FROM routed AS r
),
judged AS (
    SELECT
        f.*,
        b.discount IS NOT NULL AS has_batch_rate,
        NOT f.hit AND f.batch_rule AND NOT coalesce(f.batch, false) AND b.discount IS NOT NULL AS batched,
        NOT f.hit AND (
            (f.batch_rule AND NOT coalesce(f.batch, false) AND b.discount IS NULL)
            OR (f.rerouted AND coalesce(f.batch, false) AND b.discount IS NULL)
        ) AS not_applicable
    FROM final AS f
    LEFT JOIN batch_discounts AS b ON b.provider = f.provider4
)
SELECT
    * EXCLUDE (
        hit, step_cap, context_cap, output_cap, cache_share, route, batch_rule, step_index, in1, cached1,
        writes1, writes1h1, out2, cached3, writes3, rerouted, provider4, model4, has_batch_rate, batched,
        dropped, not_applicable, grp, input_tokens, cached_input_tokens, cache_write_tokens,
        cache_write_1h_tokens, output_tokens, reasoning_tokens, provider, model, batch, cost_usd
    ),
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
    grp,
    cost_usd AS stored_cost,
    dropped,
    dropped OR rerouted OR batched OR in1 <> input_tokens OR cached3 <> cached_input_tokens
        OR writes3 <> cache_write_tokens OR out2 <> output_tokens AS changed,
    not_applicable
FROM judged
WHERE dropped OR rerouted OR batched OR not_applicable OR in1 <> input_tokens
    OR cached3 <> cached_input_tokens OR writes3 <> cache_write_tokens OR out2 <> output_tokens
