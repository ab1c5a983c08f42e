"""``llmfinops metrics`` and ``llmfinops sql``: parse, call the metrics library, render."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich import box
from rich.measure import Measurement
from rich.table import Table

from llmfinops.cli.app import ConfigOpt, WarehouseOpt, console
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
from llmfinops.config import load_config
from llmfinops.errors import InputError, QueryError
from llmfinops.metrics.display import format_cell, is_numeric
from llmfinops.metrics.registry import METRICS, get
from llmfinops.store import Warehouse

if TYPE_CHECKING:
    import pyarrow as pa

TOP_SPENDERS_LIMIT = 20


def metrics(
    name: Annotated[
        str | None,
        typer.Argument(help="Metric name, e.g. spend or cost-per-task (see --list).", show_default=False),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            "-b",
            help="Group by feature, team, user_tier, model, model_tier, provider, "
            "prompt_version, day, week, none (top-spenders: also user_id).",
            show_default=False,
        ),
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    period: PeriodOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            min=1,
            help="Show at most N rows (default: 20 for top-spenders, else all).",
            show_default=False,
        ),
    ] = None,
    list_metrics: Annotated[bool, typer.Option("--list", "-l", help="List the metrics and exit.")] = False,
    engine: EngineOpt = Engine.duckdb,
    spark_master: SparkMasterOpt = None,
    spark_calls: SparkCallsOpt = None,
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Print one unit-economics metric over a period, one row per group.

    Periods are whole UTC days: the last full ISO week unless --period or --since/--until say otherwise.

    `llmfinops metrics --list` (or `llmfinops metrics list`) names the metrics.

    --engine spark runs the same SQL file, translated, on Spark (pip install 'llmfinops[spark]').

    Example: llmfinops metrics cost-per-task --period last-week --by team
    """
    if list_metrics or name is None or name == "list":
        _print_list()
        return
    spec = get(name)
    span = period_from_options(period, since, until, as_of)
    group_by = by or spec.default_group_by
    cfg = load_config(config)
    wh = Warehouse.at(warehouse)
    if engine is Engine.spark:
        from llmfinops.spark import run_metric

        table = run_metric(
            None if spark_calls else wh,
            spec.name,
            period=span,
            group_by=group_by,
            config=cfg,
            master=spark_master,
            calls_path=spark_calls,
        )
    else:
        from llmfinops.metrics import compute
        from llmfinops.store import connect

        wh.require()
        con = connect(wh)
        try:
            table = compute(con, spec.name, period=span, group_by=group_by, config=cfg)
        finally:
            con.close()
    unpriced = _total(table, "unpriced_calls")  # before --limit: the note is about the whole period
    shown = limit or (TOP_SPENDERS_LIMIT if spec.name == "top-spenders" else None)
    if shown is not None:
        table = table.slice(0, shown)
    title = f"{spec.name} · {span.label} · by {group_by}"
    note = f"{unpriced:,} unpriced call(s) counted, adding no cost" if unpriced else None
    render(table, fmt, title=title, caption=note, empty=f"No calls in {span.label}.")


def sql(
    query: Annotated[
        str | None, typer.Argument(help="One SQL statement that reads.", show_default=False)
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Read the statement from a .sql file.", show_default=False)
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    engine: EngineOpt = Engine.duckdb,
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Run one read-only SQL statement against the warehouse and print the result.

    Relations: calls, prices, quarantine, ingested_files and macros like metric_spend(since, until).

    Only reads run: anything that writes is refused.

    Example: llmfinops sql "SELECT feature, sum(cost_usd) AS cost FROM calls GROUP BY ALL ORDER BY cost DESC"
    """
    if engine is Engine.spark:
        raise QueryError(
            "sql runs DuckDB's dialect only; on Spark, query the day files directly "
            "(spark.read.parquet('WAREHOUSE/calls')) or use `llmfinops metrics NAME --engine spark`"
        )
    from llmfinops.metrics import run_sql
    from llmfinops.metrics.computation import set_economics
    from llmfinops.store import connect

    text = _statement(query, file)
    wh = Warehouse.at(warehouse)
    wh.require()
    con = connect(wh)
    try:
        set_economics(con, load_config(config))  # so the metric macros see the config's revenue
        table = run_sql(con, text)
    finally:
        con.close()
    render(table, fmt, title=None, caption=None, empty="No rows.")


def _total(table: pa.Table, column: str) -> int:
    if column not in table.column_names:
        return 0
    return sum(v or 0 for v in table.column(column).to_pylist())


def _statement(query: str | None, file: Path | None) -> str:
    if (query is None) == (file is None):
        raise QueryError(
            'give the SQL either as an argument or with --file, e.g. llmfinops sql "FROM calls LIMIT 5"'
        )
    if file is None:
        return query or ""
    try:
        return file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {file}: {exc.strerror}") from None


def _print_list() -> None:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    for header in ("metric", "default --by", "what it shows"):
        table.add_column(header, overflow="fold")
    for spec in METRICS.values():
        table.add_row(spec.name, spec.default_group_by, spec.description)
    console.print(table)


def render(table: pa.Table, fmt: OutputFormat, *, title: str | None, caption: str | None, empty: str) -> None:
    """Print an Arrow table as a rich table, a JSON array of row objects, or CSV with a header."""
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(table.to_pylist(), default=_json_value, ensure_ascii=False))
    elif fmt is OutputFormat.csv:
        typer.echo(to_csv(table), nl=False)
    elif table.num_rows == 0:
        console.print(empty)
    else:
        print_wide(_rich_table(table, title, caption))


def to_csv(table: pa.Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.column_names)
    for row in table.to_pylist():
        writer.writerow([_csv_value(v) for v in row.values()])
    return out.getvalue()


def _rich_table(table: pa.Table, title: str | None, caption: str | None) -> Table:
    out = Table(
        title=title, caption=caption, box=box.SIMPLE_HEAD, title_justify="left", caption_justify="left"
    )
    columns = {name: table.column(name).to_pylist() for name in table.column_names}
    cells = {name: [format_cell(name, v) for v in values] for name, values in columns.items()}
    for name, values in columns.items():
        header = name.replace("_", " ")  # headers wrap at the underscores, shown as spaces
        # Each column is at least as wide as its widest value and longest header word, so
        # a number is never wrapped or cropped (_print_wide widens the table if need be).
        widest = max([len(c) for c in cells[name]] + [len(w) for w in header.split()])
        out.add_column(
            header,
            justify="right" if is_numeric(name, values) else "left",
            min_width=min(widest, 40),
            overflow="fold",
        )
    for row in zip(*cells.values(), strict=True):
        out.add_row(*row)
    return out


def print_wide(renderable: Table) -> None:
    """Print at the terminal's width, or wider when the table cannot fit without cropping."""
    unclamped = console.options.update_width(10_000)
    needed = Measurement.get(console, unclamped, renderable).minimum
    console.print(renderable, width=max(console.width, needed), crop=False)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def register(app: typer.Typer) -> None:
    app.command("metrics")(metrics)
    app.command("sql")(sql)
