"""Reading day files written by earlier releases, whose Parquet lacks columns added since.

A store is never rewritten by an upgrade: day files without a newer column read it as NULL
(``read_parquet(..., union_by_name = true)`` plus a typed NULL for a column no file has yet), and
``ingest --full`` re-reads the logs to fill them. Every reader of day files goes through here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from llmfinops import schema

# Columns added after the first release, with the release that added them (for the notice).
ADDED_COLUMNS = (
    "service_tier",
    "inference_geo",
    "speed",
    "region_scope",
    "extra_units",
    "catalog_cost_usd",
    "price_flags",
)
NOTICE_FILE = ".upgrade-noticed"


def present_columns(con: duckdb.DuckDBPyConnection, source: str) -> set[str]:
    """Columns of ``source``: a read_parquet(...) expression read with union_by_name."""
    return {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}


def select_list(present: set[str]) -> str:
    """The canonical call columns, in order, with a typed NULL for each the files lack."""
    return ", ".join(
        c.name if c.name in present else f"CAST(NULL AS {c.duckdb_type}) AS {c.name}"
        for c in schema.CALL_COLUMNS
    )


def missing(present: set[str]) -> list[str]:
    return [c.name for c in schema.CALL_COLUMNS if c.name not in present]


def old_format_files(files: Sequence[Path]) -> int:
    """How many day files lack a column added since the first release (footers only)."""
    return sum(1 for f in files if not set(ADDED_COLUMNS) <= set(pq.read_schema(f).names))


def upgrade_notice(root: Path, files: Sequence[Path]) -> str | None:
    """The one-time notice that old day files read the new columns as NULL, or None.

    Said once per warehouse (a marker file records it), not on every nightly run.
    """
    marker = root / NOTICE_FILE
    if marker.exists() or not files:
        return None
    old = old_format_files(files)
    if not old:
        return None
    marker.write_text("noticed\n")
    return (
        f"{old:,} day files were written by an earlier llmfinops: their calls read "
        f"{', '.join(ADDED_COLUMNS)} as NULL; "
        "`llmfinops ingest --full PATH...` re-reads the logs to fill them"
    )
