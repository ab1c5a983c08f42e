"""The chargeback report: SQL gives each team's logged cost by feature and model and the
period's total; :mod:`llmfinops.report.chargeback` splits and rounds; this module wires the two
and lays the result out as the statement tables (also the CSV files for finance).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from llmfinops import sqlfiles
from llmfinops.config import Config
from llmfinops.period import Period
from llmfinops.report.chargeback import (
    SHARED,
    UNALLOCATED,
    Allocation,
    Item,
    allocate,
    dollars,
    from_sql,
)
from llmfinops.report.model import ReportData, describe, period_params

MONEY = pa.decimal128(18, 2)  # exact cents in the CSV: 1234.56, never 1234.5600000001


def has_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the connection has a view ``name`` (billed_costs is newer than some warehouses)."""
    rows = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = $name", {"name": name}
    ).fetchall()
    return bool(rows[0][0])


def rule_text(allocation: Allocation, configured: str, owner_team: str | None, teams: int) -> str:
    """The allocation rule as printed on every statement."""
    what = f"Shared and unattributed cost (${allocation.shared:,.2f})"
    if allocation.rule == "owner":
        return f"{what} is charged in full to the owner team {owner_team}."
    if allocation.rule == "unallocated":
        return f"{what} has no team to go to: it stays unallocated."
    if allocation.rule == "even":
        why = "" if configured == "even" else " (proportional has nothing to go by: no team has priced cost)"
        return f"{what} is split evenly across the {teams} team(s) with calls{why}."
    return f"{what} is allocated in proportion to each team's attributed spend."


def _totals(con: duckdb.DuckDBPyConnection, params: dict[str, Any], unattributed: Decimal) -> dict[str, Any]:
    """The period's total: billed amounts where the providers' cost exports cover a provider-day."""
    facts: dict[str, Any] = {"billed": False, "no_team_usd": unattributed}
    if has_view(con, "billed_costs"):
        billed = sqlfiles.run(con, "report_chargeback_billed", params).to_pylist()[0]
        if billed["billed_provider_days"]:
            facts.update(
                billed=True,
                total=from_sql(billed["total_usd"]),
                billed_usd=from_sql(billed["billed_usd"]),
                billing_difference_usd=(
                    from_sql(billed["billed_usd"]) - from_sql(billed["logged_on_billed_usd"])
                ),
                billed_provider_days=billed["billed_provider_days"],
            )
    return facts


