"""Build and publish the next generation of the store from a DuckDB relation of new calls.

The caller prepares, on its own connection, a relation ``new_calls`` (the canonical columns of
``llmfinops/schema.py`` plus ``day``). The writer carries every untouched day over by hard link,
rewrites each touched day as one Parquet file holding its old and new rows (so a day
never fragments into one file per run), writes the side files, and publishes atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from llmfinops import schema
from llmfinops.store import compat
from llmfinops.store.dayfiles import write_days
from llmfinops.store.layout import (
    FILES_FILE,
    PRICES_FILE,
    QUARANTINE_FILE,
    Warehouse,
    link_or_copy,
)

CALL_COLUMN_LIST = ", ".join(c.name for c in schema.CALL_COLUMNS)


@dataclass(frozen=True)
class SideTables:
    """Small tables that travel with a generation (all optional: None keeps the current one)."""

    prices: pa.Table | None = None
    files: pa.Table | None = None
    quarantine_relation: str | None = None  # a relation on the connection with new quarantine rows
    # Aggregated tables (schema.SIDE_TABLES) with new rows: table name -> relation holding them
    # (the declared columns plus file_seq and line_no). Tables not named are carried over.
    aggregates: dict[str, str] = field(default_factory=dict)
    # Files read on from a line of theirs (grown since the last run): file -> that line. Their
    # stored quarantine rows after it go: those lines were read again (a last line caught
    # without its line end is read whole once the writer has finished it).
    read_on_from: dict[str, int] = field(default_factory=dict)


def write_generation(
    wh: Warehouse,
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    new_calls: str = "new_calls",
    merge_existing: bool = True,
    side: SideTables | None = None,
    replace_ids: bool = False,
    days: Iterable[str] | None = None,
    on_new_rows: Callable[[pa.RecordBatch], None] | None = None,
) -> Path:
    """Publish a generation = current store + ``new_calls``; returns the new generation directory.

    With ``merge_existing=False`` the relation replaces the days it covers (used by reprice,
    whose relation already holds every stored row); with ``replace_ids`` a stored call whose
    call_id is in ``new_calls`` is dropped for the new row (``ingest --full``). ``days``: the
    days ``new_calls`` covers, when the caller knows them without evaluating it (a priced view
    is costly to run twice). ``on_new_rows`` sees every batch of ``new_calls`` rows as written.
    """
    side = side or SideTables()
    current = wh.current_generation()
    old_days = wh.day_files(current)
    if days is None:
        days = [str(row[0]) for row in con.execute(f"SELECT DISTINCT day FROM {new_calls}").fetchall()]
    touched = {str(d) for d in days}
    building = wh.begin_generation()
    for day, files in old_days.items():
        if day not in touched:
            for f in files:
                link_or_copy(f, building / f"day={day}" / f.name)
    if touched:
        old_touched = [str(f) for day in sorted(touched) for f in old_days.get(day, [])]
        # of_run tells the run's rows from the stored ones merged with them (for on_new_rows)
        source = f"SELECT {CALL_COLUMN_LIST}, day, true AS of_run FROM {new_calls}"
        params: dict[str, object] = {}
        if merge_existing and old_touched:
            # union_by_name: a day file of an earlier release lacks the newer columns (store/compat.py)
            old_source = (
                "read_parquet($old, hive_partitioning = true, hive_types = {'day': DATE}, "
                "union_by_name = true)"
            )
            present = {
                r[0]
                for r in con.execute(f"DESCRIBE SELECT * FROM {old_source}", {"old": old_touched}).fetchall()
            }
            source += f" UNION ALL SELECT {compat.select_list(present)}, day, false FROM {old_source}"
            if replace_ids:  # a stored call in new_calls is replaced by it (ingest --full)
                source += f" WHERE call_id NOT IN (SELECT call_id FROM {new_calls})"
            params["old"] = old_touched
        write_days(con, source, params, building, run_id, days=len(touched), on_new_rows=on_new_rows)
    _write_side(wh, con, current, building, side)
    return wh.publish(building)


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
    if side.quarantine_relation is None and not (side.read_on_from and old_q is not None):
        if old_q is not None:
            link_or_copy(old_q, building / QUARANTINE_FILE)
        return
    parts = []
    if side.quarantine_relation is not None:
        parts.append(f"SELECT source_file, line, source, reason, run_at FROM {side.quarantine_relation}")
    if old_q is not None:
        kept = f"SELECT source_file, line, source, reason, run_at FROM read_parquet('{_q(old_q)}') AS q"
        if side.read_on_from:
            con.register(
                "read_on_from",
                pa.table(
                    {"source_file": list(side.read_on_from), "from_line": list(side.read_on_from.values())},
                    schema=pa.schema([("source_file", pa.string()), ("from_line", pa.int64())]),
                ),
            )
            kept += (
                " WHERE NOT EXISTS (SELECT 1 FROM read_on_from AS r "
                "WHERE r.source_file = q.source_file AND q.line > r.from_line)"
            )
        parts.append(kept)
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
