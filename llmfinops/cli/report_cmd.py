"""``llmfinops report``: parse, call :func:`llmfinops.report.make_report`, print where it went.

Cron-safe: never prompts, prints plain text when not on a terminal, ``--quiet`` prints nothing
but errors and the empty-period warning. Exit codes: 0 written; 3 written, but the period has
no calls (a stalled ingest is worth a cron mail); 2 nothing written (bad option, no warehouse,
bad config, cannot write); 70 internal error.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from llmfinops.cli.app import ConfigOpt, QuietOpt, WarehouseOpt, console, err_console
from llmfinops.cli.period_opts import AsOfOpt, PeriodOpt, SinceOpt, UntilOpt, period_from_options
from llmfinops.config import load_config
from llmfinops.store.layout import Warehouse

EXIT_EMPTY = 3


class Kind(StrEnum):
    showback = "showback"
    chargeback = "chargeback"


def report(
    kind: Annotated[
        Kind,
        typer.Option(
            "--kind",
            "-k",
            help="showback (what LLM spend went where) or chargeback (per-team statements).",
            case_sensitive=False,
        ),
    ] = Kind.showback,
    period: PeriodOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_of: AsOfOpt = None,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            "-o",
            help="HTML file to write, or a folder (existing, or ending in /) for the dated name "
            "llmfinops-<period>-<kind>.html. Default: that name in the current folder.",
            show_default=False,
        ),
    ] = None,
    csv_dir: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="Also write the report's tables as CSV files into this folder.", show_default=False
        ),
    ] = None,
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Write a showback or chargeback report as one self-contained HTML file.

    The file opens offline (inline CSS and SVG charts, no script) and prints well; --csv adds CSV for finance.

    Exit codes: 0 written; 3 written, but the period has no calls; 2 error, nothing written.

    Example: llmfinops report --kind chargeback --period 2026-W47 --out reports/ --csv reports/csv/
    """
    from llmfinops.report import make_report  # matplotlib loads only when a report is made

    span = period_from_options(period, since, until, as_of)
    result = make_report(
        Warehouse.at(warehouse), kind.value, span, load_config(config), out=out, csv_dir=csv_dir
    )
    if result.empty:
        # Said even under --quiet: an empty week usually means the ingest stopped.
        err_console.print(f"Warning: no calls in {span.label}; wrote an empty report to {result.path}")
        raise typer.Exit(EXIT_EMPTY)
    if not quiet:
        console.print(
            f"Wrote {kind.value} report for {span.label} ({result.size / 1024:,.0f} KiB): {result.path}"
        )
        for path in result.csv_files:
            console.print(f"  {path}")


def register(app: typer.Typer) -> None:
    app.command("report")(report)