def chargeback_items(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> list[Item]:
    """The team-tagged cost of the period by (team, feature, model): what the rule weighs.

    Also the input of the FOCUS split cost allocation (llmfinops/focus_allocation.py), so that
    the export and the chargeback split by the same weights.
    """
    return [
        Item(r["team"], r["feature"], r["model"], r["calls"], from_sql(r["cost_usd"]))
        for r in sqlfiles.run(con, "report_chargeback_items", params).to_pylist()
    ]


def build_chargeback(con: duckdb.DuckDBPyConnection, period: Period, config: Config) -> ReportData:
    params = period_params(period)
    team_rows = sqlfiles.run(con, "report_chargeback_teams", params).to_pylist()
    items = chargeback_items(con, params)
    no_team = next((r for r in team_rows if r["team"] is None), None)
    unattributed = from_sql(no_team["cost_usd"]) if no_team else Decimal(0)
    facts = _totals(con, params, unattributed)
    attributed = sum((i.cost for i in items), Decimal(0))
    # With billed totals as the truth, everything the team-tagged calls do not explain is shared.
    shared = facts["total"] - attributed if facts["billed"] else unattributed
    allocation = allocate(
        items, shared, rule=config.allocation, owner_team=config.owner_team, adjustments=config.adjustments
    )
    named_teams = sum(1 for t in allocation.teams if t.team != UNALLOCATED)
    facts.update(
        calls=sum(r["calls"] for r in team_rows),
        period_days=describe(period),
        attributed_usd=attributed,
        shared_usd=shared,
        total_cents=allocation.total_cents,
        rule=allocation.rule,
        configured_rule=config.allocation,
        owner_team=config.owner_team,
        rule_text=rule_text(allocation, config.allocation, config.owner_team, named_teams),
        charged_cents=sum(t.charged_cents for t in allocation.teams),
        unpriced_calls=sum(r["unpriced_calls"] for r in team_rows),
    )
    tables = {
        "chargeback_summary": _summary(allocation),
        "chargeback_statement": _statement(allocation),
        "chargeback_reconciliation": _reconciliation(allocation, facts),
    }
    return ReportData("chargeback", period, period.previous(), tables, facts)


def _summary(allocation: Allocation) -> pa.Table:
    rows = [
        {
            "team": t.team,
            "usage_usd": dollars(t.usage_cents),
            "shared_usd": dollars(t.shared_cents),
            "subtotal_usd": dollars(t.subtotal_cents),
            "share_of_total": t.subtotal_cents / allocation.total_cents if allocation.total_cents else None,
            "shared_weight": float(t.weight),
            "adjustment_rate": float(t.adjustment_rate),
            "adjustment_usd": dollars(t.adjustment_cents),
            "charged_usd": dollars(t.charged_cents),
        }
        for t in allocation.teams
    ]
    schema = pa.schema(
        [
            ("team", pa.string()),
            ("usage_usd", MONEY),
            ("shared_usd", MONEY),
            ("subtotal_usd", MONEY),
            ("share_of_total", pa.float64()),
            ("shared_weight", pa.float64()),
            ("adjustment_rate", pa.float64()),
            ("adjustment_usd", MONEY),
            ("charged_usd", MONEY),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def _reconciliation(allocation: Allocation, facts: dict[str, Any]) -> pa.Table:
    """One row: how the period's total splits, and which rule split it."""

    def cents(value: Decimal | None) -> Decimal | None:
        return None if value is None else value.quantize(Decimal("0.01"))

    row = {
        "total_usd": dollars(allocation.total_cents),
        "attributed_usd": cents(facts["attributed_usd"]),
        "shared_usd": cents(facts["shared_usd"]),
        "no_team_usd": cents(facts["no_team_usd"]),
        "billed_usd": cents(facts.get("billed_usd")),
        "billing_difference_usd": cents(facts.get("billing_difference_usd")),
        "allocation_rule": facts["rule"],
        "owner_team": facts["owner_team"] if facts["rule"] == "owner" else None,
        "adjustments_usd": dollars(sum(t.adjustment_cents for t in allocation.teams)),
        "charged_usd": dollars(facts["charged_cents"]),
    }
    types = {"allocation_rule": pa.string(), "owner_team": pa.string()}
    schema = pa.schema([(k, types.get(k, MONEY)) for k in row])
    return pa.Table.from_pylist([row], schema=schema)


def _statement(allocation: Allocation) -> pa.Table:
    """Every line of every team's statement: usage items, the shared line, the adjustment."""
    rows: list[dict[str, Any]] = []
    for team in allocation.teams:
        for line in (ln for ln in allocation.lines if ln.team == team.team):
            rows.append(
                {
                    "team": line.team,
                    "line_type": line.kind,
                    "feature": line.feature,
                    "model": line.model,
                    "calls": line.calls,
                    "exact_usd": float(line.exact),
                    "amount_usd": dollars(line.cents),
                }
            )
        if team.adjustment_cents or team.adjustment_rate:
            rows.append(
                {
                    "team": team.team,
                    "line_type": "adjustment",
                    "feature": None,
                    "model": None,
                    "calls": None,
                    "exact_usd": float(team.adjustment_rate * team.subtotal_cents / 100),
                    "amount_usd": dollars(team.adjustment_cents),
                }
            )
    schema = pa.schema(
        [
            ("team", pa.string()),
            ("line_type", pa.string()),
            ("feature", pa.string()),
            ("model", pa.string()),
            ("calls", pa.int64()),
            ("exact_usd", pa.float64()),
            ("amount_usd", MONEY),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


__all__ = ["SHARED", "build_chargeback", "chargeback_items", "has_view", "rule_text"]
