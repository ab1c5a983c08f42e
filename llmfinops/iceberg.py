"""The store as an Iceberg table: the current generation's day files registered in place.

``publish_iceberg`` makes an Iceberg table (pyiceberg; a SQL catalog such as SQLite or
Postgres, or a REST catalog) list exactly the day files of the current generation, without
rewriting them: new files are added with ``add_files`` semantics (footers read for the
statistics), files no longer in the store are dropped from the table, unchanged ones stay.
The table is partitioned by ``day(ts)``: the hive ``day`` column is not inside the files (an
Iceberg reader would see it as NULL), so the table has no ``day`` column and every day bound
comes from ``ts``, which Iceberg prunes on through the partition transform.

Files are registered through the warehouse's ``calls`` link (``WAREHOUSE/calls/day=…/part-….parquet``),
which stays valid for every day an ingest does not rewrite; ``[publish] iceberg = …`` in the
config re-syncs after every ingest so rewritten days are swapped in the same commit.
Needs the ``[iceberg]`` extra: ``pip install 'llmfinops[iceberg]'``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from llmfinops import schema
from llmfinops.errors import LlmFinopsError
from llmfinops.store.layout import Warehouse

DEFAULT_TABLE = "llmfinops.calls"
PARTITION_NAME = "ts_day"
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")


class IcebergError(LlmFinopsError):
    """The Iceberg catalog cannot be reached or the table cannot be synced."""


@dataclass(frozen=True)
class PublishSummary:
    table: str
    files_added: int
    files_removed: int
    files_total: int
    snapshot_id: int | None  # None when nothing changed and no snapshot was made


def _require() -> None:
    try:
        import pyiceberg  # noqa: F401
    except ImportError:
        raise IcebergError(
            "publish --iceberg needs the Iceberg extra: pip install 'llmfinops[iceberg]'"
        ) from None


def open_catalog(uri: str, wh: Warehouse) -> Any:
    """A pyiceberg catalog: ``http(s)://…`` is a REST catalog, anything else a SQL catalog URI
    (``sqlite:///path/catalog.db``, ``postgresql+psycopg2://…``). A SQL catalog keeps the
    table's metadata files under ``WAREHOUSE/iceberg``; the data files stay where they are."""
    _require()
    from pyiceberg.catalog import load_catalog

    try:
        if uri.startswith(("http://", "https://")):
            return load_catalog("llmfinops", type="rest", uri=uri)
        metadata = wh.root / "iceberg"
        metadata.mkdir(parents=True, exist_ok=True)
        return load_catalog("llmfinops", type="sql", uri=uri, warehouse=metadata.as_uri())
    except Exception as exc:  # pyiceberg/sqlalchemy raise many types; one message for a person
        raise IcebergError(f"cannot open the Iceberg catalog {uri}: {exc}") from None


def current_files(wh: Warehouse, data_uri: str | None = None) -> dict[str, int]:
    """Path -> size of every day file of the current generation.

    The path goes through the ``calls`` link, or under ``data_uri`` when the readers see a copy
    of ``calls/`` elsewhere (``s3://bucket/llmfinops/calls`` after ``aws s3 sync``): the table
    then lists ``data_uri/day=…/part-….parquet``, which must exist there when publishing.
    """
    gen = wh.require()
    base = data_uri.rstrip("/") if data_uri else str(wh.calls_dir)
    return {
        f"{base}/day={day}/{f.name}": f.stat().st_size
        for day, files in wh.day_files(gen).items()
        for f in files
    }


def publish_iceberg(
    wh: Warehouse,
    catalog_uri: str,
    table_name: str = DEFAULT_TABLE,
    *,
    full: bool = False,
    data_uri: str | None = None,
) -> PublishSummary:
    """Create or re-sync the Iceberg table ``table_name`` so it lists the store's day files.

    ``full`` re-registers every file (after ``reprice``, which may rewrite a day under the same
    file name); otherwise a file is known by its path and size (ingest names files by run).
    """
    with wh.writer_lock():  # no ingest may swap generations while the files are listed
        return publish_locked(wh, catalog_uri, table_name, full=full, data_uri=data_uri)


def publish_locked(
    wh: Warehouse, catalog_uri: str, table_name: str, *, full: bool = False, data_uri: str | None = None
) -> PublishSummary:
    """:func:`publish_iceberg` for a caller that already holds the warehouse's writer lock."""
    if not _TABLE_NAME.match(table_name):
        raise IcebergError(f"table name must be namespace.table (letters, digits, _), not {table_name!r}")
    wanted = current_files(wh, data_uri)
    catalog = open_catalog(catalog_uri, wh)
    try:
        return _sync(_table(catalog, table_name), table_name, wanted, full)
    except LlmFinopsError:
        raise
    except Exception as exc:  # pyiceberg raises many types; one message for a person
        raise IcebergError(f"cannot sync Iceberg table {table_name}: {exc}") from None


def _table(catalog: Any, name: str) -> Any:
    from pyiceberg.exceptions import NoSuchTableError
    from pyiceberg.transforms import DayTransform

    namespace = name.rsplit(".", 1)[0]
    try:
        return catalog.load_table(name)
    except NoSuchTableError:
        pass
    catalog.create_namespace_if_not_exists(namespace)
    table = catalog.create_table(name, schema=schema.CALL_SCHEMA)
    with table.update_spec() as spec:
        spec.add_field("ts", DayTransform(), PARTITION_NAME)
    return catalog.load_table(name)


def _sync(table: Any, name: str, wanted: dict[str, int], full: bool) -> PublishSummary:
    from pyiceberg.io.pyarrow import parquet_file_to_data_file

    registered = {}
    if table.current_snapshot() is not None:
        for task in table.scan().plan_files():
            registered[task.file.file_path] = task.file
    # A path whose size changed was rewritten in place: drop the old entry, add the new one.
    stale = {p: f for p, f in registered.items() if full or wanted.get(p) != f.file_size_in_bytes}
    new = sorted(p for p in wanted if p not in registered or p in stale)
    if not stale and not new:
        return PublishSummary(name, 0, 0, len(wanted), None)
    if not stale:
        table.add_files(new)  # also records the name mapping files without field ids need
    else:
        with table.transaction() as tx:
            if tx.table_metadata.name_mapping() is None:
                mapping = tx.table_metadata.schema().name_mapping.model_dump_json()
                tx.set_properties(**{"schema.name-mapping.default": mapping})
            with tx.update_snapshot().overwrite() as overwrite:
                for old in stale.values():
                    overwrite.delete_data_file(old)
                for path in new:
                    overwrite.append_data_file(parquet_file_to_data_file(table.io, tx.table_metadata, path))
    table = table.refresh()
    snapshot = table.current_snapshot()
    return PublishSummary(name, len(new), len(stale), len(wanted), snapshot.snapshot_id if snapshot else None)


def read_arrow(
    catalog_uri: str, wh: Warehouse, table_name: str = DEFAULT_TABLE, row_filter: Any = None
) -> Any:
    """The Iceberg table read back as Arrow (for checks and for DuckDB through Arrow)."""
    catalog = open_catalog(catalog_uri, wh)
    table = catalog.load_table(table_name)
    scan = table.scan(row_filter=row_filter) if row_filter is not None else table.scan()
    return scan.to_arrow()


def sync_after_ingest(
    wh: Warehouse, catalog_uri: str, table_name: str, *, full: bool = False, data_uri: str | None = None
) -> str | None:
    """Re-sync for ``[publish] iceberg`` (writer lock held); a warning instead of failing the ingest
    or reprice, whose new generation is already committed."""
    try:
        publish_locked(wh, catalog_uri, table_name, full=full, data_uri=data_uri)
    except LlmFinopsError as exc:
        return f"the store was ingested but the Iceberg table was not synced: {exc}"
    return None
