"""``llmfinops export --focus``: parse, call :mod:`llmfinops.focus`, say what was written.

Exit codes: 0 written; 3 written, but the period has no priced calls (the file holds only the
header: a stalled ingest is worth a cron mail); 2 nothing written (bad option such as
``--allocate`` with FOCUS 1.2, no warehouse, bad config, cannot write).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from llmfinops.cli.app import ConfigOpt, QuietOpt, WarehouseOpt, console, err_console, fail
from llmfinops.cli.period_opts import AsOfOpt, PeriodOpt, SinceOpt, UntilOpt, period_from_options

if TYPE_CHECKING:
    from llmfinops.focus import FocusExport

EXIT_EMPTY = 3
# llmfinops.focus loads duckdb and pyarrow, which `export --help` does not need: the help names the
# versions, and focus.check_options refuses any other.
VERSIONS_HELP = "1.3 (the default) or 1.2"


def export(
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="File to write: .csv or .parquet.", show_default=False),
    ],
    focus: Annotated[
        bool, typer.Option("--focus", help="FinOps FOCUS cost rows (the one export format so far).")
    ] = False,
    focus_version: Annotated[
        str,
        typer.Option("--focus-version", help=f"FOCUS version to write: {VERSIONS_HELP}.", show_default=False),
    ] = "1.3",
    allocate: Annotated[
        bool,
        typer.Option(
            "--allocate",
            help="FOCUS 1.3 split cost allocation: replace the rows of calls without a team by their "
            "split among the teams, by the config's chargeback rule.",
        ),
    ] = False,
    period: PeriodOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_of: AsOfOpt = None,
    quiet: QuietOpt = False,
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Write the period's priced calls as FinOps FOCUS 1.3 (or 1.2) cost rows, for FinOps tools and BI.

    One row per UTC day, provider, model, team, feature, user tier and token class.

    BilledCost is the cost priced from the app logs, an estimate that `llmfinops reconcile` checks.

    Unpriced calls cannot become cost rows: they are left out and counted.

    With --allocate (1.3), the cost of calls without a team is split among the teams by the
    [chargeback] allocation rule: each such row becomes one Allocated* row per team.

    Example: llmfinops export --focus --allocate --period 2026-11 --out llm-focus-2026-11.csv
    """
    if not focus:
        fail("choose what to export: --focus (FinOps FOCUS cost rows)")
    from llmfinops.config import load_config
    from llmfinops.focus import check_options, focus_rows, write_focus
    from llmfinops.store import Warehouse, connect

    check_options(focus_version, allocate)
    span = period_from_options(period, since, until, as_of)
    cfg = load_config(config)
    wh = Warehouse.at(warehouse)
    wh.require()
    con = connect(wh)
    try:
        result = focus_rows(con, span, cfg, version=focus_version, allocate=allocate)
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
    from llmfinops.metrics.display import money

    lines = [
        f"Wrote {result.table.num_rows:,} FOCUS {result.version} cost rows for {result.period.label} "
        f"to {out}: BilledCost {money(float(result.billed_usd))} (priced from app logs, an estimate)",
    ]
    plan = result.plan
    if plan is not None and result.table.num_rows:
        no_team = money(float(result.no_team_usd))
        if result.allocated.num_rows:
            lines.append(
                f"Allocated {no_team} of calls without a team to {len(plan.shares)} team(s) by the "
                f"{plan.rule} rule ({result.allocated.num_rows:,} rows, AllocatedMethodId {plan.method_id})"
            )
        elif result.table.column("x_Team").null_count == 0:
            lines.append("Nothing to allocate: every call has a team")
        else:
            lines.append(
                f"Not allocated: no team has calls in the period to receive {no_team} without a team"
            )
    if result.unpriced_calls:
        lines.append(
            f"Left out {result.unpriced_calls:,} unpriced call(s): no price, so no cost row "
            "(add a [[pricing.models]] override, then `llmfinops reprice`)"
        )
    if result.cache_hit_calls:
        lines.append(f"Left out {result.cache_hit_calls:,} response-cache hit(s): no provider charge")
    if result.unit_unpriced_calls:
        lines.append(
            f"{result.unit_unpriced_calls:,} call(s) have units without a price (see price_flags): "
            "those units are in no row and in no cost"
        )
    if result.modifier_calls:
        lines.append(
            f"{result.modifier_calls:,} call(s) ran at a service tier, speed or region without a price of "
            "its own: exported at the standard rate (see price_flags)"
        )
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    app.command("export")(export)
