-- focus13_export: the FOCUS 1.2 rows of queries/focus_export.sql as FinOps FOCUS 1.3 cost rows.
--
-- Parameters: none. Input: the relation focus12_rows (the output of focus_export for the
-- period; llmfinops/focus.py registers it). Same grain, same order, one row per input row.
--
-- What 1.3 adds or changes (docs/reconcile-and-focus.md has the provider table):
--   * ServiceProviderName (who sold the service), HostProviderName (whose platform served it) and
--     InvoiceIssuerName (who invoices it), by source, from the provider key (BillingAccountId):
--       direct API (openai, anthropic, google, mistral, ...)  the vendor in all three;
--       aws (Bedrock)                                         'AWS' in all three;
--       google (Gemini API or Vertex AI)                      'Google' in all three;
--       azure (Azure OpenAI)                                  'Microsoft' in all three;
--       a gateway (openrouter, or any provider whose rows name an upstream host in
--       tags['upstream_provider'])                            the gateway as service provider and
--                                                             invoice issuer, the upstream as host
--                                                             (the gateway when the record does not
--                                                             name one);
--       no provider (self-hosted)                             'Self-hosted'.
--     ProviderName (deprecated in 1.3, still mandatory) = ServiceProviderName. PublisherName stays
--     who made the model (Anthropic for Claude on Bedrock, Vertex or OpenRouter).
--   * ServiceName 'Vertex AI' for a non-Google model sold by Google (Claude on Vertex).
--   * Money and quantities are DECIMAL(38,12), so CSV holds decimals (12 places, never a float
--     artefact or an integer-looking quantity) and Parquet holds decimal128(38, 12).
--     PricingQuantity = ConsumedQuantity x 0.000001 (tokens) or x 0.001 (requests) exactly; ListCost = ListUnitPrice x
--     PricingQuantity and ContractedCost = ContractedUnitPrice x PricingQuantity, computed in
--     decimals and rounded to 12 places (half away from zero); BilledCost = EffectiveCost = the
--     1.2 BilledCost rounded to 12 places.
--   * Allocated* columns (split cost allocation): NULL here; queries/focus_allocate.sql fills them
--     on the rows it splits. ContractApplied and ResourceId: NULL (no contracts, no resources); both
--     are present because validator 2.2.1 reads them even when they do not apply.
--
-- Output: the FOCUS columns in alphabetical order, then the custom ones of focus_export.
--   AllocatedMethodDetails, AllocatedMethodId, AllocatedResourceId, AllocatedResourceName,
--   AllocatedTags                    VARCHAR  NULL (see queries/focus_allocate.sql)
--   BilledCost, EffectiveCost        DECIMAL(38,12)  as focus_export
--   BillingAccountId, BillingAccountName, BillingCurrency, BillingPeriodEnd, BillingPeriodStart,
--   ChargeCategory, ChargeClass, ChargeDescription, ChargeFrequency, ChargePeriodEnd,
--   ChargePeriodStart, ConsumedUnit, InvoiceId, PricingCategory, PricingUnit, ServiceCategory,
--   ServiceSubcategory, SkuId, SkuMeter, SkuPriceDetails, SkuPriceId, Tags
--                                    VARCHAR  as focus_export
--   ConsumedQuantity                 DECIMAL(38,12)  tokens
--   ContractApplied                  VARCHAR  NULL
--   ContractedCost                   DECIMAL(38,12)  ContractedUnitPrice x PricingQuantity
--   ContractedUnitPrice              DECIMAL(38,12)  USD per 1M tokens after the negotiated discount
--   HostProviderName                 VARCHAR  whose platform served the calls (see above)
--   InvoiceIssuerName                VARCHAR  who invoices the calls (see above)
--   ListCost                         DECIMAL(38,12)  ListUnitPrice x PricingQuantity
--   ListUnitPrice                    DECIMAL(38,12)  published USD per 1M tokens
--   PricingQuantity                  DECIMAL(38,12)  tokens / 1,000,000 or requests / 1,000
--   ProviderName                     VARCHAR  = ServiceProviderName
--   PublisherName                    VARCHAR  who made the model
--   ResourceId                       VARCHAR  NULL
--   ServiceName                      VARCHAR  as focus_export; 'Vertex AI' for others' models on Google
--   ServiceProviderName              VARCHAR  who sold the service (see above)
--   x_Team, x_Feature, x_UserTier, x_Model, x_TokenClass, x_Batch, x_CostSource,
--   x_UpstreamProvider, x_ServiceTier, x_Calls  as focus_export
WITH keyed AS (
    SELECT
        *,
        -- The upstream host as FOCUS names it: a gateway logs its own spelling ('Amazon Bedrock',
        -- 'Google Vertex', 'anthropic', ...); unknown hosts keep the logged name.
        CASE
            WHEN x_UpstreamProvider IS NULL OR trim(x_UpstreamProvider) = '' THEN NULL
            WHEN regexp_matches(lower(x_UpstreamProvider), '^(aws|amazon|bedrock)') THEN 'AWS'
            WHEN regexp_matches(lower(x_UpstreamProvider), '^(google|vertex|gemini)') THEN 'Google'
            WHEN regexp_matches(lower(x_UpstreamProvider), '^(azure|microsoft)') THEN 'Microsoft'
            WHEN lower(x_UpstreamProvider) = 'openai' THEN 'OpenAI'
            WHEN lower(x_UpstreamProvider) = 'anthropic' THEN 'Anthropic'
            WHEN regexp_matches(lower(x_UpstreamProvider), '^mistral') THEN 'Mistral AI'
            WHEN lower(x_UpstreamProvider) IN ('x-ai', 'xai') THEN 'xAI'
            ELSE trim(x_UpstreamProvider)
        END AS upstream_host,
        CASE BillingAccountId WHEN 'aws' THEN 'AWS' ELSE ProviderName END AS seller,
        CAST(CAST(ConsumedQuantity AS DECIMAL(38, 0)) AS DECIMAL(38, 12)) AS consumed,
        CAST(ListUnitPrice AS DECIMAL(38, 12)) AS list_unit,
        CAST(ContractedUnitPrice AS DECIMAL(38, 12)) AS contracted_unit
    FROM focus12_rows
),
quantified AS (
    SELECT
        *,
        -- per 1,000,000 tokens or per 1,000 requests (focus_export's PricingUnit)
        CAST(consumed * CASE PricingUnit WHEN '1000 Requests' THEN CAST(0.001 AS DECIMAL(38, 12))
            ELSE CAST(0.000001 AS DECIMAL(38, 12)) END AS DECIMAL(38, 12)) AS pricing_quantity
    FROM keyed
)
SELECT
    CAST(NULL AS VARCHAR) AS AllocatedMethodDetails,
    CAST(NULL AS VARCHAR) AS AllocatedMethodId,
    CAST(NULL AS VARCHAR) AS AllocatedResourceId,
    CAST(NULL AS VARCHAR) AS AllocatedResourceName,
    CAST(NULL AS VARCHAR) AS AllocatedTags,
    CAST(BilledCost AS DECIMAL(38, 12)) AS BilledCost,
    BillingAccountId,
    BillingAccountName,
    BillingCurrency,
    BillingPeriodEnd,
    BillingPeriodStart,
    ChargeCategory,
    ChargeClass,
    ChargeDescription,
    ChargeFrequency,
    ChargePeriodEnd,
    ChargePeriodStart,
    consumed AS ConsumedQuantity,
    ConsumedUnit,
    CAST(NULL AS VARCHAR) AS ContractApplied,
    CAST(contracted_unit * pricing_quantity AS DECIMAL(38, 12)) AS ContractedCost,
    contracted_unit AS ContractedUnitPrice,
    CAST(EffectiveCost AS DECIMAL(38, 12)) AS EffectiveCost,
    coalesce(upstream_host, seller) AS HostProviderName,
    InvoiceId,
    seller AS InvoiceIssuerName,
    CAST(list_unit * pricing_quantity AS DECIMAL(38, 12)) AS ListCost,
    list_unit AS ListUnitPrice,
    PricingCategory,
    pricing_quantity AS PricingQuantity,
    PricingUnit,
    seller AS ProviderName,
    CASE PublisherName WHEN 'Amazon Web Services' THEN 'AWS' ELSE PublisherName END AS PublisherName,
    CAST(NULL AS VARCHAR) AS ResourceId,
    ServiceCategory,
    CASE
        WHEN BillingAccountId = 'google' AND PublisherName <> 'Google' THEN 'Vertex AI'
        ELSE ServiceName
    END AS ServiceName,
    seller AS ServiceProviderName,
    ServiceSubcategory,
    SkuId,
    SkuMeter,
    SkuPriceDetails,
    SkuPriceId,
    Tags,
    x_Team,
    x_Feature,
    x_UserTier,
    x_Model,
    x_TokenClass,
    x_Batch,
    x_CostSource,
    x_UpstreamProvider,
    x_ServiceTier,
    x_Calls
FROM quantified
