"""What each run read of each file (the store's ``_files.parquet``): the next run skips a file
that has not changed and reads a grown one on from where this one stopped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from llmfinops.ingest.context import FileProgress
from llmfinops.ingest.sources import SourceFile
from llmfinops.store.layout import FILES_FILE

FILES_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("source", pa.string()),
        ("size", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("bytes_read", pa.int64()),
        ("lines_read", pa.int64()),
        ("head_hash", pa.string()),
    ]
)


def read_manifest(generation: Path | None) -> dict[str, dict[str, Any]]:
    """The rows of a generation's manifest by path (none before the first run)."""
    if generation is None or not (generation / FILES_FILE).exists():
        return {}
    return {row["path"]: row for row in pq.read_table(generation / FILES_FILE).to_pylist()}


def unchanged(prior: dict[str, Any] | None, src: SourceFile) -> bool:
    """Whether the file is as the last run saw it (same size and modification time)."""
    return prior is not None and prior["size"] == src.size and prior["mtime_ns"] == src.mtime_ns


def resume_point(prior: dict[str, Any] | None, src: SourceFile, ingester: Any) -> tuple[int, int] | None:
    """(byte offset, lines before it) to read a grown file on from, or None to read it whole.

    Only a plain file that the same resumable ingester read before, that is larger now and
    whose first bytes are the same (it was appended to, not rewritten)."""
    if prior is None:
        return None
    grown = (
        ingester.resumable
        and prior["source"] == ingester.name
        and src.size > prior["size"]
        and src.seekable
        and prior["head_hash"] == src.head_hash(prior["size"])
    )
    return (prior["bytes_read"], prior["lines_read"]) if grown else None


def manifest_row(src: SourceFile, source: str, read: FileProgress) -> dict[str, Any]:
    """What the next run needs to skip an unchanged file or resume a grown one."""
    return {
        "path": src.name,
        "source": source,
        "size": src.size,
        "mtime_ns": src.mtime_ns,
        "bytes_read": read.bytes_read,
        "lines_read": read.lines_read,
        "head_hash": src.head_hash(src.size),
    }


def manifest_table(rows: dict[str, dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(list(rows.values()), schema=FILES_SCHEMA)
