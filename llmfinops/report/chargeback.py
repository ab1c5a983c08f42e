"""Chargeback arithmetic: split the shared cost by the config's rule, round to the cent so that
every line, every team and the grand total add up exactly.

Pure functions over a handful of rows (one per team, feature and model), never over calls:
the SQL in ``queries/report_chargeback_*.sql`` has already summed the calls. Money is
``Decimal`` here, so the only rounding is the one to whole cents, done once, by the
largest-remainder method with ties broken by team name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from llmfinops.config import ALLOCATION_RULES

UNALLOCATED = "(unallocated)"  # the statement that holds shared cost when there is no team to give it to
USAGE, SHARED = "usage", "shared"


def to_decimal(value: float | int | Decimal | None) -> Decimal:
    """The decimal a float prints as (0.1 -> 0.1, not 0.1000000000000000055…); None is 0."""
    if value is None:
        return Decimal(0)
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)


NANO = Decimal("1e-9")


def from_sql(value: float | int | Decimal | None) -> Decimal:
    """A cost summed in SQL, to the nano-dollar: DuckDB's parallel float sums differ in their last
    bits from run to run, and such noise must never decide which line gets a cent."""
    return to_decimal(value).quantize(NANO)


def round_half_up(amount: Decimal) -> int:
    """The nearest integer, halves away from zero (the finance convention)."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_cents(dollars: Decimal) -> int:
    """Whole cents of a dollar amount, halves away from zero."""
    return round_half_up(dollars * 100)


def largest_remainder(total_cents: int, amounts: Sequence[Decimal], keys: Sequence[str]) -> list[int]:
    """Cents per amount (dollars) that sum to exactly ``total_cents``.

    Each amount gets the floor of its cents; the cents left over go one each to the amounts
    with the largest fractional part, ties to the smallest key (team name first), so the
    result never depends on the order the rows came in.
    """
    if len(amounts) != len(keys):
        raise ValueError("one key per amount")
    floors = [math.floor(a * 100) for a in amounts]
    left = total_cents - sum(floors)
    if not 0 <= left <= len(amounts):
        raise ValueError(f"cannot spread {left} cent(s) over {len(amounts)} line(s)")
    order = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] * 100 - floors[i]), keys[i]))
    for i in order[:left]:
        floors[i] += 1
    return floors


def weights(
    attributed: Mapping[str, Decimal], rule: str, owner_team: str | None
) -> tuple[dict[str, Decimal], str]:
    """Each team's fraction of the shared cost (summing to 1), and the rule actually applied.

    ``proportional`` with nothing attributed (every team's cost is 0) falls back to ``even``;
    with no team at all the shared cost stays on an ``(unallocated)`` statement.
    """
    if rule not in ALLOCATION_RULES:
        raise ValueError(f"unknown allocation rule {rule!r}")
    if rule == "owner":
        if not owner_team:
            raise ValueError("the owner rule needs an owner team")
        return {owner_team: Decimal(1)}, "owner"
    teams = sorted(attributed)
    if not teams:
        return {UNALLOCATED: Decimal(1)}, "unallocated"
    total = sum(attributed.values(), Decimal(0))
    if rule == "proportional" and total > 0:
        return {t: attributed[t] / total for t in teams}, "proportional"
    return {t: Decimal(1) / len(teams) for t in teams}, "even"


@dataclass(frozen=True)
class Item:
    """Logged cost of one (team, feature, model) in the period."""

    team: str
    feature: str | None
    model: str | None
    calls: int
    cost: Decimal


@dataclass(frozen=True)
class Line:
    """One line of a team's statement: a usage item, or the team's part of the shared cost."""

    team: str
    kind: str  # usage | shared
    feature: str | None
    model: str | None
    calls: int | None
    exact: Decimal  # dollars before rounding
    cents: int


@dataclass(frozen=True)
class TeamTotal:
    team: str
    usage_cents: int
    shared_cents: int
    weight: Decimal  # the team's fraction of the shared cost
    adjustment_rate: Decimal  # +0.10 = 10% markup, -0.05 = 5% discount
    adjustment_cents: int

    @property
    def subtotal_cents(self) -> int:
        return self.usage_cents + self.shared_cents

    @property
    def charged_cents(self) -> int:
        return self.subtotal_cents + self.adjustment_cents


@dataclass(frozen=True)
class Allocation:
    rule: str  # the rule applied (see weights())
    total_cents: int  # the period's total cost, which the lines add up to
    shared: Decimal  # the shared / unattributed cost that was allocated
    lines: tuple[Line, ...]
    teams: tuple[TeamTotal, ...]


def allocate(
    items: Sequence[Item],
    shared: Decimal,
    *,
    rule: str = "proportional",
    owner_team: str | None = None,
    adjustments: Mapping[str, float] | None = None,
) -> Allocation:
    """Statements for the teams of ``items`` plus their share of ``shared`` (NULL-team or
    billed-but-unattributed cost), rounded so that all lines sum to the cent to the total.

    The total is ``round(sum of items + shared)``; cents are spread over all lines at once, so
    lines add up to their team and teams add up to the total. Adjustments (markup or discount)
    are rounded per team and charged on top: they are not part of the period's cost.
    """
    attributed: dict[str, Decimal] = {}
    for item in items:
        attributed[item.team] = attributed.get(item.team, Decimal(0)) + item.cost
    fractions, applied = weights(attributed, rule, owner_team)
    ordered = sorted(items, key=lambda i: (i.team, -i.cost, i.feature or "\uffff", i.model or "\uffff"))
    # (team, kind, feature, model, calls, exact dollars) of every line, before rounding
    drafts: list[tuple[str, str, str | None, str | None, int | None, Decimal]]
    drafts = [(i.team, USAGE, i.feature, i.model, i.calls, i.cost) for i in ordered]
    if shared != 0:
        drafts += [(team, SHARED, None, None, None, shared * w) for team, w in sorted(fractions.items())]
    # The same team order for lines and tie-breaks: a team's lines, then its shared line.
    drafts.sort(key=lambda d: (d[0], d[1] == SHARED))
    exact = [d[5] for d in drafts]
    total_cents = round_cents(sum(attributed.values(), Decimal(0)) + shared)
    keys = [f"{d[0]}\x00{n:06d}" for n, d in enumerate(drafts)]
    cents = largest_remainder(total_cents, exact, keys)
    lines = tuple(Line(*d[:5], exact=d[5], cents=c) for d, c in zip(drafts, cents, strict=True))
    rates = {k: to_decimal(v) for k, v in (adjustments or {}).items()}
    teams = []
    for team in sorted(set(attributed) | set(fractions)):
        usage = sum(ln.cents for ln in lines if ln.team == team and ln.kind == USAGE)
        share = sum(ln.cents for ln in lines if ln.team == team and ln.kind == SHARED)
        rate = rates.get(team, Decimal(0))
        teams.append(
            TeamTotal(
                team=team,
                usage_cents=usage,
                shared_cents=share,
                weight=fractions.get(team, Decimal(0)),
                adjustment_rate=rate,
                adjustment_cents=round_half_up((usage + share) * rate),
            )
        )
    return Allocation(applied, total_cents, shared, lines, tuple(teams))


def dollars(cents: int) -> Decimal:
    """Cents as an exact two-decimal dollar amount (for CSV: 1234 -> 1234.56 style '12.34')."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))
