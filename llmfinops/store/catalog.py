"""DuckDB connections over the warehouse: the analyst file and the CLI's own in-memory ones.

Both get the same views (``calls``, ``prices``, ``quarantine``, ``ingested_files``, and the
aggregated provider reports ``usage_buckets`` and ``billed_costs``) and the
same metric macros, so an analyst's ``SELECT`` and the CLI give the same numbers.

The views read the Parquet through the ``calls`` symlink, so new data shows up without
touching ``llmfinops.duckdb``. That matters because DuckDB lets no other process open a file
that one process holds read-write, and vice versa: the nightly ingest only (re)writes the
analyst file when its definitions changed, and when an analyst holds it open it warns and
carries on — the Parquet store is the truth, the file is a window onto it.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from llmfinops import schema, sqlfiles
from llmfinops.pricing.table import PRICE_TABLE_SCHEMA
from llmfinops.store import compat
from llmfinops.store.layout import FILES_FILE, PRICES_FILE, QUARANTINE_FILE, Warehouse

CATALOG_VERSION = "3"  # 3: the day_files view


def quote_literal(text: str) -> str:
    """A SQL string literal. Only for file paths in view definitions: DuckDB views cannot hold
    bound parameters, and the path must be baked in for the analyst file to work anywhere."""
    return "'" + text.replace("'", "''") + "'"


def _calls_source(wh: Warehouse) -> str:
    glob = quote_literal(str(wh.calls_dir / "day=*" / "*.parquet"))
    # union_by_name: day files of an earlier release lack the newer columns (store/compat.py)
    return (
        f"read_parquet({glob}, hive_partitioning = true, hive_types = {{'day': DATE}}, union_by_name = true)"
    )


def _calls_view_sql(con: duckdb.DuckDBPyConnection, wh: Warehouse) -> str:
    if not wh.day_files():
        return f"CREATE OR REPLACE VIEW calls AS {schema.empty_calls_sql()}"
    source = _calls_source(wh)
    cols = compat.select_list(compat.present_columns(con, source))
    return f"CREATE OR REPLACE VIEW calls AS SELECT {cols}, day FROM {source}"


def _day_files_view_sql(wh: Warehouse) -> str:
    """`day_files(day, path)`: the day files, so a reader can ask their Parquet footers about a
    period (queries/whatif_parts.sql) without scanning them."""
    if not wh.day_files():
        return (
            "CREATE OR REPLACE VIEW day_files AS "
            "SELECT CAST(NULL AS DATE) AS day, CAST(NULL AS VARCHAR) AS path WHERE false"
        )
    glob = quote_literal(str(wh.calls_dir / "day=*" / "*.parquet"))
    return (
        "CREATE OR REPLACE VIEW day_files AS SELECT "
        # the file's own folder: a parent folder of the warehouse may look like a partition too
        "CAST(regexp_extract(file, 'day=([0-9]{4}-[0-9]{2}-[0-9]{2})/[^/]*$', 1) AS DATE) AS day, "
        "file AS path "
        f"FROM glob({glob})"
    )


def _side_view_sql(wh: Warehouse, view: str, filename: str, empty_columns: str) -> str:
    gen = wh.current_generation()
    if gen is None or not (gen / filename).exists():
        return f"CREATE OR REPLACE VIEW {view} AS SELECT {empty_columns} WHERE false"
    path = quote_literal(str(wh.calls_dir / filename))
    if filename == PRICES_FILE:
        # a price table written by an earlier release lacks the newer columns: NULL, as for calls
        names = set(pq.read_schema(gen / filename).names)
        cols = ", ".join(
            f.name if f.name in names else f"CAST(NULL AS {_DUCK_TYPES[str(f.type)]}) AS {f.name}"
            for f in PRICE_TABLE_SCHEMA
        )
        return f"CREATE OR REPLACE VIEW {view} AS SELECT {cols} FROM read_parquet({path})"
    return f"CREATE OR REPLACE VIEW {view} AS SELECT * FROM read_parquet({path})"


_DUCK_TYPES = {
    "string": "VARCHAR",
    "double": "DOUBLE",
    "int64": "BIGINT",
    "bool": "BOOLEAN",
    "time64[us]": "TIME",
    "timestamp[us, tz=UTC]": "TIMESTAMPTZ",
}


QUARANTINE_COLUMNS = (
    "CAST(NULL AS VARCHAR) AS source_file, CAST(NULL AS BIGINT) AS line, "
    "CAST(NULL AS VARCHAR) AS source, CAST(NULL AS VARCHAR) AS reason, CAST(NULL AS TIMESTAMPTZ) AS run_at"
)
FILES_COLUMNS = (
    "CAST(NULL AS VARCHAR) AS path, CAST(NULL AS VARCHAR) AS source, CAST(NULL AS BIGINT) AS size, "
    "CAST(NULL AS BIGINT) AS mtime_ns, CAST(NULL AS BIGINT) AS bytes_read, "
    "CAST(NULL AS BIGINT) AS lines_read, "
    "CAST(NULL AS VARCHAR) AS head_hash"
)
PRICES_COLUMNS = "CAST(NULL AS VARCHAR) AS model, CAST(NULL AS VARCHAR) AS provider"


def define_views(con: duckdb.DuckDBPyConnection, wh: Warehouse, *, macros: bool = True) -> None:
    """The warehouse's views on ``con``, and (``macros``) every metric and analysis as a macro."""
    con.execute("SET TimeZone = 'UTC'")
    con.execute(_calls_view_sql(con, wh))
    con.execute(_day_files_view_sql(wh))
    con.execute(_side_view_sql(wh, "prices", PRICES_FILE, PRICES_COLUMNS))
    con.execute(_side_view_sql(wh, "quarantine", QUARANTINE_FILE, QUARANTINE_COLUMNS))
    con.execute(_side_view_sql(wh, "ingested_files", FILES_FILE, FILES_COLUMNS))
    for table in schema.SIDE_TABLES.values():
        con.execute(_side_view_sql(wh, table.name, table.file_name, table.null_columns()))
    if macros:
        sqlfiles.install_macros(con)


