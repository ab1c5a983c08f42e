"""The one rule of a successful task (the macro ``task_succeeded``, queries/calls_in_period.sql).

A task succeeded when its last non-NULL task_outcome is 'success'; when it logged no outcome,
when its last call (by ts, then step, then call_id) has status 'ok' — never NULL. cost-per-task,
agent-loops, the runaway-task report and savings all judge tasks by it. Each task below is one
the rule decides differently from a plausible shortcut (named in its comment); each has 2 steps.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_metrics_sql import make_connection

from llmfinops import schema
from llmfinops.metrics import compute, resolve_period
from llmfinops.store import Warehouse
from llmfinops.store.catalog import refresh_catalog

W47 = resolve_period("2026-W47", None, None)
START = datetime(2026, 11, 17, 10, tzinfo=UTC)


def step(
    task: str, i: int, status: str | None, outcome: str | None, *, call_id: str = "", minute: int = 0
) -> dict:
    return dict(
        call_id=call_id or f"{task}-{i}", ts=START + timedelta(minutes=minute or i), task_id=task, step=i,
        status=status, task_outcome=outcome, cost_usd=0.10, input_tokens=100, output_tokens=10,
        feature="agent", team="platform", response_cache_hit=False,
    )  # fmt: skip


CALLS = [
    # S1 succeeded: outcome 'success', then a call with no outcome that errored
    #    (the last outcome WITHOUT skipping NULLs would be NULL, and the last status 'error')
    step("S1", 1, "ok", "success"),
    step("S1", 2, "error", None),
    # F1 failed: outcome 'failure', then an ok call with no outcome
    step("F1", 1, "ok", "failure"),
    step("F1", 2, "ok", None),
    # F2 failed: 'success' then 'failure' (the LAST outcome decides, not any 'success')
    step("F2", 1, "ok", "success"),
    step("F2", 2, "ok", "failure"),
    # S2 succeeded: no outcome; an error, retried ok (the last status decides, not any error)
    step("S2", 1, "error", None),
    step("S2", 2, "ok", None),
    # F3 failed: no outcome; the last call's status is NULL (not succeeded, and not NULL either:
    #    agent-loops' success rate is an avg, which would skip a NULL and count 1 of 5 tasks fewer)
    step("F3", 1, "ok", None),
    step("F3", 2, None, None),
    # S3 succeeded: both calls at the same ts; step decides the order before call_id
    #    (by call_id alone, 'S3-z' = step 1, the error, would be last)
    step("S3", 1, "error", None, call_id="S3-z", minute=5),
    step("S3", 2, "ok", None, call_id="S3-a", minute=5),
]
EXPECTED = {"S1": True, "S2": True, "S3": True, "F1": False, "F2": False, "F3": False}
JUDGE = "SELECT task_id, task_succeeded(task_outcome, status, ts, step, call_id) FROM calls GROUP BY task_id"


def check(judged: dict, cost_per_task: dict, agent_loops: dict) -> None:
    assert judged == EXPECTED
    # 6 tasks, 3 succeeded; 12 calls x $0.10 = $1.20; per success 1.20 / 3 = 0.40
    assert (cost_per_task["tasks"], cost_per_task["successful_tasks"]) == (6, 3)
    assert math.isclose(cost_per_task["cost_per_successful_task"], 0.40, rel_tol=1e-9)
    # every task has 2 steps: success_rate_2_3 = 3 / 6 (F3 counts as failed, not left out)
    rates = (agent_loops["tasks"], agent_loops["success_rate_2_3"], agent_loops["success_rate_1"])
    assert rates == (6, 0.5, None)


def test_the_rule_on_a_metrics_connection():
    con = make_connection(CALLS)
    (per_task,) = compute(con, "cost-per-task", period=W47).to_pylist()
    (loops,) = compute(con, "agent-loops", period=W47).to_pylist()
    assert per_task["feature"] == loops["feature"] == "agent"
    check(dict(con.execute(JUDGE).fetchall()), per_task, loops)


def test_the_rule_in_the_analyst_file(tmp_path):
    # the analyst DuckDB file gets the macro with the metric macros: its own query and theirs agree
    wh = Warehouse(tmp_path / "wh")
    building = wh.begin_generation()
    part = building / f"day={START.date().isoformat()}" / "part.parquet"
    part.parent.mkdir(parents=True)
    names = sorted({k for r in CALLS for k in r}, key=schema.COLUMN_NAMES.index)
    pq.write_table(schema.conform(pa.table({c: [r.get(c) for r in CALLS] for c in names})), part)
    wh.publish(building)
    assert refresh_catalog(wh) is None
    con = duckdb.connect(str(wh.catalog_path), read_only=True)
    try:
        bounds = {"since": W47.since, "until": W47.until}

        def macro(name: str) -> list[dict]:
            return con.sql(f"FROM {name}($since, $until)", params=bounds).to_arrow_table().to_pylist()

        (per_task,), (loops,) = macro("metric_cost_per_task"), macro("metric_agent_loops")
        check(dict(con.execute(JUDGE).fetchall()), per_task, loops)
    finally:
        con.close()


@pytest.mark.parametrize("name", ["metric_cost_per_task", "metric_agent_loops"])
def test_the_metrics_use_the_macro_rather_than_a_copy_of_the_rule(name):
    from llmfinops import sqlfiles

    body = "\n".join(line for line in sqlfiles.load(name).splitlines() if not line.startswith("--"))
    assert "task_succeeded(task_outcome, status, ts, step, call_id)" in body
    assert "'success'" not in body
