"""Anthropic Admin cost report: billed amounts per day, workspace and description.

Obtain: ``GET /v1/organizations/cost_report`` with an admin key (``group_by`` workspace_id,
description); save each page as returned. Amounts come in cents and are stored as dollars in
``billed_costs``; see ``queries/ingest_anthropic_costs.sql``.
"""

from __future__ import annotations

from llmfinops.ingest.reports import ReportIngester

INGESTER = ReportIngester(
    "anthropic_costs",
    "Anthropic Admin cost report pages (/v1/organizations/cost_report) -> billed_costs.",
    "billed_costs",
)
