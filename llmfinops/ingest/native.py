"""The native application log: one call per JSON line (or CSV row, or Parquet row), canonical names.

All three shapes become ``lines(line_no, raw JSON)`` and go through the one query
``queries/ingest_native.sql``, so a CSV row and a JSON line mean exactly the same thing.
Line numbers are the file's own: JSON Lines count physical lines, CSV counts the header as
line 1, Parquet counts rows from 1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from llmfinops import sqlfiles
from llmfinops.ingest.sources import SourceFile

if TYPE_CHECKING:
    from llmfinops.ingest.context import ReadContext

_SUFFIXES = {".jsonl", ".ndjson", ".json", ".log", ".csv", ".tsv", ".parquet", ".gz", ".txt"}
PARQUET_MAGIC = b"PAR1"


def _kind(src: SourceFile, head: bytes) -> str:
    name = src.path.name.lower().removesuffix(".gz")
    if head[:4] == PARQUET_MAGIC or name.endswith(".parquet"):
        return "parquet"
    if name.endswith((".csv", ".tsv")):
        return "csv"
    return "jsonl"


class NativeIngester:
    name = "native"
    description = (
        "Application call logs with llmfinops' canonical field names (JSONL, CSV or Parquet; gzip ok)."
    )
    resumable = True

    def sniff(self, src: SourceFile, head: bytes) -> bool:
        kind = _kind(src, head)
        if kind in ("parquet", "csv"):
            return True
        suffixes = {s.lower() for s in src.path.suffixes}
        if not suffixes & _SUFFIXES:
            return False
        first = head.lstrip()[:1]
        return first in (b"{", b"[", b"")  # a first line that is not JSON is quarantined, not skipped

    def batchable(self, src: SourceFile) -> bool:
        """JSON Lines files can share one staging query with other small files (see the pipeline)."""
        return _kind(src, src.head(4)) == "jsonl"

    def stage_lines(self, lines: pa.Table, ctx: ReadContext) -> None:
        """Stage lines of one or more JSON Lines files (``lines`` carries each line's file)."""
        ctx.stage_chunks(sqlfiles.load("ingest_native"), [lines], {}, _tag_fields)

    def read(self, src: SourceFile, ctx: ReadContext) -> None:
        kind = _kind(src, src.head(4))
        sql = sqlfiles.load("ingest_native")
        params = {"source_file": src.name}
        if kind == "jsonl":
            ctx.stage_chunks(sql, (chunk.lines for chunk in ctx.lines(src)), {}, _tag_fields)
            return
        # Whole-file formats: each row becomes one JSON object with the header's names.
        file_params: dict[str, object] = {"path": src.name, "source_file": src.name, "file_seq": ctx.file_seq}
        if kind == "csv":
            file_params["encoding"] = "utf-16" if src.utf16 else "utf-8"
        ctx.con.execute(
            sqlfiles.load("lines_from_csv" if kind == "csv" else "lines_from_parquet"), file_params
        )
        try:
            ctx.stage(sql, {**params, **_tag_fields(ctx.con)})
            if kind == "csv":
                stage_csv_rejects(ctx, params)
        finally:
            ctx.con.execute("DROP TABLE IF EXISTS lines")
        ctx.finish_without_lines(src)


def _tag_fields(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The extra fields present in the current ``lines``, as bound parameters for the ingest query."""
    found = con.execute(sqlfiles.load("native_tag_keys")).fetchall()
    return {"tag_keys": [k for k, _ in found], "tag_paths": [p for _, p in found]}


def stage_csv_rejects(ctx: ReadContext, params: dict[str, str]) -> None:
    """CSV lines DuckDB could not split into the header's columns go to quarantine too."""
    ctx.con.execute(
        "CREATE OR REPLACE TEMP TABLE lines AS SELECT line::BIGINT AS line_no, "
        "'malformed CSV row: ' || lower(CAST(error_type AS VARCHAR)) AS why FROM reject_errors"
    )
    rejected = ctx.con.execute("SELECT count(*) FROM lines").fetchall()
    if rejected[0][0]:
        ctx.stage(sqlfiles.load("ingest_rejects"), params)


INGESTER = NativeIngester()
