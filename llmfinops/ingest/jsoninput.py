"""JSON inputs in any of the shapes providers and loggers write them, as ``lines(line_no, raw)``.

A provider export or a logged response may be JSON Lines, ONE pretty-printed document spanning
many lines (``resp.model_dump_json(indent=2)``, an API page saved with ``curl``), several such
documents one after another (concatenated pages, Bedrock records) or a top-level array. JSON
Lines are read in bounded chunks (and can resume where the last run stopped); the other shapes
are read by DuckDB's JSON reader, one value per row. Either way the ingester's SQL sees the same
relation, so it does not care which shape the file had.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import duckdb

from llmfinops import sqlfiles
from llmfinops.ingest.sources import SourceFile

if TYPE_CHECKING:
    from llmfinops.ingest.context import ReadContext

_BOM = "\ufeff"
_BOM_BYTES = _BOM.encode()


def is_json_lines(head: bytes) -> bool:
    """Whether a file is one JSON value per line (judged from its first lines)."""
    # Only the first lines are decoded: decoding the whole 64 KB head cost most of the sniffing
    # of a folder of thousands of files.
    text = head.removeprefix(_BOM_BYTES).lstrip(b" \t\r\n")
    if text.startswith(b"["):
        return False
    lines = _first_lines(text, 2)
    if len(lines) <= 1:
        return True  # one line (or one longer than the head): read it as a line
    # A pretty-printed document's first lines ("{", '  "id": …,') are not JSON on their own.
    return any(_is_object(line.decode("utf-8", errors="replace")) for line in lines)


def _first_lines(text: bytes, k: int) -> list[bytes]:
    """The first ``k`` non-blank lines."""
    lines: list[bytes] = []
    start = 0
    while len(lines) < k and start <= len(text):
        end = text.find(b"\n", start)
        end = len(text) if end < 0 else end
        if text[start:end].strip():
            lines.append(text[start:end])
        start = end + 1
    return lines


def first_record(head: bytes) -> dict[str, Any] | None:
    """The file's first JSON object when the head holds it entirely, else None (for sniffing)."""
    text = head.decode("utf-8", errors="replace").lstrip(_BOM + " \t\r\n")
    if is_json_lines(head):
        for line in text.split("\n"):
            if line.strip():
                return _as_object(line)
        return None
    with contextlib.suppress(ValueError, RecursionError):
        value, _ = json.JSONDecoder().raw_decode(text)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return value[0]
        return value if isinstance(value, dict) else None
    if text.startswith("["):  # an array longer than the head: its first element may still be whole
        with contextlib.suppress(ValueError, RecursionError):
            value, _ = json.JSONDecoder().raw_decode(text[1:].lstrip())
            return value if isinstance(value, dict) else None
    return None


def head_matches(head: bytes, *patterns: str) -> bool:
    """Whether every regex occurs in the head (for documents too large to parse from 64 KB).

    The patterns are ASCII and searched in the bytes (decoding the head first cost more than
    the search)."""
    return all(re.search(p.encode(), head) for p in patterns)


def stage_records(src: SourceFile, ctx: ReadContext, sql: str, params: dict[str, Any]) -> None:
    """Stage ``sql`` (which reads ``lines(line_no, raw)``) over every JSON value of the file.

    JSON Lines go in bounded chunks, several at a time (``ReadContext.stage_chunks``); the other
    shapes are read whole.
    """
    if is_json_lines(src.head()):
        ctx.stage_chunks(sql, (chunk.lines for chunk in ctx.lines(src)), params)
        return
    _with_documents(src, ctx, lambda: ctx.stage(sql, params))


def for_each_lines(src: SourceFile, ctx: ReadContext, stage: Callable[[], object]) -> None:
    """Define ``lines(line_no, raw)`` over the file's JSON values and call ``stage`` on it, on the
    reading connection: once per chunk for JSON Lines, once for the other shapes."""
    if is_json_lines(src.head()):
        for chunk in ctx.lines(src):
            ctx.con.register("lines", chunk.lines)
            try:
                stage()
            finally:
                ctx.con.unregister("lines")
        return
    _with_documents(src, ctx, stage)


def _with_documents(src: SourceFile, ctx: ReadContext, stage: Callable[[], object]) -> None:
    """``lines`` as the file's JSON documents (or array elements); a file that does not parse is
    quarantined as a whole, since its records cannot be told apart."""
    params = {"path": src.name, "compression": "gzip" if src.compressed else "none"}
    try:
        try:
            ctx.con.execute(sqlfiles.load("lines_from_json_documents"), params)
        except duckdb.InvalidInputException:
            ctx.con.execute(
                "CREATE OR REPLACE TEMP TABLE lines AS "
                "SELECT 1::BIGINT AS line_no, 'malformed JSON document' AS why"
            )
            ctx.stage(sqlfiles.load("ingest_rejects"), {"source_file": src.name})
        else:
            stage()
    finally:
        ctx.con.execute("DROP TABLE IF EXISTS lines")
    ctx.finish_without_lines(src)


def _as_object(line: str) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):  # Python's parser recurses once per nesting level
        return None
    return value if isinstance(value, dict) else None


def _is_object(line: str) -> bool:
    return _as_object(line) is not None
