"""LiteLLM proxy spend logs (``LiteLLM_SpendLogs``) exported as CSV or JSON.

CSV rows become one JSON object each (``queries/lines_from_csv.sql``, as for native CSV), so both
shapes go through ``queries/ingest_litellm.sql``; LiteLLM's own ``spend`` is kept as a reported cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmfinops import sqlfiles
from llmfinops.ingest.jsoninput import first_record, stage_records
from llmfinops.ingest.native import stage_csv_rejects
from llmfinops.ingest.sources import SourceFile

if TYPE_CHECKING:
    from llmfinops.ingest.context import ReadContext

# Columns every SpendLogs export has (Prisma model LiteLLM_SpendLogs).
_SIGNATURE = {"request_id", "spend", "startTime", "prompt_tokens"}


def _is_csv(src: SourceFile) -> bool:
    return src.path.name.lower().removesuffix(".gz").endswith((".csv", ".tsv"))


class LiteLLMIngester:
    name = "litellm"
    description = "LiteLLM proxy SpendLogs exported as CSV or JSON (spend kept as the reported cost)."
    resumable = False  # CSV is read whole; a re-read is a no-op thanks to request_id

    def sniff(self, src: SourceFile, head: bytes) -> bool:
        if _is_csv(src):
            header = head.decode("utf-8", errors="replace").lstrip("\ufeff").split("\n", 1)[0]
            return _SIGNATURE.issubset(c.strip().strip('"') for c in header.split(","))
        rec = first_record(head)
        return rec is not None and _SIGNATURE.issubset(rec)

    def read(self, src: SourceFile, ctx: ReadContext) -> None:
        sql = sqlfiles.load("ingest_litellm")
        params = {"source_file": src.name}
        if not _is_csv(src):
            stage_records(src, ctx, sql, params)
            return
        ctx.con.execute(
            sqlfiles.load("lines_from_csv"),
            {
                "path": src.name,
                "source_file": src.name,
                "file_seq": ctx.file_seq,
                "encoding": "utf-16" if src.utf16 else "utf-8",
            },
        )
        try:
            ctx.stage(sql, params)
            stage_csv_rejects(ctx, params)
        finally:
            ctx.con.execute("DROP TABLE IF EXISTS lines")
        ctx.finish_without_lines(src)


INGESTER = LiteLLMIngester()
