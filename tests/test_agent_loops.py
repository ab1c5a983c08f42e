"""agent-loops on hand-built agent tasks (a runaway one included), every column worked by hand.

Tasks of feature `agent` (week 2026-W47); a step i sends (2i - 1) x 1,000 input tokens, so the
cumulative input at index i is 1,000 x i^2: the context growth exponent is exactly 2.
  T1  1 step,  success (outcome)          0.10
  T2  2 steps, success (last call ok)     0.10 + 0.15 = 0.25
  T3  3 steps, outcome failure            3 x 0.20 = 0.60   (over the $0.50 budget)
  T4  4 steps, success (last call ok)     4 x 0.05 = 0.20
  T5 16 steps, last call error: failed    15 x 0.25 = 3.75, and step 16 unpriced  (the runaway)
Feature `helper`: T6, 2 steps, the second a response-cache hit (its tokens reached no model).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pytest
from test_metrics_sql import make_connection

from llmfinops.config import parse_config
from llmfinops.metrics import compute, resolve_period
from llmfinops.whatif import parse_rules, whatif

W47 = resolve_period("2026-W47", None, None)
START = datetime.fromisoformat("2026-11-17T10:00:00+00:00")


def task(
    task_id: str, day: int, costs: list[float | None], feature: str = "agent", **last: object
) -> list[dict]:
    rows = []
    for i, cost in enumerate(costs, start=1):
        rows.append(
            dict(call_id=f"{task_id}-{i:02d}", ts=START + timedelta(days=day, minutes=i), task_id=task_id,
                 step=i, status="ok", cost_usd=cost, input_tokens=(2 * i - 1) * 1000, output_tokens=100,
                 cached_input_tokens=0, feature=feature, team="platform", model="claude-sonnet-4-20250514",
                 provider="anthropic", model_tier="mid", response_cache_hit=False)
        )  # fmt: skip
    rows[-1].update(last)
    return rows


CALLS = [
    *task("T1", 0, [0.10], task_outcome="success"),
    *task("T2", 0, [0.10, 0.15]),
    *task("T3", 1, [0.20, 0.20, 0.20], task_outcome="failure"),
    *task("T4", 1, [0.05] * 4),
    *task("T5", 2, [0.25] * 15 + [None], status="error"),
    *task("T6", 3, [0.01, 0.0], feature="helper", response_cache_hit=True, input_tokens=5000),
]
# T6: step 1 sends 1,000 tokens; step 2 is a cache hit (its logged 5,000 count as none).
for row in CALLS:
    if row["call_id"] == "T6-01":
        row["input_tokens"] = 2000

COLUMNS = (
    "feature", "tasks", "steps_p50", "steps_p95", "steps_max", "cost_per_task_p50", "cost_per_task_p95",
    "cost_per_task_max", "top5pct_cost_share", "input_tokens_step1", "input_tokens_last",
    "context_growth_exponent", "success_rate_1", "success_rate_2_3", "success_rate_4_7", "success_rate_8_15",
    "success_rate_16_plus", "runaway_tasks", "suggested_step_cap", "step_cap_savings_usd", "cost_usd",
    "unpriced_calls",
    "partially_priced_calls",
)  # fmt: skip


@pytest.fixture(scope="module")
def con():
    return make_connection(CALLS)


def same(got: object, want: object) -> bool:
    if isinstance(want, float):
        return got is not None and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)  # type: ignore[arg-type]
    return got == want


def test_agent_loops_every_column(con):
    table = compute(con, "agent-loops", period=W47)
    assert tuple(table.column_names) == COLUMNS
    rows = {r["feature"]: r for r in table.to_pylist()}
    assert list(rows) == ["agent", "helper"]  # most expensive first
    agent = {
        "tasks": 5,
        # steps 1, 2, 3, 4, 16: p50 = 3; p95 at position 0.95 x 4 = 3.8: 4 + 0.8 x (16 - 4) = 13.6
        "steps_p50": 3.0, "steps_p95": 13.6, "steps_max": 16,
        # costs sorted 0.10, 0.20, 0.25, 0.60, 3.75: p50 0.25; p95 0.60 + 0.8 x (3.75 - 0.60) = 3.12
        "cost_per_task_p50": 0.25, "cost_per_task_p95": 3.12, "cost_per_task_max": 3.75,
        # ceil(5% of 5) = 1 costliest task: T5, 3.75 of 0.10 + 0.25 + 0.60 + 0.20 + 3.75 = 4.90
        "top5pct_cost_share": 3.75 / 4.90,
        # every task's index 1 sends 1,000; last indexes send 1,000, 3,000, 5,000, 7,000, 31,000 -> 47,000 / 5
        "input_tokens_step1": 1000.0, "input_tokens_last": 9400.0,
        "context_growth_exponent": 2.0,  # ln(1,000 i^2) = ln 1,000 + 2 ln i, over T2-T5 (T1 has 1 step)
        # 1 step: T1 succeeded; 2-3: T2 yes, T3 no; 4-7: T4 yes; 8-15: none; 16+: T5 no
        "success_rate_1": 1.0, "success_rate_2_3": 0.5, "success_rate_4_7": 1.0, "success_rate_8_15": None,
        "success_rate_16_plus": 0.0,
        # successful steps 1, 2, 4: P99 = 2 + 0.98 x (4 - 2) = 3.96 -> T4 (4) and T5 (16) run away by steps;
        # T3 (0.60) and T5 (3.75) cost more than the $0.50 budget -> {T3, T4, T5}
        "runaway_tasks": 3,
        # quantile_disc(0.95) of 1, 2, 4: the ceil(3 x 0.95) = 3rd smallest = 4
        "suggested_step_cap": 4,
        # calls at index > 4: T5's 5..15 at 0.25 (11 x 0.25 = 2.75) and its unpriced 16th
        "step_cap_savings_usd": 2.75,
        "cost_usd": 4.90, "unpriced_calls": 1, "partially_priced_calls": 0,
    }  # fmt: skip
    helper = {
        "tasks": 1, "steps_p50": 2.0, "steps_p95": 2.0, "steps_max": 2,
        "cost_per_task_p50": 0.01, "cost_per_task_p95": 0.01, "cost_per_task_max": 0.01,
        "top5pct_cost_share": 1.0,
        # the last index is a response-cache hit: no input reached a model, so no mean
        "input_tokens_step1": 2000.0, "input_tokens_last": None,
        # cumulative input 2,000 at i = 1 and still 2,000 at i = 2: slope 0
        "context_growth_exponent": 0.0,
        "success_rate_1": None, "success_rate_2_3": 1.0, "success_rate_4_7": None, "success_rate_8_15": None,
        "success_rate_16_plus": None,
        "runaway_tasks": 0,  # P99 of {2} is 2, not exceeded; $0.01 is under budget
        "suggested_step_cap": 2, "step_cap_savings_usd": 0.0, "cost_usd": 0.01, "unpriced_calls": 0,
        "partially_priced_calls": 0,
    }  # fmt: skip
    for name, want in (("agent", agent), ("helper", helper)):
        for column, value in want.items():
            assert same(rows[name][column], value), (name, column, rows[name][column], value)


def test_the_task_budget_comes_from_the_config(con):
    # $0.15: T2 (0.25), T3, T4 (0.20), T5 cost more; T4 and T5 also by steps -> 4 of 5
    config = parse_config({"agents": {"task_budget_usd": 0.15}})
    rows = {r["feature"]: r for r in compute(con, "agent-loops", period=W47, config=config).to_pylist()}
    assert rows["agent"]["runaway_tasks"] == 4


def test_step_cap_savings_is_what_whatif_saves(con):
    saved = {r["feature"]: r for r in whatif(con, parse_rules(step_cap=["agent=4"]), period=W47).to_pylist()}
    # 11 priced calls dropped (T5's 5th-15th), its unpriced 16th counted apart
    assert math.isclose(saved["agent"]["savings_usd"], 2.75, rel_tol=1e-9)
    assert (saved["agent"]["calls_dropped"], saved["agent"]["unpriced_calls"]) == (11, 1)


def test_agent_loops_is_an_analyst_macro(con):
    con.execute("RESET VARIABLE agents_task_budget_usd")  # an analyst's session: the default $0.50
    got = con.execute(
        'SELECT "group", runaway_tasks '
        "FROM metric_agent_loops(TIMESTAMPTZ '2026-11-16', TIMESTAMPTZ '2026-11-23')"
    ).fetchall()
    assert sorted(got, key=lambda r: r[0]) == [("agent", 3), ("helper", 0)]
