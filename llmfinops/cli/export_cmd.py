"""``llmfinops export --focus``: parse, call :mod:`llmfinops.focus`, say what was written.

Exit codes: 0 written; 3 written, but the period has no priced calls (the file holds only the
header: a stalled ingest is worth a cron mail); 2 nothing written (bad option, no warehouse,
bad config, cannot write).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from llmfinops.cli.app import ConfigOpt, QuietOpt, WarehouseOpt, console, err_console, fail
from llmfinops.cli.period_opts import AsOfOpt, PeriodOpt, SinceOpt, UntilOpt, period_from_options
from llmfinops.config import load_config
from llmfinops.focus import FOCUS_VERSION, FocusExport, focus_rows, write_focus
from llmfinops.metrics.display import money
from llmfinops.store import Warehouse, connect

EXIT_EMPTY = 3


def export(
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="File to write: .csv or .parquet.", show_default=False),
    ],
    focus: Annotated[
        bool, typer.Option("--focus", help="FinOps FOCUS 1.2 cost rows (the one export format so far).")
    ] = False,
    period: PeriodOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Write the period's priced calls as FinOps FOCUS 1.2 cost rows, for FinOps tools and BI.

    One row per UTC day, provider, model, team, feature, user tier and token class.

    BilledCost is the cost priced from the app logs, an estimate that `llmfinops reconcile` checks.

    Unpriced calls cannot become cost rows: they are left out and counted.

    Example: llmfinops export --focus --period 2026-11 --out llm-focus-2026-11.csv
    """
    if not focus:
        fail("choose what to export: --focus (FinOps FOCUS 1.2 cost rows)")
    span = period_from_options(period, since, until, as_of)
    cfg = load_config(config)
    wh = Warehouse.at(warehouse)
    wh.require()
    con = connect(wh)
    try:
        result = focus_rows(con, span, cfg)
    finally:
        con.close()
    write_focus(result.table, out)
    if not quiet:
        console.print(_written(result, out), markup=False)
    if result.table.num_rows == 0:
        err_console.print(
            f"Warning: no priced calls in {span.label}; {out} holds only the header", markup=False
        )
        raise typer.Exit(EXIT_EMPTY)


def _written(result: FocusExport, out: Path) -> str:
    lines = [
        f"Wrote {result.table.num_rows:,} FOCUS {FOCUS_VERSION} cost rows for {result.period.label} "
        f"to {out}: BilledCost {money(result.billed_usd)} (priced from app logs, an estimate)",
    ]
    if result.unpriced_calls:
        lines.append(
            f"Left out {result.unpriced_calls:,} unpriced call(s): no price, so no cost row "
            "(add a [[pricing.models]] override, then `llmfinops reprice`)"
        )
    if result.cache_hit_calls:
        lines.append(f"Left out {result.cache_hit_calls:,} response-cache hit(s): no provider charge")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    app.command("export")(export)
