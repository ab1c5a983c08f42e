"""The typer application, its shared options and the one place errors become exit codes."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from llmfinops import __version__
from llmfinops.cli.commands import COMMANDS
from llmfinops.cli.lazy import LazyGroup
from llmfinops.errors import LlmFinopsError

if TYPE_CHECKING:
    from rich.console import Console


class Commands(LazyGroup):
    table = COMMANDS


app = typer.Typer(
    cls=Commands,
    name="llmfinops",
    help="Offline FinOps for LLM spend: ingest call logs, compute unit economics, render reports.",
    no_args_is_help=True,
    add_completion=False,
    # The root help is click's plain listing: typer's rich layout imports rich's markdown and
    # syntax modules, half of what `llmfinops --help` took (a command's own help keeps it).
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Colour only on a terminal: cron mail and CI logs get plain text. Made on first use (see
# __getattr__): importing rich costs --version a third of its start-up.
console: Console
err_console: Console


def __getattr__(name: str) -> Any:
    if name in ("console", "err_console"):
        from rich.console import Console

        made = Console(stderr=name == "err_console", highlight=False, soft_wrap=True)
        globals()[name] = made
        return made
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _err() -> Console:
    found: Console | None = globals().get("err_console")
    return found if found is not None else __getattr__("err_console")


WarehouseOpt = Annotated[
    Path | None,
    typer.Option(
        "--warehouse",
        "-w",
        envvar="LLMFINOPS_WAREHOUSE",
        help="Warehouse directory (default ./llmfinops-data).",
        show_default=False,
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="TOML config (default: $LLMFINOPS_CONFIG or ./llmfinops.toml).",
        show_default=False,
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]


@dataclass
class State:
    debug: bool = False


state = State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"llmfinops {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    state.debug = debug or bool(os.environ.get("LLMFINOPS_DEBUG"))


def run_app(application: typer.Typer, args: list[str] | None = None) -> int:
    """Run the CLI and return its exit code.

    A library error prints ``Error: …`` and exits 2 — never a traceback, which could show
    local variables holding prompts or keys (``--debug`` shows it for bug reports).
    Usage errors are the parser's own (exit 2); --strict findings exit 1.
    """
    try:
        application(args=args, standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except LlmFinopsError as exc:
        if state.debug:
            raise
        _err().print(f"Error: {exc}", markup=False, highlight=False)
        return 2
    except Exception as exc:
        if state.debug:
            raise
        _err().print(
            f"Error: internal error ({type(exc).__name__}); re-run with --debug and report it.",
            markup=False,
            highlight=False,
        )
        return 70
    return 0


def fail(message: str, code: int = 2) -> None:
    """Stop a command with a one-line reason."""
    _err().print(f"Error: {message}", highlight=False)
    raise typer.Exit(code)


def is_tty() -> bool:
    return sys.stdout.isatty()