def _side_files_present(wh: Warehouse) -> str:
    """Which side files the current generation has: a view is an empty stand-in until its file
    exists, so the analyst file must be rewritten when one appears."""
    gen = wh.current_generation()
    names = [PRICES_FILE, QUARANTINE_FILE, FILES_FILE, *(t.file_name for t in schema.SIDE_TABLES.values())]
    present = ",".join(n for n in names if gen is not None and (gen / n).exists())
    if wh.day_files():
        # the calls view spells a column no day file has yet as NULL: rewrite it once one does
        con = duckdb.connect(":memory:")
        try:
            lacking = compat.missing(compat.present_columns(con, _calls_source(wh)))
        finally:
            con.close()
        present += ";lacking=" + ",".join(lacking)
    return present


def connect(
    wh: Warehouse, *, memory_limit: str | None = None, macros: bool = True
) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the warehouse views, for the CLI's own reads; ``macros=False``
    leaves out the metric macros (~0.08 s to install) for a reader of the views alone."""
    con = duckdb.connect(":memory:")
    if memory_limit:
        con.execute("SET memory_limit = $m", {"m": memory_limit})
    define_views(con, wh, macros=macros)
    return con


@contextlib.contextmanager
def catalog_draft(wh: Warehouse) -> Iterator[Future[duckdb.DuckDBPyConnection | None] | None]:
    """For a warehouse without an analyst file yet: its metric macros (most of the file's cost)
    are written on a thread while the ingest writes the store, beside an empty stand-in for
    ``calls``; :func:`refresh_catalog` then adds the views over what was published. None when
    the file exists: it is refreshed in place, keeping what analysts added to it."""
    if wh.catalog_path.exists():
        yield None
        return
    with ThreadPoolExecutor(max_workers=1) as pool:
        draft = pool.submit(_draft, wh)
        try:
            yield draft
        finally:
            con = draft.result()
            if con is not None:
                con.close()  # refresh_catalog closed it already unless the ingest failed


def _draft(wh: Warehouse) -> duckdb.DuckDBPyConnection | None:
    try:
        con = duckdb.connect(str(wh.catalog_path))
    except duckdb.Error:
        return None  # refresh_catalog opens it again and says why
    try:
        con.execute(f"CREATE OR REPLACE VIEW calls AS {schema.empty_calls_sql()}")
        sqlfiles.install_macros(con)
    except duckdb.Error:
        con.close()
        return None
    return con


def refresh_catalog(
    wh: Warehouse, draft: Future[duckdb.DuckDBPyConnection | None] | None = None
) -> str | None:
    """(Re)write the analyst DuckDB file. Returns None on success, else why it was left alone.

    ``draft`` (from :func:`catalog_draft`) is a new file whose macros are in already."""
    con = draft.result() if draft is not None else None
    macros = con is None
    if con is None:
        try:
            con = duckdb.connect(str(wh.catalog_path))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                return f"{wh.catalog_path.name} is open in another process; its views refresh on the next run"
            return f"cannot open {wh.catalog_path}: {exc}"
    try:
        define_views(con, wh, macros=macros)
        con.execute(
            "CREATE OR REPLACE TABLE llmfinops_meta AS SELECT $v AS catalog_version, $p AS warehouse, "
            "$f AS side_files",
            {"v": _definitions_version(), "p": str(wh.root), "f": _side_files_present(wh)},
        )
    except duckdb.Error as exc:
        # The store is already committed; a view that cannot be written must not fail the run.
        return f"could not refresh the views in {wh.catalog_path.name}: {exc}"
    finally:
        con.close()
    return None


def _definitions_version() -> str:
    """CATALOG_VERSION plus a hash of the macro SQL, so an upgrade that changes a metric's
    definition rewrites the analyst file on the next ingest."""
    texts = [sqlfiles.load(n) for n in sqlfiles.macro_names()]
    digest = hashlib.sha256("\n".join([sqlfiles.load("calls_in_period"), *texts]).encode()).hexdigest()
    return f"{CATALOG_VERSION}:{digest[:12]}"


def catalog_is_current(wh: Warehouse, had_data_before: bool) -> bool:
    """Whether the analyst file already has the right definitions (so the ingest can skip it)."""
    if not wh.catalog_path.exists() or not had_data_before:
        return False
    try:
        con = duckdb.connect(str(wh.catalog_path), read_only=True)
    except duckdb.Error:
        return True  # held by an analyst: leave it; views read through the symlink anyway
    try:
        row = con.execute("SELECT catalog_version, warehouse, side_files FROM llmfinops_meta").fetchall()
    except duckdb.Error:
        row = []
    finally:
        con.close()
    return bool(row) and row[0] == (_definitions_version(), str(wh.root), _side_files_present(wh))


def catalog_path(wh: Warehouse) -> Path:
    return wh.catalog_path
