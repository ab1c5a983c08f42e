"""OpenAI Admin Usage API, completions endpoint: token totals per time bucket.

Obtain: ``GET /v1/organization/usage/completions`` with an admin key (``bucket_width`` 1m, 1h or 1d,
``group_by`` any of project_id, user_id, api_key_id, model, batch, service_tier); save each page
as returned. Rows go to ``usage_buckets``; see ``queries/ingest_openai_usage.sql``.
"""

from __future__ import annotations

from llmfinops.ingest.reports import ReportIngester

INGESTER = ReportIngester(
    "openai_usage",
    "OpenAI Admin Usage API pages (/v1/organization/usage/completions) -> usage_buckets.",
    "usage_buckets",
)
