"""``llmfinops explain``: why spend moved between two periods, split into six drivers."""

from __future__ import annotations

from typing import Annotated

import typer

from llmfinops.cli.app import ConfigOpt, WarehouseOpt
from llmfinops.cli.engine_opts import Engine, EngineOpt, SparkCallsOpt, SparkMasterOpt
from llmfinops.cli.period_opts import (
    AsOfOpt,
    FormatOpt,
    OutputFormat,
    PeriodOpt,
    SinceOpt,
    UntilOpt,
    period_from_options,
)
from llmfinops.errors import QueryError
from llmfinops.period import parse_day, resolve_period


def explain(
    period: PeriodOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_of: AsOfOpt = None,
    vs: Annotated[
        str | None,
        typer.Option(
            "--vs",
            help="Base period to compare with, named like --period. Default: the period of equal "
            "length right before (for a calendar month, the previous month).",
            show_default=False,
        ),
    ] = None,
    vs_since: Annotated[
        str | None,
        typer.Option(
            "--vs-since", help="Base period's first day, YYYY-MM-DD (inclusive).", show_default=False
        ),
    ] = None,
    vs_until: Annotated[
        str | None,
        typer.Option("--vs-until", help="Base period's end day, YYYY-MM-DD (exclusive).", show_default=False),
    ] = None,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            "-b",
            help="Group by feature, team, user_tier, model, model_tier, provider, prompt_version or none.",
        ),
    ] = "feature",
    team: Annotated[
        str | None,
        typer.Option("--team", help="Only this team's calls (e.g. with --by feature).", show_default=False),
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    engine: EngineOpt = Engine.duckdb,
    spark_master: SparkMasterOpt = None,
    spark_calls: SparkCallsOpt = None,
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Why spend moved: each group's cost change split into six drivers that add up to it.

    The drivers (LMDI-I): volume, iteration, response cache, tokens per call, model mix and
    unit price. The current period is --period or --since/--until (default: the last full ISO
    week); the base is --vs or --vs-since/--vs-until (default: the period right before). Only
    priced calls are split; unpriced calls are counted per period. Definition: docs/explain.md.

    --engine spark runs the same queries/explain.sql, translated, on Spark.

    Example: llmfinops explain --period 2026-W47 --vs 2026-W46 --by feature
    """
    # Imported here, not at the top: `llmfinops explain --help` must not load duckdb or pyarrow.
    from llmfinops.cli.metrics_cmd import render
    from llmfinops.config import load_config
    from llmfinops.metrics import explain as explain_change
    from llmfinops.store import Warehouse, connect

    current = period_from_options(period, since, until, as_of)
    if vs is not None and (vs_since is not None or vs_until is not None):
        raise QueryError("give either --vs or --vs-since/--vs-until, not both")
    if (vs_since is None) != (vs_until is None):
        raise QueryError("--vs-since and --vs-until go together (or use --vs)")
    base = None
    if vs is not None or vs_since is not None:
        base = resolve_period(
            vs,
            parse_day(vs_since, "--vs-since") if vs_since else None,
            parse_day(vs_until, "--vs-until") if vs_until else None,
            parse_day(as_of, "--as-of") if as_of else None,
        )
    load_config(config)  # a broken config is an error here as in every command
    wh = Warehouse.at(warehouse)
    if engine is Engine.spark:
        from llmfinops.spark import run_explain

        table = run_explain(
            None if spark_calls else wh,
            period=current,
            base=base,
            group_by=by,
            team=team,
            master=spark_master,
            calls_path=spark_calls,
        )
    else:
        wh.require()
        con = connect(wh)
        try:
            table = explain_change(con, period=current, base=base, group_by=by, team=team)
        finally:
            con.close()
    before = base or current.previous()
    title = f"explain · {current.label} vs {before.label} · by {by.strip().lower()}"
    if team is not None:
        title += f" · team {team}"
    unpriced = sum(table.column("unpriced_calls_1").to_pylist()) if table.num_rows else 0
    caption = "Effects add up to the change. Drivers per period: --format json or csv."
    if unpriced:
        caption += f" {unpriced:,} unpriced call(s) in {current.label} are counted, not split."
    if fmt is OutputFormat.table:
        keep = [c for c in table.column_names if not c.endswith(("_0", "_1")) or c.startswith("unpriced")]
        table = table.select(keep)
    render(table, fmt, title=title, caption=caption, empty=f"No calls in {current.label} or {before.label}.")


def register(app: typer.Typer) -> None:
    app.command("explain")(explain)
