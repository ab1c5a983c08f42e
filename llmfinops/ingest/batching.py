"""Small files of one format staged together.

Planning one staging query costs ~25 ms, which dominates when a source is thousands of files
of a few KB each (Claude Code writes one per session). Ingesters that can read lines of many
files in one query (their SQL takes each line's file from ``lines.source_file``) say so with
``batchable(src)`` and ``stage_lines(lines, ctx)``; small files of theirs are then read here and
staged once per ~64 MB (lines.CHUNK_BYTES) instead of once per file. A small file that grew
since the last run is read here too, from where that run stopped: a day's sessions append to
a hundred files, and one query per file took longer than a first ingest of the whole folder.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from llmfinops import sqlfiles
from llmfinops.ingest.context import FileProgress, ReadContext, with_file
from llmfinops.ingest.context import workers as staging_workers  # (a local is named workers)
from llmfinops.ingest.lines import CHUNK_BYTES, LineLimits, balanced_chunk_bytes, line_chunks
from llmfinops.ingest.sources import SourceFile

SMALL_FILE_BYTES = 8 * 1024 * 1024
# Small files DuckDB reads itself are staged this many bytes at a time (the lines stream through
# the query; its materialized CTEs hold a few small fields per line).
DIRECT_GROUP_BYTES = 64 * 1024 * 1024
# Whether DuckDB may read small files itself (tests turn it off to compare with the Python reader).
DIRECT_READ = True


@dataclass
class _Taken:
    """A file taken into the batch: read from ``start_offset`` (after ``start_line`` lines)."""

    src: SourceFile
    seq: int
    progress: FileProgress  # filled in when the batch is staged
    start_offset: int = 0
    start_line: int = 0


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
        # files DuckDB may read itself, per ingester
        self._direct: dict[Any, list[_Taken]] = {}

    def add(
        self, src: SourceFile, seq: int, ingester: Any, *, start_offset: int = 0, start_line: int = 0
    ) -> FileProgress:
        """Take a small file into the batch, from ``start_offset`` (a grown file: after the
        ``start_line`` lines read before); returns how far it was read (for a file DuckDB reads
        itself, the object is filled in by :meth:`flush`)."""
        taken = _Taken(src, seq, FileProgress(), start_offset, start_line)
        if DIRECT_READ and hasattr(ingester, "stage_text_lines"):
            self._direct.setdefault(ingester, []).append(taken)
            return taken.progress
        return self._add_lines(taken, ingester)

    def _add_lines(self, taken: _Taken, ingester: Any) -> FileProgress:
        """Read a small file (from its start offset) into the batch of lines read in Python."""
        src, seq = taken.src, taken.seq
        size = src.size - taken.start_offset
        if self._pending and (ingester is not self._ingester or self._bytes + size > CHUNK_BYTES):
            self._flush_lines()
        if not self._pending:
            self._ingester, self._first_seq = ingester, seq
        read = FileProgress(bytes_read=taken.start_offset, lines_read=taken.start_line)
        rejects: list[tuple[int, str]] = []
        chunks = line_chunks(
            src.path, start_offset=taken.start_offset, start_line=taken.start_line, limits=self._limits
        )
        try:
            for chunk in chunks:
                self._pending.append(with_file(chunk.lines, src.name, seq))
                rejects.extend(chunk.rejects)
                read = FileProgress(bytes_read=chunk.end_offset, lines_read=chunk.last_line)
        except FileNotFoundError:  # gone before it was opened: an open file is read to its end
            return FileProgress(vanished=True)
        if rejects:  # rare: staged for this file alone
            ReadContext(
                con=self._con, staging_dir=self._staging, file_seq=seq, source=ingester.name
            ).stage_rejects(src.name, rejects)
        self._bytes += size
        self._on_bytes(size)
        return read

    def flush(self) -> None:
        """Stage everything taken so far."""
        for ingester, files in self._direct.items():
            self._flush_direct(ingester, files)
        self._direct = {}
        self._flush_lines()

    def _flush_lines(self) -> None:
        if not self._pending:
            return
        ctx = ReadContext(
            con=self._con, staging_dir=self._staging, file_seq=self._first_seq, source=self._ingester.name
        )
        self._ingester.stage_lines(pa.concat_tables(self._pending), ctx)
        self._pending, self._bytes = [], 0

    def _flush_direct(self, ingester: Any, files: list[_Taken]) -> None:
        """DuckDB splits plain files into lines itself, many files per query (the Python reader
        cost more than the parsing); the others take the Python reader.

        A query over a few hundred files runs on one thread (they come to it as one vector of
        file contents), so the groups are cut in whole rounds of the workers and staged side by
        side, one cursor each.
        """
        workers = staging_workers(self._con)
        size = balanced_chunk_bytes(sum(t.src.size for t in files), workers, DIRECT_GROUP_BYTES)
        # a group closes once it holds `size` bytes: closing before a file that would overflow
        # left a short extra group, staged alone after the others
        groups: list[list[_Taken]] = [[]]
        group_bytes = 0
        for taken in files:
            if group_bytes >= size:
                groups.append([])
                group_bytes = 0
            groups[-1].append(taken)
            group_bytes += taken.src.size
        # one DuckDB thread per query while the groups run side by side: two threads each for
        # two queries on two cores cost ~7% more time in switching than they gained
        if len(groups) > 1:
            self._con.execute("SET threads = 1")
        try:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                read = list(pool.map(lambda group: self._stage_direct(ingester, group), groups))
        finally:
            self._con.execute("SET threads = $n", {"n": workers})
        for group, lines_in in zip(groups, read, strict=True):
            for taken in group:
                src, progress = taken.src, taken.progress
                if src.name in lines_in:
                    progress.bytes_read, progress.lines_read = lines_in[src.name]
                    self._on_bytes(src.size - taken.start_offset)
                elif src.size == 0:
                    progress.bytes_read, progress.lines_read = 0, 0
                else:  # not plain, or gone since it was found: the Python reader
                    got = self._add_lines(taken, ingester)
                    progress.bytes_read, progress.lines_read = got.bytes_read, got.lines_read
                    progress.vanished = got.vanished

    def _stage_direct(self, ingester: Any, group: list[_Taken]) -> dict[str, tuple[int, int]]:
        """Stage the plain files of ``group`` on a cursor of its own; returns, per file, how far
        a later run resumes: the bytes and lines up to the end of its last line with a line end
        (as the Python reader counts them, see ``LineChunk``).

        A file gone since it was found (log rotation) is left out, and left to the Python
        reader, which says so. DuckDB passes over a listed file that is missing, so one that
        goes while the group is read may have been read in part: the group is staged again
        without it (each round leaves out at least one more file, so this ends)."""
        while True:
            lines_in = self._stage_group(ingester, group)
            if all(Path(name).exists() for name in lines_in):
                return lines_in
            for t in group:
                for part in self._staging.glob(f"f{t.seq:06d}-d*.parquet"):
                    part.unlink()

    def _stage_group(self, ingester: Any, group: list[_Taken]) -> dict[str, tuple[int, int]]:
        files = {t.src.name: t for t in group if t.src.path.exists()}
        if not files:
            return {}
        con = self._con.cursor()  # its own variables and `lines`
        try:
            con.execute("SET TimeZone = 'UTC'")  # a session setting: each cursor needs it
            self._set_files(con, list(files.values()))
            con.execute("SET VARIABLE text_max_line_bytes = $n", {"n": self._limits.max_line_bytes})
            con.execute("SET VARIABLE text_max_depth = $n", {"n": self._limits.max_depth})
            con.execute(sqlfiles.load("lines_from_text_files"))
            found = con.execute(
                "SELECT source_file, bool_or(measure), any_value(file_bytes), max(line_no), "
                "coalesce(max(strlen(raw)) FILTER (WHERE unterminated), 0) FROM lines GROUP BY source_file"
            ).fetchall()
            lines_in = {
                name: (int(size) - int(tail), int(last) - (1 if tail else 0))
                for name, measure, size, last, tail in found
                if not measure
            }
            if len(lines_in) < len(found):
                self._set_files(con, [files[name] for name in lines_in])
            if lines_in:
                ctx = ReadContext(
                    con=con,
                    staging_dir=self._staging,
                    file_seq=next(iter(files.values())).seq,
                    source=ingester.name,
                    kind="d",  # a batch read by Python may start with the same file_seq
                )
                ingester.stage_text_lines(ctx)
            return lines_in
        finally:
            con.close()

    @staticmethod
    def _set_files(con: duckdb.DuckDBPyConnection, files: list[_Taken]) -> None:
        """The files the `lines` view reads, with their file_seq and where to start reading
        (see lines_from_text_files.sql)."""
        con.execute("SET VARIABLE text_paths = $v", {"v": [t.src.name for t in files]})
        con.execute("SET VARIABLE text_seqs = $v", {"v": [t.seq for t in files]})
        con.execute("SET VARIABLE text_offsets = $v", {"v": [t.start_offset for t in files]})
        con.execute("SET VARIABLE text_first_lines = $v", {"v": [t.start_line for t in files]})
