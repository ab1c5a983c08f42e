"""``llmfinops reconcile``: parse, call :func:`llmfinops.reconcile.reconcile`, render.

Exit codes: 0 printed (flagged rows included); 1 with ``--strict`` when a row is flagged, so a
cron job can alert; 2 bad option, no warehouse or bad config.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from llmfinops.cli.app import ConfigOpt, WarehouseOpt
from llmfinops.cli.metrics_cmd import render
from llmfinops.cli.period_opts import (
    AsOfOpt,
    FormatOpt,
    OutputFormat,
    PeriodOpt,
    SinceOpt,
    UntilOpt,
    period_from_options,
)
from llmfinops.config import load_config
from llmfinops.metrics.display import MISSING, money
from llmfinops.reconcile import DEFAULT_FLOOR_USD, DEFAULT_TOLERANCE, ReconcileSummary, reconcile
from llmfinops.store import Warehouse

if TYPE_CHECKING:
    import pyarrow as pa

EXIT_FLAGGED = 1
# What a person reads in the terminal; --format json/csv carries every column, unformatted.
_SHOWN = ("day", "provider", "model", "billed", "attributed", "difference", "coverage", "cause")


def reconcile_command(
    period: PeriodOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_of: AsOfOpt = None,
    tolerance: Annotated[
        float,
        typer.Option("--tolerance", help="Relative difference accepted, as a fraction of the billed cost."),
    ] = DEFAULT_TOLERANCE,
    floor: Annotated[
        float,
        typer.Option("--floor", help="Absolute difference in USD that is never flagged (rounding)."),
    ] = DEFAULT_FLOOR_USD,
    fmt: FormatOpt = OutputFormat.table,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when any row is flagged (for cron alerts).")
    ] = False,
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Line up billed cost (provider cost exports) with the cost app logs attribute, per day, provider, model.

    Needs cost exports ingested beside the call logs: OpenAI Costs API or Anthropic cost report pages.

    Usage exports (OpenAI Usage API, Anthropic usage report) sharpen the likely causes.

    A difference beyond --tolerance of the billed cost and beyond --floor dollars is flagged, with a cause.

    Coverage is the share of the billed cost that calls with a team and a feature account for.

    Example: llmfinops reconcile --period 2026-11 --tolerance 0.05 --strict
    """
    load_config(config)  # a broken config is an error here as everywhere, though nothing in it applies
    span = period_from_options(period, since, until, as_of)
    wh = Warehouse.at(warehouse)
    wh.require()
    from llmfinops.store import connect

    con = connect(wh)
    try:
        result = reconcile(con, span, tolerance=tolerance, floor_usd=floor)
    finally:
        con.close()
    summary = result.summary
    table = result.table if fmt is not OutputFormat.table else _for_people(result.table)
    render(
        table,
        fmt,
        title=f"reconcile · {span.label} · tolerance {tolerance:.0%} and {money(floor)}",
        caption=_caption(summary),
        empty=f"Nothing to reconcile in {span.label}: no billed cost export covers it. {_unmatched(summary)}",
    )
    if strict and summary.flagged:
        raise typer.Exit(EXIT_FLAGGED)


def _for_people(table: pa.Table) -> pa.Table:
    """The columns a person reads, money and shares written out (render leaves strings alone)."""
    import pyarrow as pa

    rows = []
    for row in table.to_pylist():
        rows.append(
            {
                "day": row["day"].isoformat(),
                "provider": row["provider"],
                "model": row["model"] or ("(all models)" if row["grain"] == "provider" else "(no model)"),
                "billed": money(row["billed_usd"]),
                "attributed": money(row["attributed_usd"]),
                "difference": money(row["difference_usd"]),
                "coverage": MISSING if row["coverage"] is None else f"{row['coverage']:.0%}",
                "cause": row["cause"] if row["flagged"] else "ok",
            }
        )
    return pa.Table.from_pylist(rows, schema=pa.schema([(c, pa.string()) for c in _SHOWN]))


def _caption(s: ReconcileSummary) -> str:
    coverage = MISSING if s.coverage is None else f"{s.coverage:.0%}"
    lines = [
        f"billed {money(s.billed_usd)}, attributed {money(s.attributed_usd)}, "
        f"difference {money(s.difference_usd)}, coverage {coverage}; {s.flagged} of {s.rows} row(s) flagged",
    ]
    unmatched = _unmatched(s)
    if unmatched:
        lines.append(unmatched)
    return "\n".join(lines)


def _unmatched(s: ReconcileSummary) -> str:
    if s.unmatched.num_rows == 0:
        return ""
    parts = "; ".join(
        f"{r['provider'] or 'no provider'} {money(r['cost_usd'])} ({r['reason']})"
        for r in s.unmatched.to_pylist()
    )
    return f"Not reconciled: {s.unmatched_calls:,} call(s), {money(s.unmatched_cost_usd)}: {parts}"


def register(app: typer.Typer) -> None:
    app.command("reconcile")(reconcile_command)
