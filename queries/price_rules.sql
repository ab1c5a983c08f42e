-- Scalar macros of the price join, shared by every query that looks a call's price row up:
-- queries/price_calls.sql (ingest, reprice, whatif), queries/whatif_changes.sql (whether a
-- call's new model has a batch rate) and queries/focus_export.sql (the FOCUS export names the
-- row that priced each call). Installed on those connections by
-- llmfinops.sqlfiles.install_price_macros. A scalar macro is expanded where it is used, so the
-- join is planned exactly as if its text were written out there.

-- The catalog variant of a model's price a call takes (price_table.variant; NULL: the standard
-- row), step 1 of price_calls.sql's pricing order: a batch call the 'batch' variant, a flex or
-- priority call its 'service_tier=…' variant, a Bedrock call through a `global.` inference
-- profile the 'region_scope=global' variant (the catalog's own `aws/global.*` entry). A call
-- whose variant the catalog has no row for joins no price row of that variant: the price join
-- then prices its standard-rate parts and flags it (see price_calls.sql).
-- price_variant(batch BOOLEAN, service_tier VARCHAR, provider VARCHAR, region_scope VARCHAR) -> VARCHAR
CREATE OR REPLACE MACRO price_variant(batch, service_tier, provider, region_scope) AS CASE
    WHEN batch THEN 'batch'
    WHEN service_tier IN ('flex', 'priority') THEN 'service_tier=' || service_tier
    WHEN provider = 'aws' AND region_scope = 'global' THEN 'region_scope=global'
END;

-- Whether a price_table row is in force for a call at `ts` with `input_tokens` of input: inside
-- the row's validity window [valid_from, valid_until) (NULL: open), its UTC time-of-day slice
-- [tod_from, tod_until) (NULL: all day; the session's TimeZone must be UTC) and its context band
-- (band_min_input, band_max_input] (band_max_input NULL: no upper bound; a request over a band's
-- threshold is priced entirely at that band's price). With the model, provider and variant
-- equal, the rows of price_table are non-overlapping, so at most one row is in force.
-- price_row_in_force(valid_from, valid_until, tod_from, tod_until, band_min_input,
--                    band_max_input, ts TIMESTAMPTZ, input_tokens BIGINT) -> BOOLEAN
CREATE OR REPLACE MACRO price_row_in_force(
    valid_from, valid_until, tod_from, tod_until, band_min_input, band_max_input, ts, input_tokens
) AS
    (valid_from IS NULL OR ts >= valid_from)
    AND (valid_until IS NULL OR ts < valid_until)
    AND (tod_from IS NULL OR CAST(timezone('UTC', ts) AS TIME) >= tod_from)
    AND (tod_until IS NULL OR CAST(timezone('UTC', ts) AS TIME) < tod_until)
    AND input_tokens > band_min_input
    AND (band_max_input IS NULL OR input_tokens <= band_max_input);
