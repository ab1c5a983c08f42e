"""OpenTelemetry GenAI spans as OTLP/JSON (collector file exporter lines, or a saved export document).

Only model-call spans become calls; see ``queries/ingest_otel.sql`` for which attributes (current
and deprecated names) fill which columns, and which are never read because they may hold text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmfinops import sqlfiles
from llmfinops.ingest.jsoninput import first_record, head_matches, stage_records
from llmfinops.ingest.sources import SourceFile

if TYPE_CHECKING:
    from llmfinops.ingest.context import ReadContext


class OtelIngester:
    name = "otel"
    description = "OpenTelemetry GenAI spans as OTLP/JSON (gen_ai.* attributes, current and deprecated)."
    resumable = True

    def sniff(self, src: SourceFile, head: bytes) -> bool:
        rec = first_record(head)
        if rec is not None:
            return isinstance(rec.get("resourceSpans"), list)
        return head_matches(head, r'\A\s*\{\s*"resourceSpans"\s*:\s*\[')

    def read(self, src: SourceFile, ctx: ReadContext) -> None:
        sql = sqlfiles.load("ingest_otel")
        params = {"source_file": src.name}
        stage_records(src, ctx, sql, params)


INGESTER = OtelIngester()
