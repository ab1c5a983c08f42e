-- Claude Code local session logs (~/.claude/projects/<project>/<session>.jsonl and
-- <session>/subagents/agent-*.jsonl) -> canonical calls.
-- Input: relation `lines(line_no BIGINT, raw VARCHAR, source_file VARCHAR, file_seq BIGINT)`, one
-- JSON object per line; lines of many session files may come in one relation.
-- Parameters: $source. The project is the encoded directory of the session file
-- (<project>/<session>.jsonl, or <project>/<session>/subagents/agent-*.jsonl).
-- Output: line_no, reason, the canonical columns except the priced ones, dedup_priority, file_seq.
-- Calls are the `assistant` lines (or lines without a type) with a message.usage; user, summary and progress lines and
-- `<synthetic>` (API error placeholder) lines are not calls and are skipped, not quarantined.
-- Tokens by Anthropic's rule (usage_anthropic: cache reads and writes are separate from
-- input_tokens; cache_creation.ephemeral_1h -> cache_write_1h_tokens). costUSD, where a line has
-- it, is the reported cost. session_id = sessionId, feature = 'claude-code'; project, version,
-- git branch, agent id and sidechain become tags.
-- One response is written as several lines sharing message.id + requestId (early ones with a
-- partial output_tokens) and resumed sessions replay lines into new files, so call_id =
-- message.id:requestId and, of the copies of one call in a run, the one with the LARGEST token
-- total wins, then a main-thread copy over a sidechain one, then the EARLIEST. dedup_priority
-- (lower wins) packs that order into one number: -total, +0.5 for a sidechain copy, + a
-- fraction below 0.4 growing with the time (about 0.3 s resolution for 2017-2042).
-- The two CTEs are MATERIALIZED and carry no line text: inlined, each reference to `r` or `u`
-- re-ran its JSON transform (3x the time); materialized with `raw`, they copied every line.
WITH fields AS MATERIALIZED (
    SELECT
        line_no,
        source_file,
        file_seq,
        r,
        r IS NOT NULL AS valid,
        -- the fallback call_id of a call line without message.id (rare): hashed only for those
        CASE WHEN r.message.id IS NULL AND coalesce(r.type, 'assistant') = 'assistant' THEN md5(raw) END AS raw_md5
    FROM (
        SELECT
            line_no,
            raw,
            source_file,
            file_seq,
            -- one parse per line, keeping only the small fields (never the message content)
            TRY(json_transform(raw, '{
                "type": "VARCHAR", "timestamp": "VARCHAR", "sessionId": "VARCHAR", "requestId": "VARCHAR",
                "isSidechain": "VARCHAR", "version": "VARCHAR", "gitBranch": "VARCHAR", "agentId": "VARCHAR",
                "costUSD": "VARCHAR", "message": {"id": "VARCHAR", "model": "VARCHAR", "usage": "JSON"}
            }')) AS r
        FROM lines
        WHERE has_text(raw)
    )
),
calls AS MATERIALIZED (
    -- the counts read the block's fields as a column of the subquery, parsed once per call
    SELECT
        *,
        usage_anthropic_counts(s) AS u,
        -- a call's tags, as a key: the map is built once per distinct key (see tag_sets)
        CASE WHEN valid THEN {
            'source_file': source_file, 'version': r.version, 'git_branch': left(r.gitBranch, 200),
            'agent_id': r.agentId, 'sidechain': CASE WHEN sidechain THEN 'true' END,
            'service_tier': s.service_tier
        } END AS tag_key
    FROM (
        SELECT
            *,
            r.message.id AS message_id,
            nullif(trim(r.requestId), '') AS request_id,
            r.timestamp AS ts_raw,
            coalesce(r.isSidechain = 'true', FALSE) AS sidechain,
            parse_ts(r.timestamp) AS ts_n,
            normalize_model(r.message.model) AS model_n,
            anthropic_usage_fields(r.message.usage) AS s
        FROM fields
        -- a line that is JSON but not an assistant response with usage (a user, summary or progress
        -- line, or anything else) is not a call: skipped, not quarantined
        -- (older logs and ccusage's fixtures have no `type`: a line with message.usage counts, as ccusage does)
        WHERE (coalesce(r.type, 'assistant') = 'assistant' AND json_type(r.message.usage) = 'OBJECT'
               AND r.message.model IS DISTINCT FROM '<synthetic>')
            OR NOT valid
    )
),
-- Tags as a map, built once per distinct set: building a MAP costs more than the rest of a call's
-- columns, and a session's calls share their tags. The project is the session file's directory.
tag_sets AS (
    SELECT
        tag_key,
        map_from_entries(list_filter([
            {'key': 'project', 'value': nullif(regexp_extract(tag_key.source_file,
                '([^/]+)/(?:[^/]+/subagents/)?[^/]+$', 1), '')},
            {'key': 'version', 'value': tag_key.version},
            {'key': 'git_branch', 'value': tag_key.git_branch},
            {'key': 'agent_id', 'value': tag_key.agent_id},
            {'key': 'sidechain', 'value': tag_key.sidechain},
            {'key': 'service_tier', 'value': tag_key.service_tier}
        ], lambda e: e.value IS NOT NULL)) AS tags
    FROM (SELECT DISTINCT tag_key FROM calls WHERE tag_key IS NOT NULL)
)
SELECT
    line_no,
    CASE
        WHEN NOT valid THEN 'malformed JSON'
        WHEN ts_raw IS NULL THEN 'missing ts'
        WHEN ts_n IS NULL THEN 'unparsable ts'
        WHEN model_n IS NULL THEN 'missing model'
        WHEN u.bad THEN 'negative or non-numeric token count'
        WHEN u.input_tokens IS NULL OR u.output_tokens IS NULL THEN 'missing token counts'
        WHEN r.costUSD IS NOT NULL AND NOT coalesce(TRY_CAST(r.costUSD AS DOUBLE) >= 0, FALSE)
            THEN 'negative or non-numeric costUSD'
    END AS reason,
    coalesce(message_id || ':' || request_id, message_id, 'h:' || raw_md5) AS call_id,
    ts_n AS ts,
    'anthropic' AS provider,
    model_n AS model,
    u.input_tokens,
    u.cached_input_tokens,
    u.cache_write_tokens,
    u.cache_write_1h_tokens,
    u.output_tokens,
    u.reasoning_tokens,
    u.extra AS extra_units,
    TRY_CAST(r.costUSD AS DOUBLE) AS cost_usd,
    CAST(NULL AS VARCHAR) AS user_id,
    CAST(NULL AS VARCHAR) AS user_tier,
    CAST(NULL AS VARCHAR) AS team,
    'claude-code' AS feature,
    CAST(NULL AS VARCHAR) AS task_id,
    CAST(NULL AS VARCHAR) AS action_id,
    nullif(trim(r.sessionId), '') AS session_id,
    CAST(NULL AS BIGINT) AS step,
    'ok' AS status,
    CAST(NULL AS VARCHAR) AS task_outcome,
    FALSE AS response_cache_hit,
    coalesce(lower(s.service_tier) = 'batch', FALSE) AS batch,
    service_tier_of(s.service_tier) AS service_tier,
    s.inference_geo,
    s.speed,
    CAST(NULL AS DOUBLE) AS latency_ms,
    CAST(NULL AS VARCHAR) AS prompt_version,
    $source AS source,
    source_file,
    t.tags,
    -(u.input_tokens + u.output_tokens)
        + CASE WHEN sidechain THEN 0.5 ELSE 0 END
        + 0.4 * least(greatest((epoch(ts_n) - 1.5e9) / 8e8, 0), 0.999) AS dedup_priority,
    file_seq
FROM calls
LEFT JOIN tag_sets AS t ON calls.tag_key IS NOT DISTINCT FROM t.tag_key
