-- whatif targets: the model each --route rule names, resolved as ingest resolves a logged model.
-- Input relations: `whatif_rules` (llmfinops/whatif/scenario.py), `aliases(alias, model)`;
-- needs the macros of queries/ingest_macros.sql (normalize_model, normalize_provider, infer_provider).
-- The id is normalised (case, API path and router prefixes, Bedrock ids), then the config's
-- aliases apply; a provider not written as `provider:model` is inferred from the model id.
-- Output, one row per route rule:
--   ord       INTEGER  the rule's position among the options
--   model     VARCHAR  resolved model id (NULL when the text is empty after normalising)
--   provider  VARCHAR  written or inferred provider (NULL when nothing places it)
SELECT
    r.ord,
    coalesce(a.model, normalize_model(r.target_model)) AS model,
    coalesce(normalize_provider(r.target_provider), infer_provider(coalesce(a.model, normalize_model(r.target_model))))
        AS provider
FROM whatif_rules AS r
LEFT JOIN aliases AS a ON a.alias = normalize_model(r.target_model)
WHERE r.kind = 'route'
ORDER BY r.ord
