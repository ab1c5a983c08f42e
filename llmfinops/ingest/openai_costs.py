"""OpenAI Admin Costs API: billed dollars per day, project and line item.

Obtain: ``GET /v1/organization/costs`` with an admin key (``group_by`` project_id, line_item,
api_key_id); save each page as returned. Rows go to ``billed_costs``; see
``queries/ingest_openai_costs.sql``.
"""

from __future__ import annotations

from llmfinops.ingest.reports import ReportIngester

INGESTER = ReportIngester(
    "openai_costs",
    "OpenAI Admin Costs API pages (/v1/organization/costs) -> billed_costs.",
    "billed_costs",
)
