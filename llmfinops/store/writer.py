"""Build and publish the next generation of the store from a DuckDB relation of new calls.

The caller prepares, on its own connection, a relation ``new_calls`` (the canonical columns of
``llmfinops/schema.py`` plus ``day``). The writer carries every untouched day over by hard link,
rewrites each touched day as one snappy Parquet file holding its old and new rows (so a day
never fragments into one file per run), writes the side files, and publishes atomically.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from llmfinops import schema
from llmfinops.store.layout import (
    FILES_FILE,
    PRICES_FILE,
    QUARANTINE_FILE,
    Warehouse,
    link_or_copy,
)

CALL_COLUMN_LIST = ", ".join(c.name for c in schema.CALL_COLUMNS)
# Day files: rows buffered per open day before a row group is written (see _write_days).
BUFFERED_ROWS = 1_000_000
MIN_ROW_GROUP = 5_000
MAX_ROW_GROUP = 122_880
READ_BATCH_ROWS = 100_000
WRITE_THREADS = 2
MAX_OPEN_FILES = 200


@dataclass(frozen=True)
class SideTables:
    """Small tables that travel with a generation (all optional: None keeps the current one)."""

    prices: pa.Table | None = None
    files: pa.Table | None = None
    quarantine_relation: str | None = None  # a relation on the connection with new quarantine rows
    # Aggregated tables (schema.SIDE_TABLES) with new rows: table name -> relation holding them
    # (the declared columns plus file_seq and line_no). Tables not named are carried over.
    aggregates: dict[str, str] = field(default_factory=dict)


def write_generation(
    wh: Warehouse,
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    new_calls: str = "new_calls",
    merge_existing: bool = True,
    side: SideTables | None = None,
) -> Path:
    """Publish a generation = current store + ``new_calls``; returns the new generation directory.

    With ``merge_existing=False`` the relation replaces the days it covers (used by reprice,
    whose relation already holds every stored row).
    """
    side = side or SideTables()
    current = wh.current_generation()
    old_days = wh.day_files(current)
    touched = {str(row[0]) for row in con.execute(f"SELECT DISTINCT day FROM {new_calls}").fetchall()}
    building = wh.begin_generation()
    for day, files in old_days.items():
        if day not in touched:
            for f in files:
                link_or_copy(f, building / f"day={day}" / f.name)
    if touched:
        old_touched = [str(f) for day in sorted(touched) for f in old_days.get(day, [])]
        source = f"SELECT {CALL_COLUMN_LIST}, day FROM {new_calls}"
        params: dict[str, object] = {}
        if merge_existing and old_touched:
            source += (
                f" UNION ALL SELECT {CALL_COLUMN_LIST}, day FROM read_parquet($old, "
                "hive_partitioning = true, hive_types = {'day': DATE})"
            )
            params["old"] = old_touched
        _write_days(con, source, params, building, run_id, days=len(touched))
    _write_side(wh, con, current, building, side)
    return wh.publish(building)


def _write_days(
    con: duckdb.DuckDBPyConnection,
    source: str,
    params: dict[str, object],
    building: Path,
    run_id: str,
    *,
    days: int,
) -> None:
    """Stream ``source`` (calls plus ``day``) into one snappy Parquet file per day.

    DuckDB's ``COPY … PARTITION_BY`` took 29 s for 10M rows over 60 days within the ingest's
    1 GB memory limit (a single unpartitioned file: 6 s), so the partitioning is done here:
    DuckDB streams Arrow batches, each is cut by day, and a day's rows are written as a row
    group once ``rows_per_group`` have gathered. Memory stays bounded however many days a run
    spans: at most ``BUFFERED_ROWS`` rows wait in all (beyond that the fullest day is written
    early), and at most ``MAX_OPEN_FILES`` files are open (beyond that the least recently
    written one is closed, and its day continues in a second file).
    """
    rows_per_group = max(MIN_ROW_GROUP, min(MAX_ROW_GROUP, BUFFERED_ROWS // max(days, 1)))
    reader = con.sql(f"SELECT * FROM ({source})", params=params).to_arrow_reader(READ_BATCH_ROWS)
    file_schema = reader.schema.remove(reader.schema.get_field_index("day"))
    files = _DayFiles(building, run_id, file_schema, rows_per_group)
    pending: dict[object, list[pa.RecordBatch]] = {}
    pending_rows: dict[object, int] = {}
    # Row groups are encoded on worker threads (Arrow releases the GIL) while this thread
    # pulls and cuts the next batches; a few flushes in flight bound the memory.
    in_flight: deque[Future[None]] = deque()
    with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:

        def flush(day: object) -> None:
            pending_rows.pop(day)
            in_flight.append(pool.submit(files.write, day, pending.pop(day)))
            while len(in_flight) > 2 * WRITE_THREADS:
                in_flight.popleft().result()

        try:
            for batch in reader:
                for day, rows in _split_by_day(batch):
                    pending.setdefault(day, []).append(rows)
                    pending_rows[day] = pending_rows.get(day, 0) + rows.num_rows
                    if pending_rows[day] >= rows_per_group:
                        flush(day)
                while sum(pending_rows.values()) > BUFFERED_ROWS:
                    flush(max(pending_rows, key=pending_rows.__getitem__))
            for day in list(pending):
                flush(day)
            while in_flight:
                in_flight.popleft().result()
        finally:
            for future in in_flight:
                future.cancel()
            pool.shutdown(wait=True)
            files.close()


class _DayFiles:
    """Parquet writers per day: row groups of one day are appended one at a time, and at most
    ``MAX_OPEN_FILES`` files are open at once."""

    def __init__(self, building: Path, run_id: str, file_schema: pa.Schema, rows_per_group: int) -> None:
        self._building = building
        self._run_id = run_id
        self._schema = file_schema
        self._rows_per_group = rows_per_group
        self._open: OrderedDict[object, pq.ParquetWriter] = OrderedDict()  # least recent first
        self._files_per_day: dict[object, int] = {}
        self._day_locks: dict[object, threading.Lock] = {}
        self._lock = threading.Lock()  # guards the dicts above

    def write(self, day: object, batches: list[pa.RecordBatch]) -> None:
        table = pa.Table.from_batches(batches, schema=self._schema)
        with self._lock:
            day_lock = self._day_locks.setdefault(day, threading.Lock())
        with day_lock:
            with self._lock:
                writer = self._open.get(day)
                if writer is not None:
                    self._open.move_to_end(day)
            if writer is None:
                self._close_least_recent()
                writer = self._new_file(day)
            writer.write_table(table, row_group_size=max(self._rows_per_group, table.num_rows))

    def _new_file(self, day: object) -> pq.ParquetWriter:
        with self._lock:
            n = self._files_per_day.get(day, 0)
            self._files_per_day[day] = n + 1
        folder = self._building / f"day={day}"
        folder.mkdir(parents=True, exist_ok=True)
        writer = pq.ParquetWriter(
            folder / f"part-{self._run_id}-{n}.parquet", self._schema, compression="snappy"
        )
        with self._lock:
            self._open[day] = writer
        return writer

    def _close_least_recent(self) -> None:
        """Close the least recently written file nobody is writing to, if too many are open."""
        with self._lock:
            if len(self._open) < MAX_OPEN_FILES:
                return
            candidates = list(self._open.items())
        for day, idle in candidates:
            day_lock = self._day_locks[day]
            if not day_lock.acquire(blocking=False):
                continue  # being written right now
            try:
                with self._lock:
                    if day not in self._open or self._open[day] is not idle:
                        continue
                    del self._open[day]
                idle.close()
                return
            finally:
                day_lock.release()

    def close(self) -> None:
        for writer in self._open.values():
            writer.close()
        self._open.clear()


def _split_by_day(batch: pa.RecordBatch) -> list[tuple[object, pa.RecordBatch]]:
    """The batch's rows per day, without the day column.

    Each day's rows are taken into their own compact batch: a slice would keep the whole batch
    alive while it waits in the writer's buffer, and with many days in a batch that held
    several times the intended memory.
    """
    if batch.num_rows == 0:
        return []
    days = batch.column("day")
    body = batch.drop_columns(["day"])
    bounds = pc.min_max(days)
    if bounds["min"] == bounds["max"]:  # the usual case: logs arrive in time order
        return [(bounds["min"].as_py(), body)]
    order = pc.sort_indices(days)
    out: list[tuple[object, pa.RecordBatch]] = []
    start = 0
    for entry in pc.value_counts(days.take(order)).to_pylist():
        out.append((entry["values"], body.take(order.slice(start, entry["counts"]))))
        start += entry["counts"]
    return out


def _write_side(
    wh: Warehouse,
    con: duckdb.DuckDBPyConnection,
    current: Path | None,
    building: Path,
    side: SideTables,
) -> None:
    for name, table in ((PRICES_FILE, side.prices), (FILES_FILE, side.files)):
        if table is not None:
            pq.write_table(table, building / name)
        elif current is not None and (current / name).exists():
            link_or_copy(current / name, building / name)
    for table in schema.SIDE_TABLES.values():
        _write_aggregate(con, current, building, table, side.aggregates.get(table.name))
    old_q = current / QUARANTINE_FILE if current is not None else None
    if old_q is not None and not old_q.exists():
        old_q = None
    if side.quarantine_relation is None:
        if old_q is not None:
            link_or_copy(old_q, building / QUARANTINE_FILE)
        return
    parts = [f"SELECT source_file, line, source, reason, run_at FROM {side.quarantine_relation}"]
    if old_q is not None:
        parts.append(f"SELECT source_file, line, source, reason, run_at FROM read_parquet('{_q(old_q)}')")
    # The same bad line read twice (a forced re-read) is listed once, with its first sighting.
    con.execute(
        f"COPY (SELECT source_file, line, source, reason, min(run_at) AS run_at "
        f"FROM ({' UNION ALL '.join(parts)}) GROUP BY ALL ORDER BY source_file, line) "
        f"TO '{_q(building / QUARANTINE_FILE)}' (FORMAT parquet)"
    ).fetchall()


def _write_aggregate(
    con: duckdb.DuckDBPyConnection,
    current: Path | None,
    building: Path,
    table: schema.SideTable,
    relation: str | None,
) -> None:
    """Carry an aggregated table over, or merge new rows into it keeping one row per key.

    A new row replaces a stored one with the same key (a re-fetched bucket is the fresher
    truth); among new rows the one read last wins (later file, then later in the file).
    """
    old = current / table.file_name if current is not None else None
    has_old = old is not None and old.exists()
    if relation is None:
        if has_old and old is not None:
            link_or_copy(old, building / table.file_name)
        return
    cols = ", ".join(table.column_names)
    parts = [f"SELECT {cols}, 0 AS _age, file_seq AS _file, line_no AS _line FROM {relation}"]
    if has_old and old is not None:
        parts.append(f"SELECT {cols}, 1, 0, 0 FROM read_parquet('{_q(old)}')")
    key = ", ".join(table.key)
    con.execute(
        f"COPY (SELECT {cols} FROM ({' UNION ALL '.join(parts)}) "
        f"QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY _age, _file DESC, _line DESC) = 1 "
        f"ORDER BY {key}) TO '{_q(building / table.file_name)}' (FORMAT parquet, COMPRESSION zstd)"
    ).fetchall()


def commit_calls(wh: Warehouse, table: pa.Table, *, run_id: str = "manual") -> Path:
    """Store already-canonical, already-priced rows (library use and tests); duplicates of stored
    call_ids are skipped, like any ingest."""
    conformed = schema.conform(table)
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("incoming", conformed)
        with wh.writer_lock():
            existing = [str(f) for files in wh.day_files().values() for f in files]
            if existing:
                con.execute(
                    "CREATE TEMP TABLE existing_ids AS SELECT DISTINCT call_id FROM read_parquet($f)",
                    {"f": existing},
                )
            else:
                con.execute("CREATE TEMP TABLE existing_ids (call_id VARCHAR)")
            con.execute(
                "CREATE TEMP VIEW new_calls AS SELECT *, CAST(ts AS DATE) AS day FROM incoming "
                "WHERE call_id NOT IN (SELECT call_id FROM existing_ids) "
                "QUALIFY row_number() OVER (PARTITION BY call_id ORDER BY ts) = 1"
            )
            return write_generation(wh, con, run_id=run_id)
    finally:
        con.close()


def _q(path: Path | str) -> str:
    # Paths of our own warehouse in COPY targets (COPY TO takes no bound parameter).
    return str(path).replace("'", "''")
