"""FinOps FOCUS 1.2 export: the priced calls as cost rows any FOCUS tool can load.

The mapping is SQL (``queries/focus_export.sql``: grain, columns and money rules are in its
header; ``docs/reconcile-and-focus.md`` has the column-by-column table). This module runs it
with the config's batch discounts, counts what had to be left out (``queries/focus_excluded.sql``)
and writes CSV or Parquet. Rows derived from application logs are an estimate: BilledCost is the
priced cost, not an invoice line; ``llmfinops reconcile`` compares it with the real bill.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from llmfinops import sqlfiles
from llmfinops.config import Config
from llmfinops.errors import InputError
from llmfinops.metrics.period import Period
from llmfinops.pricing.catalog import batch_discount_table

FORMATS = (".csv", ".parquet")
FOCUS_VERSION = "1.2"


@dataclass(frozen=True)
class FocusExport:
    period: Period
    table: pa.Table
    excluded: pa.Table  # reason, calls, input_tokens, output_tokens (queries/focus_excluded.sql)

    def _left_out(self, reason: str) -> int:
        return sum(r["calls"] for r in self.excluded.to_pylist() if r["reason"] == reason)

    @property
    def unpriced_calls(self) -> int:
        return self._left_out("unpriced")

    @property
    def cache_hit_calls(self) -> int:
        return self._left_out("response cache hit")

    @property
    def billed_usd(self) -> float:
        return float(sum(self.table.column("BilledCost").to_pylist()))


def focus_rows(con: duckdb.DuckDBPyConnection, period: Period, config: Config) -> FocusExport:
    """The FOCUS rows of ``period`` (``con`` needs the ``calls`` and ``prices`` views)."""
    params = {"since": period.since, "until": period.until}
    con.register("batch_discounts", batch_discount_table(config))
    try:
        table = sqlfiles.run(con, "focus_export", params)
    finally:
        con.unregister("batch_discounts")
    return FocusExport(period, table, sqlfiles.run(con, "focus_excluded", params))


def write_focus(table: pa.Table, out: Path) -> None:
    """Write the rows as CSV (header, empty = null) or Parquet, chosen by the file's suffix."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"--out must end in .csv or .parquet, not {out.name!r}")
    if not out.parent.is_dir():
        raise InputError(f"cannot write {out}: folder {out.parent} does not exist")
    # Write beside the target and rename, so a reader never sees half a file.
    partial = out.with_name(out.name + ".partial")
    try:
        if suffix == ".csv":
            pa_csv.write_csv(table, partial)
        else:
            pq.write_table(table, partial)
        partial.replace(out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"cannot write {out}: {exc.strerror}") from None
