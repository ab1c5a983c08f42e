"""Reporting periods: a half-open UTC interval ``[since, until)`` of whole days, with a label.

Weeks are ISO weeks (Monday start) and all days are UTC days, because the store is
partitioned by UTC day: a period that started at local midnight would split a partition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from llmfinops.errors import QueryError

RELATIVE = ("yesterday", "last-week", "this-week", "last-month", "this-month")
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
PERIOD_HELP = "yesterday | last-week | this-week | last-month | this-month | YYYY-Www (ISO week) | YYYY-MM"


@dataclass(frozen=True)
class Period:
    """``since`` inclusive and ``until`` exclusive, both at 00:00 UTC."""

    since: datetime
    until: datetime
    label: str

    @property
    def days(self) -> float:
        return (self.until - self.since) / timedelta(days=1)

    @property
    def is_calendar_month(self) -> bool:
        return _is_month(self.since, self.until)

    def previous(self) -> Period:
        """The period of equal length right before; for a calendar month, the previous month."""
        if self.is_calendar_month:
            return _month(_add_months(self.since.date(), -1))
        return between(self.since.date() - (self.until - self.since), self.since.date())


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _is_month(since: datetime, until: datetime) -> bool:
    start = since.date()
    return start.day == 1 and since == _midnight(start) and until == _midnight(_add_months(start, 1))


def _label(start: date, end: date) -> str:
    """``2026-W47`` for an ISO week, ``2026-11`` for a month, else the days, end inclusive."""
    if (end - start).days == 7 and start.isoweekday() == 1:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if _is_month(_midnight(start), _midnight(end)):
        return f"{start:%Y-%m}"
    last = end - timedelta(days=1)
    return start.isoformat() if last == start else f"{start.isoformat()} to {last.isoformat()}"


def between(since: date, until: date) -> Period:
    """The period of the UTC days ``since`` (inclusive) up to ``until`` (exclusive)."""
    if until <= since:
        raise QueryError(f"--until ({until}) must be after --since ({since}); --until is exclusive")
    return Period(_midnight(since), _midnight(until), _label(since, until))


def _week(monday: date) -> Period:
    return between(monday, monday + timedelta(days=7))


def _month(first: date) -> Period:
    return between(first, _add_months(first, 1))


def parse_day(text: str, option: str = "date") -> date:
    """A ``YYYY-MM-DD`` option value, or a QueryError that names the option."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise QueryError(f"{option} must be a date like 2026-11-16, not {text!r}") from None


def _named(period: str, today: date) -> Period:
    text = period.strip().lower()
    this_monday = today - timedelta(days=today.weekday())
    this_month = today.replace(day=1)
    if text == "yesterday":  # the last full UTC day before as-of
        return between(today - timedelta(days=1), today)
    if text == "last-week":
        return _week(this_monday - timedelta(days=7))
    if text == "this-week":
        return _week(this_monday)
    if text == "last-month":
        return _month(_add_months(this_month, -1))
    if text == "this-month":
        return _month(this_month)
    if m := _ISO_WEEK.match(period.strip().upper()):
        try:
            return _week(date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1))
        except ValueError:
            raise QueryError(f"{period!r} is not an ISO week of {m.group(1)}") from None
    if m := _MONTH.match(text):
        if not 1 <= int(m.group(2)) <= 12:
            raise QueryError(f"{period!r} is not a month (YYYY-MM)")
        return _month(date(int(m.group(1)), int(m.group(2)), 1))
    raise QueryError(f"unknown period {period!r}: use {PERIOD_HELP}")


def resolve_period(
    period: str | None,
    since: date | None,
    until: date | None,
    as_of: date | None = None,
    default: str = "last-week",
) -> Period:
    """The period a command asked for; by default (``default``) the last full ISO week before ``as_of``.

    ``as_of`` is "today" for relative periods (default: today in UTC), so reports can be
    re-run for a past date and come out the same. ``since`` alone runs through ``as_of``.
    """
    today = as_of or datetime.now(UTC).date()
    if period is not None and (since is not None or until is not None):
        raise QueryError("give either --period or --since/--until, not both")
    if period is not None:
        return _named(period, today)
    if until is not None and since is None:
        raise QueryError("--until needs --since (or use --period)")
    if since is not None:
        return between(since, until or today + timedelta(days=1))
    return _named(default, today)
