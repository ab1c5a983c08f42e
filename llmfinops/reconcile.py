"""Reconciliation: the providers' bills against the cost the application logs attribute.

The logic is SQL (``queries/reconcile.sql``: grain, tolerance and causes are documented in its
header); this module runs it for a period and adds the totals a person reads first. App-log cost
that could not be compared with any bill (a provider without a cost export, or days the export
does not cover) comes from ``queries/reconcile_unmatched.sql``, so nothing disappears silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmfinops.errors import QueryError
from llmfinops.period import Period

if TYPE_CHECKING:  # the module stays light: `reconcile --help` reads the defaults below
    import duckdb
    import pyarrow as pa

DEFAULT_TOLERANCE = 0.05
# Billed amounts come in cents or fractions of them; a difference under a cent is rounding.
DEFAULT_FLOOR_USD = 0.01


@dataclass(frozen=True)
class ReconcileSummary:
    period: Period
    tolerance: float
    floor_usd: float
    rows: int
    flagged: int
    billed_usd: float
    attributed_usd: float
    coverage: float | None
    unmatched: pa.Table

    @property
    def difference_usd(self) -> float:
        return self.billed_usd - self.attributed_usd

    @property
    def unmatched_cost_usd(self) -> float:
        return float(sum(self.unmatched.column("cost_usd").to_pylist()))

    @property
    def unmatched_calls(self) -> int:
        return int(sum(self.unmatched.column("calls").to_pylist()))


@dataclass(frozen=True)
class Reconciliation:
    table: pa.Table
    summary: ReconcileSummary


def reconcile(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    floor_usd: float = DEFAULT_FLOOR_USD,
) -> Reconciliation:
    """One row per UTC day x provider x model of ``period``: billed, attributed, difference, flag.

    ``con`` needs the ``calls``, ``billed_costs`` and ``usage_buckets`` views
    (``llmfinops.store.connect`` gives them). A difference is flagged when it is larger than
    ``tolerance`` x billed and larger than ``floor_usd``.
    """
    if not 0 <= tolerance < 1:
        raise QueryError(f"--tolerance must be a fraction in [0, 1), e.g. 0.05 for 5%, not {tolerance}")
    if floor_usd < 0:
        raise QueryError(f"--floor must be a non-negative amount in USD, not {floor_usd}")
    params = {"since": period.since, "until": period.until, "tolerance": tolerance, "floor_usd": floor_usd}
    from llmfinops import sqlfiles

    table = sqlfiles.run(con, "reconcile", params)
    unmatched = sqlfiles.run(con, "reconcile_unmatched", params)
    return Reconciliation(table, _summarise(table, unmatched, period, tolerance, floor_usd))


def _summarise(
    table: pa.Table, unmatched: pa.Table, period: Period, tolerance: float, floor_usd: float
) -> ReconcileSummary:
    billed = table.column("billed_usd").to_pylist()
    coverage = table.column("coverage").to_pylist()
    total_billed = float(sum(billed))
    # Coverage is capped per row, so the overall figure is the billed-weighted mean of the rows'.
    covered = sum(b * (c or 0.0) for b, c in zip(billed, coverage, strict=True))
    return ReconcileSummary(
        period=period,
        tolerance=tolerance,
        floor_usd=floor_usd,
        rows=table.num_rows,
        flagged=sum(1 for f in table.column("flagged").to_pylist() if f),
        billed_usd=total_billed,
        attributed_usd=float(sum(table.column("attributed_usd").to_pylist())),
        coverage=covered / total_billed if total_billed > 0 else None,
        unmatched=unmatched,
    )
