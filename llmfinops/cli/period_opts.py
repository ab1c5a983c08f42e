"""The options every reporting command shares — the period (and its one translation into a
Period) and ``--format`` — declared once so their names, help and parsing are the same everywhere."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import typer

from llmfinops.period import PERIOD_HELP, Period, parse_day, resolve_period

PeriodOpt = Annotated[
    str | None,
    typer.Option("--period", "-p", help=f"{PERIOD_HELP}. Default: last-week.", show_default=False),
]
SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="First day, YYYY-MM-DD (inclusive, 00:00 UTC).", show_default=False),
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="End day, YYYY-MM-DD (exclusive).", show_default=False)
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Today for relative periods, YYYY-MM-DD (default: today UTC).", show_default=False
    ),
]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def format_option(help_text: str = "table for people; json or csv with raw numbers.") -> Any:
    """``--format/-f``, case-insensitive; its choices are the enum it annotates (OutputFormat,
    or a command's own narrower one)."""
    return typer.Option("--format", "-f", help=help_text, case_sensitive=False)


FormatOpt = Annotated[OutputFormat, format_option()]


def period_from_options(
    period: str | None,
    since: str | None,
    until: str | None,
    as_of: str | None,
    default: str = "last-week",
) -> Period:
    """The period the options name (QueryError, with the option's name, for a bad date)."""
    return resolve_period(
        period, _day(since, "--since"), _day(until, "--until"), _day(as_of, "--as-of"), default
    )


def _day(text: str | None, option: str) -> date | None:
    return parse_day(text, option) if text is not None else None
