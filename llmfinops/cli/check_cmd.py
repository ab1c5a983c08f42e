"""``llmfinops check``: judge a period against the config's thresholds, for cron.

Exit codes follow the monitoring-plugin convention schedulers already read: 0 nothing
breached, 1 a warning, 2 a critical breach, 3 the check could not run. For this command
every error (usage, config, warehouse, internal) exits 3, so "2" always means a breach.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

from llmfinops.cli.app import ConfigOpt, WarehouseOpt, console, err_console, state
from llmfinops.cli.period_opts import AsOfOpt, SinceOpt, UntilOpt, format_option, period_from_options
from llmfinops.errors import LlmFinopsError
from llmfinops.period import PERIOD_HELP

if TYPE_CHECKING:
    from llmfinops.guardrails.run import CheckResult

EXIT_UNKNOWN = 3


class CheckFormat(StrEnum):
    table = "table"
    json = "json"


class CheckCommand(TyperCommand):
    """A command whose every failure exits 3 (UNKNOWN), never 2 (which means CRITICAL here)."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except typer.TyperException as exc:  # usage errors: bad option, bad value
            if hasattr(exc, "exit_code"):
                exc.exit_code = EXIT_UNKNOWN
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):  # the verdict (0, 1, 2), or Ctrl-C
            raise
        except typer.TyperException as exc:
            if hasattr(exc, "exit_code"):
                exc.exit_code = EXIT_UNKNOWN
            raise
        except LlmFinopsError as exc:
            if state.debug:
                raise
            err_console.print(f"Error: {exc}", markup=False, highlight=False)
            raise typer.Exit(EXIT_UNKNOWN) from None
        except Exception as exc:
            if state.debug:
                raise
            err_console.print(
                f"Error: internal error ({type(exc).__name__}); re-run with --debug and report it.",
                markup=False,
                highlight=False,
            )
            raise typer.Exit(EXIT_UNKNOWN) from None


def check(
    period: Annotated[
        str | None,
        typer.Option("--period", "-p", help=f"{PERIOD_HELP}. Default: yesterday.", show_default=False),
    ] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[
        CheckFormat, format_option("table for people; json: an array of breaches.")
    ] = CheckFormat.table,
    webhook_file: Annotated[
        Path | None,
        typer.Option(
            "--webhook-file",
            help='Also write {"status", "exit_code", "breaches"} as JSON to this file, for a cron '
            "wrapper to post (llmfinops itself stays offline).",
            show_default=False,
        ),
    ] = None,
    warehouse: WarehouseOpt = None,
    config: ConfigOpt = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing when nothing is breached (for cron mail).")
    ] = False,
) -> None:
    """Check a period against the config's alert rules and the built-in checks.

    Built-ins: budget over (critical) or projected over (warning), spend anomaly, unpriced calls,
    quarantined records, silent source (warnings). Default period: yesterday (UTC).

    Exit codes: 0 nothing breached; 1 a warning; 2 a critical breach; 3 the check could not run.

    Example: llmfinops check --as-of 2026-11-23 --config examples/llmfinops.toml --webhook-file alert.json
    """
    try:
        result = _run(period, since, until, as_of, warehouse, config)
    except Exception as exc:
        if webhook_file is not None:
            # only our own messages are written out: another exception's text may quote log data
            why = str(exc) if isinstance(exc, LlmFinopsError) else f"internal error ({type(exc).__name__})"
            _write(
                webhook_file, {"status": "unknown", "exit_code": EXIT_UNKNOWN, "breaches": [], "error": why}
            )
        raise
    if webhook_file is not None:
        _write(
            webhook_file,
            {"status": result.status, "exit_code": result.exit_code, "breaches": result.as_json()},
        )
    if quiet and not result.breaches:
        pass  # cron mails what a job prints: a quiet night sends nothing
    elif fmt is CheckFormat.json:
        typer.echo(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        _print(result)
    raise typer.Exit(result.exit_code)


def _run(
    period: str | None,
    since: str | None,
    until: str | None,
    as_of: str | None,
    warehouse: Path | None,
    config: Path | None,
) -> CheckResult:
    from llmfinops.config import load_config
    from llmfinops.guardrails.run import run_check
    from llmfinops.store import Warehouse, connect

    span = period_from_options(period, since, until, as_of, default="yesterday")
    settings = load_config(config)
    wh = Warehouse.at(warehouse)
    wh.require()
    con = connect(wh)
    try:
        return run_check(con, span, settings)
    finally:
        con.close()


def _write(path: Path, payload: dict[str, Any]) -> None:
    try:
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise LlmFinopsError(f"cannot write the webhook file {path}: {exc.strerror}") from None


def _print(result: CheckResult) -> None:
    from rich import box
    from rich.table import Table

    from llmfinops.guardrails.breach import shown

    checked = f"{result.rules} rule(s) and {result.builtins} built-in check(s)"
    if not result.breaches:
        console.print(f"No thresholds breached in {result.period.label} ({checked}).")
        return
    table = Table(
        title=f"check · {result.period.label} · {len(result.breaches)} breach(es) of {checked}",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    rows = [
        (
            b.severity.upper(),
            b.rule,
            b.scope,
            f"{b.metric}.{b.column}",
            shown(b.column, b.value),
            b.op,
            shown(b.column, b.threshold),
        )
        for b in result.breaches
    ]
    headers = ("severity", "rule", "scope", "figure", "value", "op", "threshold")
    for i, header in enumerate(headers):
        # as wide as its widest cell: print_wide then widens the table rather than crop a figure
        table.add_column(
            header,
            justify="right" if header in ("value", "threshold") else "left",
            min_width=max(len(header), *(len(r[i]) for r in rows)),
        )
    for row in rows:
        table.add_row(*row)
    from llmfinops.cli.metrics_cmd import print_wide

    print_wide(table)


def register(app: typer.Typer) -> None:
    app.command("check", cls=CheckCommand)(check)
