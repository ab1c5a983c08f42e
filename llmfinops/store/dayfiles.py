"""Day files: a stream of calls written as one zstd-compressed Parquet file per UTC day.

DuckDB's ``COPY … PARTITION_BY`` took 29 s for 10M rows over 60 days within the ingest's 1 GB
memory limit (the same rows into a single file: 6 s), so the partitioning is done here on the
Arrow side, with memory and open files bounded whatever the number of days.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

# Arrow's zstd costs no more time than snappy here (10M rows: 7.9 s vs 7.8 s) for 25% smaller
# files (327 MB vs 434 MB). Level 1: the same size as Arrow's default level on the calls of
# bench_ingest.py (34.4 MB per million) for ~10% less encoding time.
COMPRESSION = "zstd"
COMPRESSION_LEVEL = 1
# Min/max statistics only where a reader can prune with them: a random id's or a nested value's
# range spans every row group, and writing them costs ~10% of the encoding time. call_id keeps
# them: time-ordered ids (UUIDv7, ULIDs) let the ingest's look-up of stored copies skip days.
NO_STATISTICS = frozenset(
    {"user_id", "task_id", "action_id", "session_id", "tags", "extra_units", "price_flags"}
)
# ... but the extra_units map's key column keeps them: its null count tells whatif, from the
# footers alone, that no call of a period has per-modality parts (queries/whatif_parts.sql).
LEAF_STATISTICS = ("extra_units.key_value.key",)
# Limits of write_days: rows waiting in all, row-group sizes, batch size, threads, open files.
BUFFERED_ROWS = 1_000_000
MIN_ROW_GROUP = 5_000
MAX_ROW_GROUP = 122_880
READ_BATCH_ROWS = 100_000
WRITE_THREADS = 2
MAX_OPEN_FILES = 200


def write_days(
    con: duckdb.DuckDBPyConnection,
    source: str,
    params: dict[str, object],
    building: Path,
    run_id: str,
    *,
    days: int,
    on_new_rows: Callable[[pa.RecordBatch], None] | None = None,
) -> None:
    """Stream ``source`` (a query over calls plus ``day`` and ``of_run``) into one Parquet file per day.

    ``on_new_rows`` is handed the rows whose ``of_run`` is true, batch by batch, before they are
    written.

    DuckDB streams Arrow batches, each is cut by day, and a day's rows are written as a row
    group once ``rows_per_group`` have gathered. Memory stays bounded however many days a run
    spans: at most ``BUFFERED_ROWS`` rows wait in all (beyond that the fullest day is written
    early), and at most ``MAX_OPEN_FILES`` files are open (beyond that the least recently
    written one is closed, and its day continues in a second file).
    """
    rows_per_group = max(MIN_ROW_GROUP, min(MAX_ROW_GROUP, BUFFERED_ROWS // max(days, 1)))
    reader = con.sql(f"SELECT * FROM ({source})", params=params).to_arrow_reader(READ_BATCH_ROWS)
    file_schema = pa.schema([f for f in reader.schema if f.name not in ("day", "of_run")])
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
                if on_new_rows is not None:
                    # filtering copies every column: only when stored rows are in the batch
                    of_run = batch.column("of_run")
                    on_new_rows(batch if pc.all(of_run).as_py() else batch.filter(of_run))
                batch = batch.drop_columns(["of_run"])
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
            folder / f"part-{self._run_id}-{n}.parquet",
            self._schema,
            compression=COMPRESSION,
            compression_level=COMPRESSION_LEVEL,
            write_statistics=[f.name for f in self._schema if f.name not in NO_STATISTICS]
            + list(LEAF_STATISTICS),
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
