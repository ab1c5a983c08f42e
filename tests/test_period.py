"""Periods: ISO weeks and calendar months in UTC, relative to --as-of, and their previous()."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from llmfinops.errors import QueryError
from llmfinops.period import Period, between, parse_day, resolve_period

WED = date(2026, 11, 25)  # a Wednesday in ISO week 2026-W48


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_default_is_the_last_full_iso_week():
    assert resolve_period(None, None, None, WED) == Period(utc(2026, 11, 16), utc(2026, 11, 23), "2026-W47")


def test_last_week_on_a_monday_is_the_week_that_just_ended():
    assert resolve_period("last-week", None, None, date(2026, 11, 23)).label == "2026-W47"
    # and on the Sunday it is still the week before
    assert resolve_period("last-week", None, None, date(2026, 11, 22)).label == "2026-W46"


def test_this_week():
    assert resolve_period("this-week", None, None, WED) == Period(
        utc(2026, 11, 23), utc(2026, 11, 30), "2026-W48"
    )


def test_months():
    assert resolve_period("last-month", None, None, WED) == Period(
        utc(2026, 10, 1), utc(2026, 11, 1), "2026-10"
    )
    assert resolve_period("this-month", None, None, WED) == Period(
        utc(2026, 11, 1), utc(2026, 12, 1), "2026-11"
    )
    assert resolve_period("last-month", None, None, date(2026, 1, 5)).label == "2025-12"
    assert resolve_period("2026-12", None, None, WED) == Period(utc(2026, 12, 1), utc(2027, 1, 1), "2026-12")


def test_yesterday_is_the_last_full_utc_day_before_as_of():
    # as of Wednesday 2026-11-25, yesterday is Tuesday the 24th, 00:00 to 24:00 UTC, one day
    p = resolve_period("yesterday", None, None, WED)
    assert p == Period(utc(2026, 11, 24), utc(2026, 11, 25), "2026-11-24")
    assert p.days == 1.0
    # across a month and a year boundary; its previous period is the day before
    assert resolve_period("Yesterday", None, None, date(2027, 1, 1)).label == "2026-12-31"
    assert p.previous() == Period(utc(2026, 11, 23), utc(2026, 11, 24), "2026-11-23")


def test_a_command_can_default_to_yesterday():
    assert resolve_period(None, None, None, WED, default="yesterday").label == "2026-11-24"
    assert resolve_period("last-week", None, None, WED, default="yesterday").label == "2026-W47"


def test_iso_weeks_cross_years():
    # 2026-01-01 is a Thursday, so ISO week 1 of 2026 starts on Monday 2025-12-29,
    # and 2026 has a week 53 (2026-12-28 to 2027-01-03).
    assert resolve_period("2026-W01", None, None, WED).since == utc(2025, 12, 29)
    assert resolve_period("2026-w53", None, None, WED) == Period(
        utc(2026, 12, 28), utc(2027, 1, 4), "2026-W53"
    )
    with pytest.raises(QueryError, match="not an ISO week"):
        resolve_period("2025-W53", None, None, WED)  # 2025 has 52 weeks


def test_since_until_are_utc_days_until_exclusive():
    p = resolve_period(None, date(2026, 11, 3), date(2026, 11, 10), WED)
    assert (p.since, p.until, p.days) == (utc(2026, 11, 3), utc(2026, 11, 10), 7.0)
    assert p.label == "2026-11-03 to 2026-11-09"
    assert resolve_period(None, date(2026, 11, 16), date(2026, 11, 23), WED).label == "2026-W47"
    assert resolve_period(None, date(2026, 11, 16), date(2026, 11, 17), WED).label == "2026-11-16"


def test_since_alone_runs_through_as_of():
    assert resolve_period(None, date(2026, 11, 20), None, WED).until == utc(2026, 11, 26)


def test_previous():
    assert resolve_period("2026-W47", None, None, WED).previous().label == "2026-W46"
    # a calendar month steps back a calendar month, whatever its length
    assert resolve_period("2026-03", None, None, WED).previous() == Period(
        utc(2026, 2, 1), utc(2026, 3, 1), "2026-02"
    )
    assert resolve_period("2026-01", None, None, WED).previous().label == "2025-12"
    # any other span: the same number of days right before
    ten = between(date(2026, 11, 11), date(2026, 11, 21))
    assert ten.previous() == Period(utc(2026, 11, 1), utc(2026, 11, 11), "2026-11-01 to 2026-11-10")


@pytest.mark.parametrize(
    ("period", "since", "until", "message"),
    [
        ("tomorrow", None, None, "unknown period"),
        ("2026-13", None, None, "not a month"),
        ("2026-W47", date(2026, 11, 1), None, "either --period or --since"),
        (None, None, date(2026, 11, 1), "--until needs --since"),
        (None, date(2026, 11, 2), date(2026, 11, 2), "must be after"),
        (None, date(2026, 11, 3), date(2026, 11, 2), "must be after"),
    ],
)
def test_bad_input_is_a_query_error(period, since, until, message):
    with pytest.raises(QueryError, match=message):
        resolve_period(period, since, until, WED)


def test_parse_day():
    assert parse_day("2026-11-16", "--since") == date(2026, 11, 16)
    with pytest.raises(QueryError, match="--since must be a date"):
        parse_day("16/11/2026", "--since")


def test_as_of_defaults_to_today_in_utc():
    p = resolve_period(None, None, None)
    today = datetime.now(UTC).date()
    assert p.until.date() <= today < p.until.date() + timedelta(days=7)
