"""``llmfinops whatif``: parse the scenario options, call :func:`llmfinops.whatif.whatif`, render."""

from __future__ import annotations

from typing import Annotated

import typer

from llmfinops.cli.app import ConfigOpt, WarehouseOpt
from llmfinops.cli.period_opts import AsOfOpt, FormatOpt, OutputFormat, PeriodOpt, SinceOpt, UntilOpt

SCOPE_HELP = "SCOPE is a feature, or team:, model:, model_tier:, provider:, prompt_version: NAME."


def _many(name: str, help_text: str) -> object:
    return typer.Option(name, help=help_text, show_default=False)


def whatif_command(
    step_cap: Annotated[
        list[str] | None,
        _many("--step-cap", "SCOPE=K: drop a task's calls after its K-th (by ts, step, call_id)."),
    ] = None,
    cap_context: Annotated[
        list[str] | None, _many("--cap-context", "SCOPE=N: at most N input tokens per call.")
    ] = None,
    cap_output: Annotated[
        list[str] | None, _many("--cap-output", "SCOPE=N: at most N output tokens per call.")
    ] = None,
    cache: Annotated[
        list[str] | None, _many("--cache", "SCOPE=SHARE: at least SHARE of input read from the prompt cache.")
    ] = None,
    route: Annotated[
        list[str] | None, _many("--route", "SCOPE=MODEL (or provider:model): price the calls as MODEL.")
    ] = None,
    batch: Annotated[list[str] | None, _many("--batch", "SCOPE: price the calls as batch API calls.")] = None,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            "-b",
            help="Group by feature, team, user_tier, model, model_tier, provider, "
            "prompt_version, day, week or none (stored values).",
        ),
    ] = "feature",
    since: SinceOpt = None,
    until: UntilOpt = None,
    period: PeriodOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = OutputFormat.table,
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Re-price the period's stored calls under a scenario and show what it would save, per group.

    Options repeat and compose, applied in the order step cap, context cap, output cap, cache,
    route, batch. SCOPE is a feature name, or team:NAME, model:NAME, model_tier:NAME,
    provider:NAME, prompt_version:NAME.

    Example: llmfinops whatif --period 2026-11 --route agent=gpt-4o-mini --cap-output chat=400
    """
    from llmfinops.cli.metrics_cmd import render
    from llmfinops.cli.period_opts import period_from_options
    from llmfinops.config import load_config
    from llmfinops.store import Warehouse, connect
    from llmfinops.whatif import parse_rules, whatif
    from llmfinops.whatif.display import with_total

    scenario = parse_rules(
        step_cap=step_cap or [],
        cap_context=cap_context or [],
        cap_output=cap_output or [],
        cache=cache or [],
        route=route or [],
        batch=batch or [],
    )
    span = period_from_options(period, since, until, as_of)
    wh = Warehouse.at(warehouse)
    wh.require()
    con = connect(wh)
    try:
        table = whatif(con, scenario, period=span, group_by=by, config=load_config(config))
    finally:
        con.close()
    title = f"whatif · {span.label} · by {by} · {scenario.options()}"
    shown = with_total(table) if fmt is OutputFormat.table else table
    render(shown, fmt, title=title, caption=None, empty=f"No calls in {span.label}.")


def register(app: typer.Typer) -> None:
    app.command("whatif")(whatif_command)
