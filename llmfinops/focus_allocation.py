"""Split cost allocation for the FOCUS 1.3 export: who receives the cost of the calls without a team.

The weights are the chargeback's (:func:`llmfinops.report.chargeback.weights` over the items of
``queries/report_chargeback_items.sql``), so the export and the chargeback report split the same
cost the same way: per team, the allocated rows of the export add up to the team's shared line of
the chargeback statement (before that line is rounded to the cent). Adjustments (markups and
discounts) are not cost and stay out. ``queries/focus_allocate.sql`` does the split itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pyarrow as pa

from llmfinops.config import Config
from llmfinops.period import Period
from llmfinops.report.chargeback import UNALLOCATED, weights
from llmfinops.report.statement import chargeback_items

PLACES = Decimal("1e-12")  # DECIMAL(38,12), the scale of the export's money and quantities
RATIO_TYPE = pa.decimal128(38, 12)

# One documented AllocatedMethodId per chargeback rule (docs/reconcile-and-focus.md).
METHOD_IDS = {
    "proportional": "llmfinops:chargeback:proportional",
    "even": "llmfinops:chargeback:even",
    "owner": "llmfinops:chargeback:owner",
}


@dataclass(frozen=True)
class Share:
    """One receiving team: its ratio of every origin row and what the rule measured for it."""

    team: str
    ratio: Decimal  # 12 places; the shares of a plan sum to exactly 1
    usage_unit: str  # 'USD' (proportional: the team's attributed cost) or 'Teams' (even, owner)
    usage_quantity: Decimal


@dataclass(frozen=True)
class AllocationPlan:
    rule: str  # the rule applied: proportional | even | owner | unallocated (no team to give it to)
    method_id: str | None
    shares: tuple[Share, ...]

    def table(self) -> pa.Table:
        """The plan as the ``allocation_ratios`` relation of queries/focus_allocate.sql."""
        return pa.table(
            {
                "team": pa.array([s.team for s in self.shares], pa.string()),
                "ratio": pa.array([s.ratio for s in self.shares], RATIO_TYPE),
                "usage_unit": pa.array([s.usage_unit for s in self.shares], pa.string()),
                "usage_quantity": pa.array([s.usage_quantity for s in self.shares], RATIO_TYPE),
                "method_id": pa.array([self.method_id] * len(self.shares), pa.string()),
            }
        )


def ratios(fractions: dict[str, Decimal]) -> dict[str, Decimal]:
    """The fractions to 12 places, half away from zero, and the remainder to the last team by
    name, so that they sum to exactly 1. Teams with a fraction of 0 receive nothing."""
    teams = sorted(t for t, f in fractions.items() if f != 0)
    out = {t: fractions[t].quantize(PLACES, rounding=ROUND_HALF_UP) for t in teams[:-1]}
    if teams:
        out[teams[-1]] = Decimal(1) - sum(out.values(), Decimal(0))
    return out


def allocation_plan(con: duckdb.DuckDBPyConnection, period: Period, config: Config) -> AllocationPlan:
    """Who receives the period's cost without a team, by the config's chargeback rule."""
    items = chargeback_items(con, {"since": period.since, "until": period.until})
    attributed: dict[str, Decimal] = {}
    for item in items:
        attributed[item.team] = attributed.get(item.team, Decimal(0)) + item.cost
    fractions, rule = weights(attributed, config.allocation, config.owner_team)
    if rule == "unallocated" or UNALLOCATED in fractions:
        return AllocationPlan("unallocated", None, ())
    shares = tuple(
        Share(team, ratio, "USD", attributed[team])
        if rule == "proportional"
        # even and owner measure teams: each receiving team counts as one.
        else Share(team, ratio, "Teams", Decimal(1))
        for team, ratio in ratios(fractions).items()
    )
    return AllocationPlan(rule, METHOD_IDS[rule], shares)
