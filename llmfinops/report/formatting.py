"""Numbers for people in the HTML report: $1,234.56, 12.3%, ▲/▼ against the previous period.

Money goes through :func:`llmfinops.metrics.display.money`, the formatter the terminal tables
use, so a figure reads the same in both. Every function takes None (no value) and returns "—".
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape

from llmfinops.metrics.display import MISSING, money, signed_money

NO_VALUE = "(none)"  # how a NULL team, feature, user or model reads in a table


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def usd(value: Any) -> str:
    """An amount of spend: $1,234.56; a non-zero amount under half a cent reads <$0.01."""
    number = _number(value)
    if number is None:
        return MISSING
    if 0 < abs(number) < 0.005:
        return "<$0.01" if number > 0 else "-<$0.01"
    return f"{'-' if number < 0 else ''}${abs(number):,.2f}"


def signed_usd(value: Any) -> str:
    """A change to the cent with its sign: +$28.97, -$0.20; $0.00 under half a cent."""
    number = _number(value)
    return MISSING if number is None else signed_money(number)


def unit_usd(value: Any) -> str:
    """A unit cost (per task, action, user): up to four decimals under a dollar ($0.0042), as
    the terminal tables write them (llmfinops.metrics.display.money)."""
    number = _number(value)
    return MISSING if number is None else money(number)


def usd_cents(value: Any) -> str:
    """Exactly two decimals, for statements that must add up on paper: $0.00, $1,234.56."""
    number = _number(value)
    if number is None:
        return MISSING
    amount = Decimal(str(value)) if isinstance(value, Decimal) else Decimal(repr(number))
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def pct(value: Any, digits: int = 1) -> str:
    """A share or rate as 12.3%."""
    number = _number(value)
    return MISSING if number is None else f"{number * 100:,.{digits}f}%"


def count(value: Any) -> str:
    number = _number(value)
    return MISSING if number is None else f"{round(number):,}"


def ratio(value: Any) -> str:
    """Three significant digits under 10 (0.0163, 1.77), two decimals above (23.57)."""
    number = _number(value)
    if number is None:
        return MISSING
    return f"{number:,.2f}" if abs(number) >= 10 or number == 0 else f"{number:#.3g}".rstrip(".")


def over_under(value: Any) -> str:
    """Projected minus budget as words: $36.74 over, $0.95 under."""
    number = _number(value)
    if number is None:
        return MISSING
    return f"{usd(abs(number))} {'over' if number > 0 else 'under'}"


def label(value: Any) -> str:
    """A dimension value; NULL reads as (none)."""
    if value is None:
        return NO_VALUE
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def delta(current: Any, previous: Any, mode: str = "relative", good: str = "down") -> Markup:
    """▲ 12.3% / ▼ 4.0 pp against the previous period, as an HTML span.

    mode ``relative`` is the relative change of an amount; ``points`` the difference of two
    rates in percentage points. ``good`` is the direction that is good news (``down`` for
    cost, ``up`` for e.g. cache hit rates, ``none`` when neither): it only picks the colour;
    the arrow carries the meaning, so the report reads the same printed in grey.
    """
    cur, prev = _number(current), _number(previous)
    if cur is None or prev is None:
        return Markup('<span class="delta none">{}</span>').format("new" if cur and prev is None else MISSING)
    diff = cur - prev
    if mode == "points":
        text = f"{abs(diff) * 100:,.1f} pp"
        flat = abs(diff) < 0.0005
    elif prev == 0:
        return Markup('<span class="delta none">{}</span>').format("new" if cur else "0")
    else:
        change = diff / abs(prev)
        text = f"{abs(change) * 100:,.1f}%"
        flat = abs(change) < 0.0005
    if flat:
        return Markup('<span class="delta flat">{}</span>').format("= 0")
    arrow = "▲" if diff > 0 else "▼"
    tone = "neutral" if good == "none" else ("good" if (diff > 0) == (good == "up") else "bad")
    return Markup('<span class="delta {}">{} {}</span>').format(tone, arrow, text)


def filters() -> dict[str, Any]:
    """The Jinja filters the templates use."""
    return {
        "usd": usd,
        "signed_usd": signed_usd,
        "unit_usd": unit_usd,
        "over_under": over_under,
        "usd_cents": usd_cents,
        "pct": pct,
        "count": count,
        "ratio": ratio,
        "label": label,
        "e": escape,
    }
