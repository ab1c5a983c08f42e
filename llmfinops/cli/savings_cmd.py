"""``llmfinops savings``: call :func:`llmfinops.savings.savings` for a period and render the list."""

from __future__ import annotations

import typer

from llmfinops.cli.app import ConfigOpt, WarehouseOpt
from llmfinops.cli.period_opts import AsOfOpt, FormatOpt, OutputFormat, PeriodOpt, SinceOpt, UntilOpt


def savings_command(
    since: SinceOpt = None,
    until: UntilOpt = None,
    period: PeriodOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
) -> None:
    """List the period's savings opportunities, largest first, with evidence, risk and the whatif.

    Kinds: route, batch, prompt_cache, output_cap, step_cap, context_cap (each with the
    `llmfinops whatif` options that reproduce its savings_usd), response_cache and
    prompt_regression (measured changes, no whatif). Thresholds: [savings] in the config.

    Example: llmfinops savings --period 2026-W47 --format json
    """
    from llmfinops.cli.metrics_cmd import render
    from llmfinops.cli.period_opts import period_from_options
    from llmfinops.config import load_config
    from llmfinops.savings import savings
    from llmfinops.store import Warehouse, connect

    span = period_from_options(period, since, until, as_of)
    wh = Warehouse.at(warehouse)
    wh.require()
    con = connect(wh)
    try:
        table = savings(con, period=span, config=load_config(config))
    finally:
        con.close()
    total = sum(table.column("savings_usd").to_pylist())
    caption = (
        f"{table.num_rows} opportunities, ${total:,.2f} in all over {span.label}" if table.num_rows else None
    )
    render(
        table,
        fmt,
        title=f"savings · {span.label}",
        caption=caption,
        empty=f"No opportunity above the noise floor in {span.label}.",
    )


def register(app: typer.Typer) -> None:
    app.command("savings")(savings_command)
