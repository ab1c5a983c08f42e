"""FinOps FOCUS export (1.3 by default, or 1.2): the priced calls as cost rows any FOCUS tool can load.

The mapping is SQL: ``queries/focus_export.sql`` makes the 1.2 rows (grain, columns and money
rules are in its header), ``queries/focus13_export.sql`` turns them into 1.3 rows (provider
columns, decimals) and ``queries/focus_allocate.sql`` splits the cost without a team among the
teams (``--allocate``, by the chargeback rule: :mod:`llmfinops.focus_allocation`).
``docs/reconcile-and-focus.md`` has the column-by-column table. This module runs them with the
config's batch discounts, counts what had to be left out (``queries/focus_excluded.sql``) and
writes CSV or Parquet. Rows derived from application logs are an estimate: BilledCost is the
priced cost, not an invoice line; ``llmfinops reconcile`` compares it with the real bill.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from llmfinops import sqlfiles
from llmfinops.config import Config
from llmfinops.errors import InputError
from llmfinops.focus_allocation import AllocationPlan, allocation_plan
from llmfinops.period import Period
from llmfinops.pricing.catalog import batch_discount_table

FORMATS = (".csv", ".parquet")
FOCUS_VERSIONS = ("1.3", "1.2")
FOCUS_VERSION = FOCUS_VERSIONS[0]  # the default


@dataclass(frozen=True)
class FocusExport:
    period: Period
    table: pa.Table
    excluded: pa.Table  # reason, calls, input_tokens, output_tokens (queries/focus_excluded.sql)
    version: str = FOCUS_VERSION
    plan: AllocationPlan | None = None  # with --allocate: who received the cost without a team

    def _left_out(self, reason: str) -> int:
        return sum(r["calls"] for r in self.excluded.to_pylist() if r["reason"] == reason)

    @property
    def unpriced_calls(self) -> int:
        return self._left_out("unpriced")

    @property
    def cache_hit_calls(self) -> int:
        return self._left_out("response cache hit")

    @property
    def unit_unpriced_calls(self) -> int:
        """Exported calls with units no price covers (price_flags): those units are in no row."""
        return self._left_out("unit without a price")

    @property
    def modifier_calls(self) -> int:
        """Exported calls priced at the standard rate though a tier/speed/region has no price of its own."""
        return self._left_out("modifier at the standard rate")

    @property
    def billed_usd(self) -> Decimal:
        """The rows' BilledCost: exact for 1.3 (decimals); for 1.2 the floats, each as it prints."""
        return _total(self.table)

    @property
    def allocated(self) -> pa.Table:
        """The allocated rows (1.3 with --allocate); none otherwise."""
        if "AllocatedResourceId" not in self.table.column_names:
            return self.table.slice(0, 0)
        return self.table.filter(pc.is_valid(self.table.column("AllocatedResourceId")))

    @property
    def no_team_usd(self) -> Decimal:
        """BilledCost of the calls without a team (allocated or not)."""
        return _total(self.table.filter(pc.is_null(self.table.column("x_Team"))))


def _total(table: pa.Table) -> Decimal:
    values = table.column("BilledCost").to_pylist()
    return sum((Decimal(repr(v)) if isinstance(v, float) else v for v in values if v is not None), Decimal(0))


def check_options(version: str, allocate: bool) -> None:
    """Refuse an unknown FOCUS version, and allocation with 1.2 (it has no Allocated* columns)."""
    if version not in FOCUS_VERSIONS:
        raise InputError(f"--focus-version must be one of {', '.join(FOCUS_VERSIONS)}, not {version!r}")
    if allocate and version != "1.3":
        raise InputError(
            "--allocate needs --focus-version 1.3: FOCUS 1.2 has no split cost allocation columns"
        )


def focus_rows(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    config: Config,
    *,
    version: str = FOCUS_VERSION,
    allocate: bool = False,
) -> FocusExport:
    """The FOCUS rows of ``period`` (``con`` needs the ``calls`` and ``prices`` views).

    ``allocate`` (1.3 only) replaces each row of calls without a team by its split among the
    teams, by the config's chargeback rule.
    """
    check_options(version, allocate)
    params = {"since": period.since, "until": period.until}
    sqlfiles.install_price_macros(con)  # the look-up of each call's price row
    sqlfiles.execute_script(con, "ingest_macros")  # model_publisher: PublisherName
    con.register("batch_discounts", batch_discount_table(config))
    try:
        table = sqlfiles.run(con, "focus_export", params)
    finally:
        con.unregister("batch_discounts")
    excluded = sqlfiles.run(con, "focus_excluded", params)
    if version == "1.2":
        return FocusExport(period, table, excluded, version)
    table = _run_on(con, "focus13_export", {"focus12_rows": table})
    plan = None
    if allocate:
        plan = allocation_plan(con, period, config)
        table = _run_on(con, "focus_allocate", {"focus13_rows": table, "allocation_ratios": plan.table()})
    return FocusExport(period, table, excluded, version, plan)


def _run_on(con: duckdb.DuckDBPyConnection, name: str, relations: dict[str, pa.Table]) -> pa.Table:
    """Run a parameterless query over Arrow tables registered under the names it reads."""
    for rel, table in relations.items():
        con.register(rel, table)
    try:
        return sqlfiles.run(con, name)
    finally:
        for rel in relations:
            con.unregister(rel)


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
