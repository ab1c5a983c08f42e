"""``llmfinops ingest``, ``reprice``, ``sources`` and ``status``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from llmfinops.cli.app import ConfigOpt, QuietOpt, WarehouseOpt, console, err_console
from llmfinops.config import load_config

# The library (duckdb, pyarrow, the price catalog) is imported inside each command, so that
# `llmfinops ingest --help` and the other commands' start-up do not pay for it.
if TYPE_CHECKING:
    from llmfinops.ingest.summary import IngestSummary
    from llmfinops.store import Warehouse

EXIT_QUARANTINED_STRICT = 1


def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="Files or directories (read recursively).", show_default=False)
    ],
    source: Annotated[
        str | None, typer.Option("--source", "-s", help="Force one ingester instead of detecting per file.")
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Re-read files even if unchanged since the last run.")
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when any record was quarantined.")] = False,
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Normalise, price and store call logs; re-running on the same files adds nothing.

    Example: llmfinops ingest sample_logs/ --config examples/llmfinops.toml
    """
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from llmfinops.ingest.pipeline import ingest_paths
    from llmfinops.store import Warehouse

    wh = Warehouse.at(warehouse)
    cfg = load_config(config)
    show_bar = not quiet and console.is_terminal
    with Progress(
        TextColumn("ingest"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err_console,
        disable=not show_bar,
        transient=True,
    ) as bar:
        task = bar.add_task("ingest", total=None)

        def on_progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        summary = ingest_paths(
            wh, [str(p) for p in paths], config=cfg, source=source, full=full, progress=on_progress
        )
    if not quiet:
        _print_summary(wh, summary)
    for warning in summary.warnings:
        err_console.print(f"Warning: {warning}")
    if summary.quarantined_total:
        err_console.print(
            f"Warning: {summary.quarantined_total:,} record(s) quarantined; "
            f'see `llmfinops sql "FROM quarantine" -w {wh.root}`'
        )
        if strict:
            raise typer.Exit(EXIT_QUARANTINED_STRICT)


def _print_summary(wh: Warehouse, s: IngestSummary) -> None:
    from rich.table import Table

    table = Table(title="Ingest", show_header=False, box=None)
    table.add_row("files read", f"{s.files_read:,}")
    if s.files_unchanged:
        table.add_row("files unchanged (skipped)", f"{s.files_unchanged:,}")
    if s.files_unrecognised:
        table.add_row("files not recognised (skipped)", f"{len(s.files_unrecognised):,}")
    if s.files_vanished:
        table.add_row("files gone before they were read", f"{len(s.files_vanished):,}")
    table.add_row("records read", f"{s.records_read:,}")
    for name, n in sorted(s.aggregate_rows.items()):
        table.add_row(f"{name} rows read (reports, not calls)", f"{n:,}")
    table.add_row("stored", f"{s.stored:,}")
    table.add_row("duplicates skipped", f"{s.duplicates:,}")
    if s.replaced:
        table.add_row("  of which re-written from the logs (--full)", f"{s.replaced:,}")
    table.add_row("quarantined", f"{s.quarantined_total:,}")
    for reason, n in s.quarantined.items():
        table.add_row(f"  {reason}", f"{n:,}")
    table.add_row("unpriced (stored, cost NULL)", f"{sum(s.unpriced.values()):,}")
    for model, n in s.unpriced.items():
        table.add_row(f"  {model}", f"{n:,}")
    if s.partially_priced:
        table.add_row("partly priced (flagged units left out)", f"{sum(s.partially_priced.values()):,}")
        for flag, n in sorted(s.partial_flags.items(), key=lambda kv: (-kv[1], kv[0])):
            table.add_row(f"  {flag}", f"{n:,}")
    console.print(table)
    for path, line, reason in s.quarantine_examples[:5]:
        console.print(f"  quarantined {path}:{line}: {reason}")
    if wh.exists():
        _print_store(wh)


def _print_store(wh: Warehouse) -> None:
    from llmfinops.store.summary import store_summary

    st = store_summary(wh)
    if not st["calls"]:
        console.print(f"Store {wh.root}: no calls yet (reports and exports only)")
        return
    console.print(
        f"Store {wh.root}: {st['calls']:,} calls from {st['first_day']} to {st['last_day']}, "
        f"${st['cost_usd']:,.2f} priced, {st['unpriced_calls']:,} unpriced, "
        f"{st['users']:,} users, {st['features']:,} features, {st['teams']:,} teams"
    )


def reprice_cmd(warehouse: WarehouseOpt = None, config: ConfigOpt = None, quiet: QuietOpt = False) -> None:
    """Re-price the stored history with the current catalog and config overrides.

    Example: llmfinops reprice --config llmfinops.toml
    """
    from llmfinops.pricing.reprice import reprice
    from llmfinops.store import Warehouse

    wh = Warehouse.at(warehouse)
    result = reprice(wh, load_config(config))
    if not quiet:
        console.print(
            f"Re-priced {result.rows:,} calls ({result.changed_rows:,} changed): "
            f"${result.cost_before:,.2f} → ${result.cost_after:,.2f}; "
            f"{result.unpriced_rows:,} unpriced. Prices: {result.price_version}"
        )
    for warning in result.warnings:
        err_console.print(f"Warning: {warning}")


def sources_cmd() -> None:
    """List the input formats llmfinops reads (names for --source).

    Example: llmfinops sources
    """
    from rich.table import Table

    from llmfinops.ingest import registry

    table = Table("source", "reads")
    for name, ingester in registry.INGESTERS.items():
        table.add_row(name, ingester.description)
    console.print(table)


def status_cmd(warehouse: WarehouseOpt = None) -> None:
    """Print what the warehouse holds.

    Example: llmfinops status -w llmfinops-data
    """
    from llmfinops.store import Warehouse

    _print_store(Warehouse.at(warehouse))


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("reprice")(reprice_cmd)
    app.command("sources")(sources_cmd)
    app.command("status")(status_cmd)
