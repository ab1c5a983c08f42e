"""Properties of FOCUS 1.3 split cost allocation that the validator does not check.

For any calls and any chargeback rule:
  * the allocated rows of an origin row (a row of calls without a team) sum exactly to it, in every
    cost and quantity column, and carry its other columns unchanged;
  * the AllocatedRatio values of an origin sum to exactly 1;
  * on a warehouse without provider cost exports, the export's BilledCost total is the chargeback's
    sum of team subtotals to the cent, and each team's allocated cost is its shared line before
    rounding (to a nano-dollar: the chargeback sums costs in SQL and keeps nine places).
"""

from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmfinops.cli import app
from llmfinops.cli.app import run_app
from llmfinops.config import Config
from llmfinops.focus import focus_rows
from llmfinops.period import between
from llmfinops.report.chargeback import from_sql, round_cents
from llmfinops.report.statement import build_chargeback
from llmfinops.store import Warehouse, connect

SPLIT = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "PricingQuantity", "ConsumedQuantity")
ALLOCATED = (
    "AllocatedMethodDetails", "AllocatedMethodId", "AllocatedResourceId", "AllocatedResourceName",
    "AllocatedTags",
)  # fmt: skip
TEAMS = ("alpha", "beta", "gamma", None)
PERIOD = between(date(2026, 11, 10), date(2026, 11, 13))

call = st.fixed_dictionaries(
    {
        "team": st.sampled_from(TEAMS),
        "feature": st.sampled_from(("chat", "search", None)),
        "kind": st.sampled_from(("openai", "anthropic", "reported", "unpriced")),
        "day": st.integers(10, 12),
        "input": st.integers(0, 2_000_000),
        "output": st.integers(0, 200_000),
        "cents": st.integers(1, 100_000),  # a reported cost in hundredths of a cent
    }
)


def record(n: int, c: dict) -> dict:
    base = {"ts": f"2026-11-{c['day']}T12:00:00Z", "request_id": f"prop-{n}", "input_tokens": c["input"],
            "output_tokens": c["output"], "team": c["team"], "feature": c["feature"]}  # fmt: skip
    if c["kind"] == "openai":
        return base | {"provider": "openai", "model": "gpt-4o-mini"}
    if c["kind"] == "anthropic":
        return base | {"provider": "anthropic", "model": "claude-haiku-4-5"}
    if c["kind"] == "reported":
        return base | {"model": "acme-self-hosted", "cost_usd": c["cents"] / 10_000}
    return base | {"model": "mystery-model-9"}


def key(row: dict) -> tuple:
    """An origin's identity: every column allocation leaves unchanged."""
    return tuple(v for k, v in row.items() if k not in SPLIT and k not in ALLOCATED)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    calls=st.lists(call, min_size=1, max_size=8),
    rule=st.sampled_from(("proportional", "even", "owner")),
    owner=st.sampled_from(("alpha", "gamma", "delta")),
)
def test_allocation_sums_ratios_and_the_chargeback(calls, rule, owner):
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp) / "logs"
        logs.mkdir()
        lines = [
            json.dumps({k: v for k, v in record(n, c).items() if v is not None}) for n, c in enumerate(calls)
        ]
        (logs / "calls.jsonl").write_text("\n".join(lines) + "\n")
        wh = Path(tmp) / "wh"
        assert run_app(app, ["ingest", str(logs), "-w", str(wh), "-q"]) == 0
        cfg = Config(
            allocation=rule, owner_team=owner if rule == "owner" else None, adjustments={"beta": 0.2}
        )
        con = connect(Warehouse.at(wh))
        try:
            plain = focus_rows(con, PERIOD, cfg).table.to_pylist()
            result = focus_rows(con, PERIOD, cfg, allocate=True)
            statement = build_chargeback(con, PERIOD, cfg)
        finally:
            con.close()
    rows = result.table.to_pylist()

    origins = {key(r): r for r in plain if r["x_Team"] is None}
    parts: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        if r["AllocatedResourceId"] is not None:
            parts[key(r)].append(r)
    if result.plan is not None and result.plan.shares:
        assert set(parts) == set(origins)
        for k, origin in origins.items():
            for column in SPLIT:
                assert sum(p[column] for p in parts[k]) == origin[column], column
            details = [json.loads(p["AllocatedMethodDetails"], parse_float=Decimal) for p in parts[k]]
            ratios = [d["Elements"][0]["AllocatedRatio"] for d in details]
            assert sum(ratios) == 1
            assert [p["AllocatedResourceId"] for p in parts[k]] == sorted(s.team for s in result.plan.shares)
    else:  # no team to give the cost to: the rows stay whole
        assert not parts and len(rows) == len(plain)

    total = sum((r["BilledCost"] for r in rows), Decimal(0))
    assert total == sum((r["BilledCost"] for r in plain), Decimal(0))
    summary = statement.tables["chargeback_summary"].to_pylist()
    assert round_cents(from_sql(total)) == sum(round_cents(t["subtotal_usd"]) for t in summary)

    allocated: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        if r["AllocatedResourceId"] is not None:
            allocated[r["AllocatedResourceId"]] += r["BilledCost"]
    shared = {
        line["team"]: Decimal(repr(line["exact_usd"]))
        for line in statement.tables["chargeback_statement"].to_pylist()
        if line["line_type"] == "shared" and line["exact_usd"] != 0
    }
    if result.plan is not None and result.plan.rule != "unallocated":
        assert set(allocated) == set(shared)
        for team, amount in allocated.items():
            assert abs(amount - shared[team]) <= Decimal("2e-9"), team
