"""Small files of one format staged together.

Planning one staging query costs ~25 ms, which dominates when a source is thousands of files
of a few KB each (Claude Code writes one per session). Ingesters that can read lines of many
files in one query (their SQL takes each line's file from ``lines.source_file``) say so with
``batchable(src)`` and ``stage_lines(lines, ctx)``; small files of theirs are then read here and
staged once per ~32 MB instead of once per file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from llmfinops.ingest.context import FileProgress, ReadContext, with_file
from llmfinops.ingest.sources import CHUNK_BYTES, LineLimits, SourceFile, line_chunks

SMALL_FILE_BYTES = 8 * 1024 * 1024


def batchable(ingester: Any, src: SourceFile) -> bool:
    check = getattr(ingester, "batchable", None)
    return src.size <= SMALL_FILE_BYTES and check is not None and bool(check(src))


class SmallFiles:
    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        staging: Path,
        on_bytes: Callable[[int], None],
        limits: LineLimits | None = None,
    ) -> None:
        self._con = con
        self._limits = limits or LineLimits()
        self._staging = staging
        self._on_bytes = on_bytes
        self._pending: list[pa.Table] = []
        self._bytes = 0
        self._ingester: Any = None
        self._first_seq = 0

    def add(self, src: SourceFile, seq: int, ingester: Any) -> FileProgress:
        """Read a whole small file into the batch; returns how far it was read."""
        if self._pending and (ingester is not self._ingester or self._bytes + src.size > CHUNK_BYTES):
            self.flush()
        if not self._pending:
            self._ingester, self._first_seq = ingester, seq
        read = FileProgress()
        rejects: list[tuple[int, str]] = []
        for chunk in line_chunks(src.path, limits=self._limits):
            self._pending.append(with_file(chunk.lines, src.name, seq))
            rejects.extend(chunk.rejects)
            read = FileProgress(bytes_read=chunk.end_offset, lines_read=chunk.last_line)
        if rejects:  # rare: staged for this file alone
            ReadContext(
                con=self._con, staging_dir=self._staging, file_seq=seq, source=ingester.name
            ).stage_rejects(src.name, rejects)
        self._bytes += src.size
        self._on_bytes(src.size)
        return read

    def flush(self) -> None:
        if not self._pending:
            return
        ctx = ReadContext(
            con=self._con, staging_dir=self._staging, file_seq=self._first_seq, source=self._ingester.name
        )
        self._ingester.stage_lines(pa.concat_tables(self._pending), ctx)
        self._pending, self._bytes = [], 0
