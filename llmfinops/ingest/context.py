"""What an ingester gets to work with while it reads one file.

Ingesters never build rows in Python: they register Arrow chunks (or point DuckDB at the file)
and hand a SQL query to :meth:`ReadContext.stage`, which checks the query's columns against the
canonical schema and streams its result into a staging Parquet file. Memory stays bounded by
the chunk size whatever the input size.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from llmfinops import schema, sqlfiles
from llmfinops.ingest.lines import LineChunk, LineLimits, balanced_chunk_bytes, line_chunks
from llmfinops.ingest.sources import SourceFile
from llmfinops.schema import SchemaMismatch

# Columns a staged query returns: where the record was, why it is unusable (NULL if usable),
# then the canonical columns that ingesters fill (pricing sets the rest). A query may also
# return `dedup_priority` (lower wins among copies of one call_id in a run).
STAGE_PREFIX = ("line_no", "reason")
STAGE_COLUMNS = tuple(c.name for c in schema.CALL_COLUMNS if c.name not in schema.PRICED_BY_STORE)
_STAGE_TYPES = {c.name: c.duckdb_type for c in schema.CALL_COLUMNS}


@dataclass
class FileProgress:
    """How far a file was read: recorded so a grown file is read from here next time."""

    bytes_read: int = 0
    lines_read: int = 0
    rows: int = 0
    side_rows: dict[str, int] = field(default_factory=dict)  # rows staged per aggregated table
    vanished: bool = False  # gone before it could be opened (moved or deleted during the run)


@dataclass
class ReadContext:
    con: duckdb.DuckDBPyConnection
    staging_dir: Path
    file_seq: int
    source: str
    start_offset: int = 0
    start_line: int = 0
    on_bytes: Callable[[int], None] | None = None
    progress: FileProgress = field(default_factory=FileProgress)
    limits: LineLimits = field(default_factory=LineLimits)
    # names this context's staging files (f<seq>-<kind><n>.parquet): contexts that may share a
    # file_seq (a batch read by DuckDB, one by Python, a file's rejects) use different kinds
    kind: str = "p"
    _parts: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def lines(self, src: SourceFile) -> Iterator[LineChunk]:
        """The file's lines in bounded Arrow chunks, from where the last run stopped.

        Lines the reader rejects (over the size or depth limit, a broken gzip stream) come as
        empty lines and are staged to the quarantine here, with their line number and reason.
        """
        previous = self.start_offset
        rejects: list[tuple[int, str]] = []
        chunk_bytes = balanced_chunk_bytes(src.size - self.start_offset, self.workers())
        chunks = line_chunks(
            src.path,
            start_offset=self.start_offset,
            start_line=self.start_line,
            chunk_bytes=chunk_bytes,
            limits=self.limits,
        )
        for chunk in chunks:
            rejects.extend(chunk.rejects)
            yield replace(chunk, lines=with_file(chunk.lines, src.name, self.file_seq))
            self.progress.bytes_read = chunk.end_offset
            self.progress.lines_read = chunk.last_line
            if self.on_bytes:
                self.on_bytes(chunk.end_offset - previous)
            previous = chunk.end_offset
        self.stage_rejects(src.name, rejects)

    def stage_rejects(self, source_file: str, rejects: list[tuple[int, str]]) -> None:
        """Quarantine rows for lines the reader rejected before any ingester saw them."""
        if not rejects:
            return
        table = pa.table(
            {"line_no": [n for n, _ in rejects], "why": [why for _, why in rejects]},
            schema=pa.schema([("line_no", pa.int64()), ("why", pa.string())]),
        )
        cursor = self.con.cursor()  # its own `lines`: an ingester may have one on self.con
        try:
            cursor.register("lines", table)
            self.stage(sqlfiles.load("ingest_rejects"), {"source_file": source_file}, con=cursor, kind="r")
        finally:
            cursor.close()

    def finish_without_lines(self, src: SourceFile) -> None:
        """For whole-file formats (CSV, Parquet, JSON documents): the file was read entirely."""
        self.progress.bytes_read = src.size
        if self.on_bytes:
            self.on_bytes(src.size)

    def stage(
        self,
        sql: str,
        params: dict[str, Any] | None = None,
        *,
        con: duckdb.DuckDBPyConnection | None = None,
        kind: str | None = None,
    ) -> int:
        """Run an ingester's query and append its rows to the staging area; returns the row count.

        ``kind`` overrides the context's for the staging file's name: the reader's rejects use
        their own, so they never overwrite rows staged for the same file sequence number.
        """
        con = con or self.con
        params = {**(params or {}), "source": self.source}
        params = sqlfiles.bind(sql, params)
        rel_columns = _described(con, sql, params)
        self._check_columns(rel_columns)
        with self._lock:
            self._parts += 1
            part = self._parts
        target = self.staging_dir / f"f{self.file_seq:06d}-{kind or self.kind}{part:06d}.parquet"
        described = {r[0] for r in rel_columns}
        cols = ", ".join(
            [
                *STAGE_PREFIX,
                *(c if c in described else f"CAST(NULL AS {_STAGE_TYPES[c]}) AS {c}" for c in STAGE_COLUMNS),
            ]
        )
        priority = "dedup_priority" if any(r[0] == "dedup_priority" for r in rel_columns) else "NULL"
        # a query over lines of several files says each row's file_seq; others are this file's
        file_seq = "file_seq" if any(r[0] == "file_seq" for r in rel_columns) else str(self.file_seq)
        copy = (
            f"COPY (SELECT {cols}, CAST({priority} AS DOUBLE) AS dedup_priority, "
            f"CAST({file_seq} AS BIGINT) AS file_seq FROM ({sql})) "
            f"TO {_literal(str(target))} (FORMAT parquet, COMPRESSION snappy)"
        )
        con.execute(copy, params).fetchall()
        rows = con.execute(f"SELECT count(*) FROM read_parquet({_literal(str(target))})").fetchall()
        count = int(rows[0][0])
        with self._lock:
            self.progress.rows += count
        return count

    def workers(self) -> int:
        """How many chunks are staged at once: one per DuckDB thread."""
        return workers(self.con)

    def stage_chunks(
        self,
        sql: str,
        chunks: Iterable[pa.Table],
        params: dict[str, Any],
        chunk_params: Callable[[duckdb.DuckDBPyConnection], dict[str, Any]] | None = None,
    ) -> None:
        """Stage every chunk (seen by ``sql`` as ``lines``) with the same query, several at a time.

        DuckDB runs one query over one Arrow chunk on one thread, so chunks are staged in
        parallel instead, one cursor each; at most ``workers`` chunks are in memory at once.
        ``chunk_params`` computes per-chunk parameters with the chunk registered.
        """
        workers = self.workers()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: deque[Future[int]] = deque()
            for table in chunks:
                pending.append(pool.submit(self._stage_chunk, sql, table, params, chunk_params))
                if len(pending) >= workers:
                    pending.popleft().result()
            while pending:
                pending.popleft().result()

    def _stage_chunk(
        self,
        sql: str,
        table: pa.Table,
        params: dict[str, Any],
        chunk_params: Callable[[duckdb.DuckDBPyConnection], dict[str, Any]] | None,
    ) -> int:
        cursor = self.con.cursor()
        try:
            cursor.execute("SET TimeZone = 'UTC'")  # a session setting: each cursor needs it
            cursor.register("lines", table)
            extra = chunk_params(cursor) if chunk_params else {}
            return self.stage(sql, {**params, **extra}, con=cursor)
        finally:
            cursor.close()

    def stage_table(self, name: str, sql: str, params: dict[str, Any] | None = None) -> int:
        """Stage rows for an aggregated table of ``schema.SIDE_TABLES`` (not calls); returns the count.

        The query returns ``line_no`` (where in the file the row was) and exactly the table's
        declared columns; they are written, cast to the declared types, to
        ``staging/<name>-f…-p….parquet``, which the pipeline merges into the table's side file.
        """
        table = schema.SIDE_TABLES.get(name)
        if table is None:
            raise SchemaMismatch(f"ingester {self.source}: no aggregated table named {name!r}")
        params = sqlfiles.bind(sql, {**(params or {}), "source": self.source})
        got = {r[0]: r[1] for r in self.con.execute(f"DESCRIBE {sql}", params).fetchall()}
        want = {"line_no": "BIGINT", **{c.name: c.duckdb_type for c in table.columns}}
        if set(got) != set(want):
            raise SchemaMismatch(
                f"ingester {self.source}: {name} columns differ: missing {sorted(set(want) - set(got))}, "
                f"extra {sorted(set(got) - set(want))}"
            )
        for col, duck_type in want.items():
            if _norm(got[col]) != _norm(duck_type) and got[col] != '"NULL"':
                raise SchemaMismatch(f"ingester {self.source}: {name}.{col} is {got[col]}, not {duck_type}")
        self._parts += 1
        target = self.staging_dir / f"{name}-f{self.file_seq:06d}-p{self._parts:06d}.parquet"
        cols = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in want.items())
        self.con.execute(
            f"COPY (SELECT {cols}, {self.file_seq}::BIGINT AS file_seq FROM ({sql})) "
            f"TO {_literal(str(target))} (FORMAT parquet, COMPRESSION zstd)",
            params,
        ).fetchall()
        rows = self.con.execute(f"SELECT count(*) FROM read_parquet({_literal(str(target))})").fetchall()
        count = int(rows[0][0])
        self.progress.side_rows[name] = self.progress.side_rows.get(name, 0) + count
        return count

    def _check_columns(self, columns: list[tuple[str, str]]) -> None:
        got = dict(columns)
        missing = [
            c for c in (*STAGE_PREFIX, *STAGE_COLUMNS) if c not in got and c not in schema.STAGE_OPTIONAL
        ]
        if missing:
            raise SchemaMismatch(f"ingester {self.source} does not produce columns {missing}")
        for name in STAGE_COLUMNS:
            if name not in got:
                continue
            want = _STAGE_TYPES[name]
            if _norm(got[name]) != _norm(want) and got[name] != '"NULL"':
                raise SchemaMismatch(f"ingester {self.source}: column {name} is {got[name]}, not {want}")


_DESCRIBED: dict[tuple[str, tuple[tuple[str, str], ...]], list[tuple[str, str]]] = {}


def _described(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    """A staging query's (column, type) list, planned once per query and parameter types.

    A large file is staged in hundreds of chunks with the same query; describing it again for
    each cost ~20 ms of planning per chunk.
    """
    key = (sql, tuple(sorted((k, type(v).__name__) for k, v in params.items())))
    if key not in _DESCRIBED:
        _DESCRIBED[key] = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {sql}", params).fetchall()]
    return _DESCRIBED[key]


def workers(con: duckdb.DuckDBPyConnection) -> int:
    """How many staging queries run side by side: one per DuckDB thread."""
    return max(1, int(con.execute("SELECT current_setting('threads')").fetchall()[0][0]))


def with_file(lines: pa.Table, source_file: str, file_seq: int) -> pa.Table:
    """``lines`` with the file they came from on every line, so one query can read many files."""
    n = lines.num_rows
    return lines.append_column("source_file", pa.repeat(source_file, n)).append_column(
        "file_seq", pa.repeat(pa.scalar(file_seq, pa.int64()), n)
    )


def _norm(duck_type: str) -> str:
    return duck_type.replace("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ")


def _literal(text: str) -> str:
    # Staging paths are ours (no user text), but quote them properly all the same.
    return "'" + text.replace("'", "''") + "'"
