"""Anthropic Admin usage report (messages): token totals per time bucket.

Obtain: ``GET /v1/organizations/usage_report/messages`` with an admin key (``bucket_width`` 1m, 1h
or 1d, ``group_by`` e.g. workspace_id, api_key_id, model, service_tier); save each page as
returned. Rows go to ``usage_buckets``; see ``queries/ingest_anthropic_usage.sql``.
"""

from __future__ import annotations

from llmfinops.ingest.reports import ReportIngester

INGESTER = ReportIngester(
    "anthropic_usage",
    "Anthropic Admin usage report pages (/v1/organizations/usage_report/messages) -> usage_buckets.",
    "usage_buckets",
)
