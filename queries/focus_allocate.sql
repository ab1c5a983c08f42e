-- focus_allocate: FOCUS 1.3 split cost allocation of the rows without a team.
--
-- Parameters: none. Inputs (llmfinops/focus.py registers both):
--   focus13_rows       the output of queries/focus13_export.sql for the period
--   allocation_ratios  one row per receiving team: team VARCHAR, ratio DECIMAL(38,12) (the
--                      chargeback rule's weight of the team, to 12 places; the ratios sum to
--                      exactly 1), usage_unit VARCHAR and usage_quantity DECIMAL(38,12) (what the
--                      rule measured: 'USD' and the team's attributed cost for proportional,
--                      'Teams' and 1 for even and owner), method_id VARCHAR (the AllocatedMethodId)
--
-- Each origin row (x_Team NULL: calls without a team) is REPLACED by one allocated row per team
-- of allocation_ratios; rows with a team pass through unchanged. On the allocated rows:
--   * BilledCost, EffectiveCost, ListCost, ContractedCost, PricingQuantity, ConsumedQuantity:
--     origin x ratio rounded to 12 places, except the last team by name, which takes the origin
--     minus the other teams' parts: the allocated rows of an origin sum exactly to it.
--   * Every other column is copied unchanged from the origin: dimensions, unit prices, SkuPriceId,
--     InvoiceId, Tags, x_Team (still NULL: the calls had no team), x_Calls (the origin's calls).
--   * AllocatedMethodId = method_id; AllocatedMethodDetails =
--     {"Elements": [{"AllocatedRatio": ratio, "UsageUnit": usage_unit, "UsageQuantity": usage_quantity}]};
--     AllocatedResourceId = AllocatedResourceName = the receiving team;
--     AllocatedTags = {"llmfinops/team": team} (a key Tags never has).
-- With allocation_ratios empty, every row passes through unchanged.
--
-- Output: the columns of focus13_export, in its order; rows in the order of focus13_rows, an
-- origin's allocated rows in the place of the origin, by team name.
--   AllocatedMethodDetails  VARCHAR         JSON, see above (NULL on rows not allocated)
--   AllocatedMethodId       VARCHAR         e.g. 'llmfinops:chargeback:proportional'
--   AllocatedResourceId     VARCHAR         receiving team
--   AllocatedResourceName   VARCHAR         receiving team
--   AllocatedTags           VARCHAR         {"llmfinops/team": <team>}
--   BilledCost, EffectiveCost, ListCost, ContractedCost, PricingQuantity, ConsumedQuantity
--                           DECIMAL(38,12)  the team's part (see above)
WITH numbered AS (
    SELECT *, row_number() OVER () AS origin_no
    FROM focus13_rows
),
teams AS (
    SELECT *, row_number() OVER (ORDER BY team DESC) = 1 AS is_last
    FROM allocation_ratios
),
parts AS (
    SELECT
        o.*,
        t.team AS to_team,
        t.ratio,
        t.usage_unit,
        t.usage_quantity,
        t.method_id,
        t.is_last,
        CAST(o.BilledCost * t.ratio AS DECIMAL(38, 12)) AS billed_part,
        CAST(o.EffectiveCost * t.ratio AS DECIMAL(38, 12)) AS effective_part,
        CAST(o.ListCost * t.ratio AS DECIMAL(38, 12)) AS list_part,
        CAST(o.ContractedCost * t.ratio AS DECIMAL(38, 12)) AS contracted_part,
        CAST(o.PricingQuantity * t.ratio AS DECIMAL(38, 12)) AS pricing_part,
        CAST(o.ConsumedQuantity * t.ratio AS DECIMAL(38, 12)) AS consumed_part
    FROM numbered AS o
    JOIN teams AS t ON o.x_Team IS NULL
),
-- The last team's part is the origin minus the others' parts: the remainder of the rounding.
settled AS (
    SELECT
        * EXCLUDE (billed_part, effective_part, list_part, contracted_part, pricing_part, consumed_part),
        CASE WHEN is_last
            THEN BilledCost - (sum(billed_part) OVER o - billed_part) ELSE billed_part END AS billed_part,
        CASE WHEN is_last
            THEN EffectiveCost - (sum(effective_part) OVER o - effective_part) ELSE effective_part END
            AS effective_part,
        CASE WHEN is_last
            THEN ListCost - (sum(list_part) OVER o - list_part) ELSE list_part END AS list_part,
        CASE WHEN is_last
            THEN ContractedCost - (sum(contracted_part) OVER o - contracted_part) ELSE contracted_part END
            AS contracted_part,
        CASE WHEN is_last
            THEN PricingQuantity - (sum(pricing_part) OVER o - pricing_part) ELSE pricing_part END
            AS pricing_part,
        CASE WHEN is_last
            THEN ConsumedQuantity - (sum(consumed_part) OVER o - consumed_part) ELSE consumed_part END
            AS consumed_part
    FROM parts
    WINDOW o AS (PARTITION BY origin_no)
),
allocated AS (
    SELECT
        * REPLACE (
            CAST(json_object('Elements', [json_object(
                'AllocatedRatio', ratio, 'UsageUnit', usage_unit, 'UsageQuantity', usage_quantity
            )]) AS VARCHAR) AS AllocatedMethodDetails,
            method_id AS AllocatedMethodId,
            to_team AS AllocatedResourceId,
            to_team AS AllocatedResourceName,
            CAST(json_object('llmfinops/team', to_team) AS VARCHAR) AS AllocatedTags,
            CAST(billed_part AS DECIMAL(38, 12)) AS BilledCost,
            CAST(effective_part AS DECIMAL(38, 12)) AS EffectiveCost,
            CAST(list_part AS DECIMAL(38, 12)) AS ListCost,
            CAST(contracted_part AS DECIMAL(38, 12)) AS ContractedCost,
            CAST(pricing_part AS DECIMAL(38, 12)) AS PricingQuantity,
            CAST(consumed_part AS DECIMAL(38, 12)) AS ConsumedQuantity
        )
    FROM settled
),
combined AS (
    SELECT * EXCLUDE (to_team, ratio, usage_unit, usage_quantity, method_id, is_last,
        billed_part, effective_part, list_part, contracted_part, pricing_part, consumed_part),
        to_team AS sort_team
    FROM allocated
    UNION ALL BY NAME
    SELECT *, CAST(NULL AS VARCHAR) AS sort_team
    FROM numbered
    WHERE x_Team IS NOT NULL OR NOT EXISTS (SELECT 1 FROM allocation_ratios)
)
SELECT * EXCLUDE (origin_no, sort_team)
FROM combined
ORDER BY origin_no, sort_team NULLS FIRST
