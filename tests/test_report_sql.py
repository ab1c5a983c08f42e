"""The report SQL files against hand-built calls, every expected number worked by hand.

The report period is ISO 2026-W47 (Mon 2026-11-16 up to Mon 2026-11-23), the previous period
2026-W46. Costs are multiples of 1/4 so sums are exact in binary floating point. None of the
expected values comes from running the SQL.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from llmfinops import schema, sqlfiles
from llmfinops.config import Config, TierEconomics
from llmfinops.metrics import resolve_period
from llmfinops.metrics.computation import set_tier_economics
from llmfinops.report.model import period_params
from llmfinops.sqlfiles import run as run_query
from llmfinops.store.catalog import QUARANTINE_COLUMNS

W47 = resolve_period("2026-W47", None, None)
P = period_params(W47)  # since/until of W47, prev_since/prev_until of W46
N = None


def make_con(
    rows: list[dict[str, Any]],
    *,
    billed: list[dict[str, Any]] | None = None,
    quarantine: list[tuple] | None = None,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB shaped like the warehouse views: calls (with day), quarantine, and
    billed_costs when ``billed`` is given (else no such view, as in an older warehouse)."""
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"CREATE TABLE calls ({schema.duckdb_columns()}, day DATE)")
    if rows:
        names = [c for c in schema.COLUMN_NAMES if any(c in r for r in rows)]
        table = schema.conform(pa.table({c: [r.get(c) for r in rows] for c in names}))
        days = [r["ts"].astimezone(UTC).date() for r in rows]
        con.register("fixture_rows", table.append_column("day", pa.array(days, pa.date32())))
        con.execute("INSERT INTO calls SELECT * FROM fixture_rows")
        con.unregister("fixture_rows")
    con.execute(f"CREATE TABLE quarantine AS SELECT {QUARANTINE_COLUMNS} WHERE false")
    for q in quarantine or []:
        con.execute("INSERT INTO quarantine VALUES (?, ?, ?, ?, ?)", list(q))
    if billed is not None:
        con.execute(f"CREATE TABLE billed_rows AS SELECT {schema.BILLED_COSTS.null_columns()} WHERE false")
        for b in billed:
            start = datetime.fromisoformat(b["bucket_start"])
            con.execute(
                "INSERT INTO billed_rows (day, bucket_start, bucket_end, provider, cost_usd, currency) "
                "VALUES (?, ?, ?, ?, ?, 'USD')",
                [start.date(), start, start + timedelta(days=1), b["provider"], b["cost_usd"]],
            )
        con.execute("CREATE VIEW billed_costs AS FROM billed_rows")
    sqlfiles.install_macros(con)
    return con


def call(
    call_id: str, ts: str, cost: float | None, where: dict, who: dict, model: dict, **extra: Any
) -> dict:
    return dict(
        call_id=call_id, ts=datetime.fromisoformat(ts), cost_usd=cost, **where, **who, **model, **extra
    )


CHAT, SEARCH, SUMMARISE = (
    dict(feature="chat", team="growth"),
    dict(feature="search", team="docs"),
    dict(feature="summarise", team="docs"),
)
CHAT_NO_TEAM, NOTHING = dict(feature="chat"), {}
U1, U2, U3, U4 = (
    dict(user_id=u, user_tier=t) for u, t in (("u1", "pro"), ("u2", "free"), ("u3", "free"), ("u4", "pro"))
)
GPT4O = dict(model="gpt-4o", model_tier="frontier", provider="openai")
MINI = dict(model="gpt-4o-mini", model_tier="budget", provider="openai")
SONNET = dict(model="claude-sonnet-4", model_tier="mid", provider="anthropic")
ACME = dict(model="acme-llama")  # no tier, no provider: unpriced below

# fmt: off
CALLS = [
    # W47
    call("a1", "2026-11-16T10:00Z", 2.00, CHAT, U1, GPT4O, input_tokens=1000, cached_input_tokens=0,
         output_tokens=100, task_id="T1", action_id="A1", step=1, status="ok"),
    call("a2", "2026-11-16T10:01Z", 0.50, CHAT, U1, MINI, input_tokens=1000, cached_input_tokens=500,
         output_tokens=100, task_id="T1", action_id="A1", step=2, status="ok", task_outcome="success"),
    call("a3", "2026-11-17T09:00Z", 0.25, SEARCH, U2, MINI, input_tokens=2000, output_tokens=200,
         action_id="A2", status="ok"),
    call("a4", "2026-11-18T12:00Z", 0.00, SEARCH, U2, MINI, input_tokens=100, output_tokens=10,
         action_id="A3", status="ok", response_cache_hit=True),
    call("a5", "2026-11-19T08:00Z", 1.00, CHAT_NO_TEAM, U3, GPT4O, input_tokens=500, output_tokens=150,
         status="ok"),
    call("a6", "2026-11-20T08:00Z", None, NOTHING, {}, ACME, input_tokens=300, output_tokens=30, status="ok"),
    call("a7", "2026-11-21T08:00Z", 0.75, SUMMARISE, U4, SONNET, input_tokens=4000, cached_input_tokens=1000,
         output_tokens=400, action_id="A4", status="ok"),
    # W46 (the previous period)
    call("b1", "2026-11-10T10:00Z", 1.00, CHAT, U1, MINI, input_tokens=1000, output_tokens=100, task_id="T0",
         step=1, status="ok", task_outcome="success"),
    call("b2", "2026-11-11T10:00Z", 0.50, SEARCH, U2, MINI, input_tokens=1000, output_tokens=100,
         status="ok"),
]
# fmt: on
# W47 priced cost: 2 + .5 + .25 + 0 + 1 + .75 = 4.50 (a6 unpriced); W46: 1 + .5 = 1.50.


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = make_con(
        CALLS,
        quarantine=[
            ("f1.jsonl", 3, "native", "missing ts", datetime(2026, 11, 20, 7, tzinfo=UTC)),
            ("f1.jsonl", 9, "native", "missing ts", datetime(2026, 11, 21, 7, tzinfo=UTC)),
            ("f2.jsonl", 1, "native", "malformed JSON", datetime(2026, 11, 20, 7, tzinfo=UTC)),
        ],
    )
    set_tier_economics(
        c,
        Config(
            user_tiers={
                "pro": TierEconomics(arpu_usd_month=20.0, user_ceiling_usd=2.0),
                "free": TierEconomics(arpu_usd_month=0.0, user_ceiling_usd=0.5),
            }
        ),
    )
    return c


def check(table: pa.Table, expected: list[tuple], columns: tuple[str, ...] | None = None) -> None:
    """Row by row (floats to 1e-9 relative); ``columns`` picks and orders the columns compared."""
    names = columns or tuple(table.column_names)
    actual = [tuple(row[c] for c in names) for row in table.to_pylist()]
    assert len(actual) == len(expected), actual
    for got, want in zip(actual, expected, strict=True):
        for g, w in zip(got, want, strict=True):
            if isinstance(w, float):
                assert g is not None and math.isclose(g, w, rel_tol=1e-9, abs_tol=1e-12), (got, want)
            else:
                assert g == w, (got, want)


def test_headline(con):
    # W47: 7 calls, 4.50, a6 unpriced; users u1..u4 = 4; task T1 succeeded (outcome on a2) and
    # cost 2.50, so 2.50 per successful task. W46: 2 calls, 1.50, users u1, u2; T0 succeeded, 1.00.
    check(
        run_query(con, "report_headline", P),
        [(4.5, 1.5, 7, 2, 1, 4, 2, 1, 1, 2.5, 1.0, datetime(2026, 11, 21, 8, tzinfo=UTC))],
        (
            "cost_usd",
            "prev_cost_usd",
            "calls",
            "prev_calls",
            "unpriced_calls",
            "active_users",
            "prev_active_users",
            "successful_tasks",
            "prev_successful_tasks",
            "cost_per_successful_task",
            "prev_cost_per_successful_task",
            "last_call_at",
        ),
    )


def test_headline_of_an_empty_period_is_zeros(con):
    empty = period_params(resolve_period("2027-W05", None, None))
    row = run_query(con, "report_headline", empty).to_pylist()[0]
    assert (row["cost_usd"], row["calls"], row["active_users"], row["cost_per_successful_task"]) == (
        0,
        0,
        0,
        None,
    )


def test_spend_by_team_and_feature(con):
    # Teams: growth a1+a2 = 2.50 (W46 b1 1.00); docs a3+a4+a7 = 1.00 (W46 b2 .50); no team a5+a6
    # = 1.00. docs and no-team tie at 1.00: the NULL team goes last. Shares of 4.50.
    check(
        run_query(con, "report_spend_team_feature", P),
        [
            ("team", "growth", None, 2, 2.5, 2.5 / 4.5, 1.0),
            ("feature", "growth", "chat", 2, 2.5, 2.5 / 4.5, 1.0),
            ("team", "docs", None, 3, 1.0, 1 / 4.5, 0.5),
            ("feature", "docs", "summarise", 1, 0.75, 0.75 / 4.5, 0.0),
            ("feature", "docs", "search", 2, 0.25, 0.25 / 4.5, 0.5),
            ("team", None, None, 2, 1.0, 1 / 4.5, 0.0),
            ("feature", None, "chat", 1, 1.0, 1 / 4.5, 0.0),
            ("feature", None, None, 1, 0.0, 0.0, 0.0),
        ],
    )


def test_daily_spend_by_team_has_every_day_for_every_team(con):
    table = run_query(con, "report_daily_team", P)
    assert table.num_rows == 7 * 3  # 16..22 November x (docs, growth, no team)
    got = {(r["day"], r["team"]): (r["calls"], r["cost_usd"]) for r in table.to_pylist()}
    assert got[(date(2026, 11, 16), "growth")] == (2, 2.5)  # a1 + a2
    assert got[(date(2026, 11, 18), "docs")] == (1, 0.0)  # a4, a cache hit
    assert got[(date(2026, 11, 20), None)] == (1, 0.0)  # a6, unpriced
    assert got[(date(2026, 11, 22), "growth")] == (0, 0.0)  # no call: a zero, not a gap


def test_unit_economics(con):
    # chat: a1 a2 a5 = 3.50 (W46 b1 1.00). Task T1 -> 2.50 per success (W46 T0: 1.00).
    #   Actions A1 (a1, a2: 2.50) and call a5 (1.00): 1.75 per action, 1.5 calls per action
    #   (W46: task T0 is the action: 1.00, 1 call). Tokens in 1000+1000+500 = 2500, out
    #   100+100+150 = 350: 0.14 (W46 100/1000). Cached 500/2500 = 0.2. Tiers: a1 a5 frontier,
    #   a2 budget: 1/3, 0, 2/3 (W46: b1 budget, frontier 0).
    # summarise: a7 = .75, action A4; 400/4000 = 0.1; cached 1000/4000 = .25; mid.
    # search: a3 .25, a4 (cache hit) 0 -> 2 actions, .125 each; tokens of a3 only: 200/2000;
    #   hit rate 1/2; a3 budget. W46: b2 .50, its own action, 100/1000.
    # no feature: a6, unpriced: cost 0, one action costing 0; 30/300; no tier: every share 0.
    # fmt: off
    expected = [
        ("chat", 3, 3.5, 1.0, 1, 2.5, 1.0, 1.75, 1.0, 1.5, 1.0, 0.14, 0.1, 0.0, 0.0, 0.2, 0.0,
         1 / 3, 0.0, 2 / 3, 0.0),
        ("summarise", 1, 0.75, 0.0, 0, N, N, 0.75, N, 1.0, N, 0.1, N, 0.0, N, 0.25, N, 0.0, 1.0, 0.0, N),
        ("search", 2, 0.25, 0.5, 0, N, N, 0.125, 0.5, 1.0, 1.0, 0.1, 0.1, 0.5, 0.0, 0.0, 0.0,
         1.0, 0.0, 0.0, 0.0),
        (N, 1, 0.0, 0.0, 0, N, N, 0.0, N, 1.0, N, 0.1, N, 0.0, N, 0.0, N, 0.0, 0.0, 0.0, N),
    ]
    cols = ("feature", "calls", "cost_usd", "prev_cost_usd", "successful_tasks", "cost_per_successful_task",
            "prev_cost_per_successful_task", "cost_per_action", "prev_cost_per_action", "calls_per_action",
            "prev_calls_per_action", "output_token_ratio", "prev_output_token_ratio",
            "response_cache_hit_rate", "prev_response_cache_hit_rate", "prompt_cache_token_rate",
            "prev_prompt_cache_token_rate", "budget_call_share", "mid_call_share", "frontier_call_share",
            "prev_frontier_call_share")
    # fmt: on
    check(run_query(con, "report_unit_economics", P), expected, cols)
    assert tuple(run_query(con, "report_unit_economics", P).column_names) == cols


def test_tiers(con):
    # pro: u1 (a1 a2 = 2.50 on the 16th) and u4 (a7 = .75 on the 21st): 3.25 over 2 users =
    #   1.625; P95 of user-days [.75, 2.50] = .75 + .95 * 1.75 = 2.4125; cost to ARPU
    #   1.625 * 30 / 7 days / 20 = 0.348214…; ceiling 2.00: u1 reached it -> 1 of 2.
    #   W46: u1 b1 1.00 -> 1 user, 1.00, P95 1.00, 1.00 * 30 / 7 / 20.
    # free: u2 (.25 on the 17th, 0 on the 18th) and u3 (1.00 on the 19th): 1.25 / 2 = .625;
    #   P95 of [0, .25, 1.0]: rank 1.9 -> .25 + .9 * .75 = .925; ARPU 0 -> no ratio; ceiling
    #   .50: u3 reached it -> 1 of 2. W46: u2 .50.
    # a6 has no user: not in any tier.
    check(
        run_query(con, "report_tiers", P),
        [
            ("pro", 2, 1, 3.25, 1.625, 1.0, 2.4125, 1.0, 20.0, 1.625 * 30 / 7 / 20, 30 / 7 / 20, 2.0, 1, 0.5),
            ("free", 2, 1, 1.25, 0.625, 0.5, 0.925, 0.5, 0.0, N, N, 0.5, 1, 0.5),
        ],
    )


def test_tiers_without_config_have_no_ceilings(con):
    bare = make_con(CALLS)  # tier_economics never set
    rows = run_query(bare, "report_tiers", P).to_pylist()
    assert [(r["user_tier"], r["arpu_usd_month"], r["users_at_ceiling"]) for r in rows] == [
        ("pro", None, None),
        ("free", None, None),
    ]


def test_tier_trend(con):
    # Two 7-day buckets ending at the end of W47: W46 and W47 (ISO weeks, as W47 starts on Monday).
    # W46: b1 chat, b2 search, both budget. W47 model calls (a4 is a cache hit): a1 a5 frontier,
    # a2 a3 budget, a7 mid, a6 no tier -> 2/6, 1/6, 2/6; frontier cost (2 + 1) / 4.50.
    # Baselines (last bucket only) are the medians of the earlier bucket: 0 for chat, search, all.
    check(
        run_query(con, "report_tier_trend", {"until": W47.until, "buckets": 2}),
        [
            (date(2026, 11, 9), "2026-W46", True, N, 2, 1.0, 0.0, 0.0, 0.0, False, N, False),
            (date(2026, 11, 9), "2026-W46", False, "chat", 1, 1.0, 0.0, 0.0, 0.0, False, N, False),
            (date(2026, 11, 9), "2026-W46", False, "search", 1, 1.0, 0.0, 0.0, 0.0, False, N, False),
            (date(2026, 11, 16), "2026-W47", True, N, 6, 2 / 6, 1 / 6, 2 / 6, 3 / 4.5, True, 0.0, False),
            (date(2026, 11, 16), "2026-W47", False, "chat", 3, 1 / 3, 0.0, 2 / 3, 3 / 3.5, True, 0.0, False),
            (date(2026, 11, 16), "2026-W47", False, "search", 1, 1.0, 0.0, 0.0, 0.0, True, 0.0, False),
            (date(2026, 11, 16), "2026-W47", False, "summarise", 1, 0.0, 1.0, 0.0, 0.0, True, N, False),
            # a6: no tier, unpriced: every share 0, frontier cost share NULL (nothing priced)
            (date(2026, 11, 16), "2026-W47", False, N, 1, 0.0, 0.0, 0.0, N, True, N, False),
        ],
    )


def test_tier_trend_flags_a_routing_regression():
    # agent: W45 and W46 have 1 frontier call in 10 (10%); W47 has 10 in 20 (50%): +40 pp over
    # the median 10% -> flagged. tiny: all 5 of its W47 calls are frontier, but 5 < 20 calls.
    # chat: 20 budget calls, no rise.
    rows = []
    for week, total, frontier in (("2026-11-02", 10, 1), ("2026-11-09", 10, 1), ("2026-11-16", 20, 10)):
        for i in range(total):
            tier = GPT4O if i < frontier else MINI
            rows.append(call(f"ag{week}{i}", f"{week}T{i:02d}:00Z", 0.25, dict(feature="agent"), {}, tier))
    rows += [
        call(f"t{i}", f"2026-11-17T{i:02d}:00Z", 0.25, dict(feature="tiny"), {}, GPT4O) for i in range(5)
    ]
    rows += [
        call(f"c{i}", f"2026-11-18T{i:02d}:00Z", 0.25, dict(feature="chat"), {}, MINI) for i in range(20)
    ]
    rows += [call("c-old", "2026-11-03T00:00Z", 0.25, dict(feature="chat"), {}, MINI)]
    trend = run_query(make_con(rows), "report_tier_trend", {"until": W47.until, "buckets": 3}).to_pylist()
    last = {r["feature"]: r for r in trend if r["is_last"] and not r["is_total"]}
    assert last["agent"]["frontier_call_share"] == 0.5
    assert last["agent"]["baseline_frontier_share"] == 0.1
    assert [f for f, r in last.items() if r["routing_flag"]] == ["agent"]
    assert [r["bucket"] for r in trend if r["is_total"]] == ["2026-W45", "2026-W46", "2026-W47"]


def test_tier_trend_of_a_period_past_the_data_ends_with_the_data(con):
    # November as of the 22nd: the last call is a7 on Saturday the 21st, so the week before
    # 1 December has no call; the buckets end with the 21st instead: [8th, 15th), [15th, 22nd).
    november = resolve_period("2026-11", None, None)
    rows = run_query(con, "report_tier_trend", {"until": november.until, "buckets": 2}).to_pylist()
    totals = [(r["bucket"], r["calls"], r["is_last"]) for r in rows if r["is_total"]]
    assert totals == [("2026-11-08", 2, False), ("2026-11-15", 6, True)]  # b1 b2; a1-a7 but a4


def daily(feature: str, costs: dict[date, float]) -> list[dict]:
    return [
        call(f"{feature}-{d}", f"{d}T12:00Z", c, dict(feature=feature), {}, MINI) for d, c in costs.items()
    ]


def days(first: str, last: str) -> list[date]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [start + timedelta(n) for n in range((end - start).days + 1)]


def anomaly_calls() -> list[dict]:
    rows = []
    # agent alternates 1.00, 2.00 over the 28 days before W47 (median 1.5, MAD .5), then 5.00 on
    # the 16th and 2.00 on the 17th; no calls after (zeros, which stay within 3 robust SD).
    agent = {d: (1.0 if n % 2 == 0 else 2.0) for n, d in enumerate(days("2026-10-19", "2026-11-15"))}
    rows += daily("agent", agent | {date(2026, 11, 16): 5.0, date(2026, 11, 17): 2.0})
    # chat costs 3.00 a day (a flat baseline, MAD 0); 1.50 on the 18th; 0.50 on the 22nd, the
    # last day in the warehouse (taken as still being ingested: a drop there is not judged).
    chat = {d: 3.0 for d in days("2026-10-19", "2026-11-21")}
    rows += daily("chat", chat | {date(2026, 11, 18): 1.5, date(2026, 11, 22): 0.5})
    # tiny jumps from 0.10 to 0.90: far outside its flat baseline, but under the $1 floor.
    tiny = {d: 0.1 for d in days("2026-10-19", "2026-11-22")}
    rows += daily("tiny", tiny | {date(2026, 11, 16): 0.9})
    # fresh has 6 days of history when it jumps: fewer than the 14 needed.
    rows += daily("fresh", {d: 0.1 for d in days("2026-11-10", "2026-11-15")} | {date(2026, 11, 16): 10.0})
    return rows


def test_anomalies():
    # agent 16th: 5.00 vs median 1.5, MAD .5: z = 3.5 / (1.4826 * .5) = 4.72 > 3 -> spike, x3.33.
    # chat 18th: 1.50 vs a flat 3.00 (MAD 0): a $1.50 drop from a flat baseline, z NULL.
    check(
        run_query(make_con(anomaly_calls()), "report_anomalies", P),
        [
            (date(2026, 11, 16), "agent", 5.0, 1, 1.5, 0.5, 28, 3.5, 5 / 1.5, 3.5 / (1.4826 * 0.5), "spike"),
            (date(2026, 11, 18), "chat", 1.5, 1, 3.0, 0.0, 28, -1.5, 0.5, N, "drop"),
        ],
    )


def test_budgets(con):
    # Month to date = 1..22 November (22 of 30 days); projection x 30/22.
    # Teams: growth b1 + a1 + a2 = 3.50 of 10.00; docs b2 + a3 + a4 + a7 = 1.50, no budget;
    #   ops has a budget and no spend; no team a5 + a6 = 1.00.
    # Features: chat b1 + a1 + a2 + a5 = 4.50 > 3.00 -> over; summarise .75 of 1.00 but
    #   projected .75 * 30/22 = 1.0227 -> projected over; search .75, no budget; no feature 0.
    budgets = [
        {"kind": "team", "name": "growth", "budget_usd": 10.0},
        {"kind": "team", "name": "ops", "budget_usd": 5.0},
        {"kind": "feature", "name": "chat", "budget_usd": 3.0},
        {"kind": "feature", "name": "summarise", "budget_usd": 1.0},
    ]
    params = {
        "month_start": datetime(2026, 11, 1, tzinfo=UTC),
        "as_of": W47.until,
        "month_end": datetime(2026, 12, 1, tzinfo=UTC),
        "budgets": budgets,
    }
    k = 30 / 22
    check(
        run_query(con, "report_budgets", params),
        [
            ("team", "docs", N, 1.5, 22.0, 30.0, 1.5 * k, N, N, "no budget"),
            ("team", "growth", 10.0, 3.5, 22.0, 30.0, 3.5 * k, 0.35, 3.5 * k - 10, "on track"),
            ("team", "ops", 5.0, 0.0, 22.0, 30.0, 0.0, 0.0, -5.0, "on track"),
            ("team", N, N, 1.0, 22.0, 30.0, k, N, N, "no budget"),
            ("feature", "chat", 3.0, 4.5, 22.0, 30.0, 4.5 * k, 1.5, 4.5 * k - 3, "over"),
            ("feature", "search", N, 0.75, 22.0, 30.0, 0.75 * k, N, N, "no budget"),
            ("feature", "summarise", 1.0, 0.75, 22.0, 30.0, 0.75 * k, 0.75, 0.75 * k - 1, "projected over"),
            ("feature", N, N, 0.0, 22.0, 30.0, 0.0, N, N, "no budget"),
        ],
    )


def test_budgets_without_any_budget(con):
    params = {
        "month_start": datetime(2026, 11, 1, tzinfo=UTC),
        "as_of": W47.until,
        "month_end": datetime(2026, 12, 1, tzinfo=UTC),
        "budgets": [],
    }
    rows = run_query(con, "report_budgets", params).to_pylist()
    assert {r["status"] for r in rows} == {"no budget"}


def test_unpriced_attribution_quarantine(con):
    # a6 is the one unpriced call: acme-llama, no provider, 300 in / 30 out.
    check(run_query(con, "report_unpriced", P), [(N, "acme-llama", 1, 1, 300, 30)])
    # Of 7 calls costing 4.50: no team a5 + a6 (1.00); no feature a6 (0); no user a6 (0).
    check(
        run_query(con, "report_attribution", P),
        [("team", 2, 1.0, 2 / 7, 1 / 4.5), ("feature", 1, 0.0, 1 / 7, 0.0), ("user", 1, 0.0, 1 / 7, 0.0)],
    )
    check(
        run_query(con, "report_quarantine", {}),
        [
            ("f1.jsonl", "missing ts", 2, 3, datetime(2026, 11, 21, 7, tzinfo=UTC)),
            ("f2.jsonl", "malformed JSON", 1, 1, datetime(2026, 11, 20, 7, tzinfo=UTC)),
        ],
    )


def test_chargeback_teams_and_items(con):
    # W47 by team: docs a3 a4 a7 = 1.00; growth a1 a2 = 2.50; no team a5 a6 = 1.00, a6 unpriced.
    check(
        run_query(con, "report_chargeback_teams", P),
        [("docs", 3, 1.0, 0), ("growth", 2, 2.5, 0), (N, 2, 1.0, 1)],
    )
    check(
        run_query(con, "report_chargeback_items", P),
        [
            ("docs", "summarise", "claude-sonnet-4", 1, 0.75, 0),
            ("docs", "search", "gpt-4o-mini", 2, 0.25, 0),
            ("growth", "chat", "gpt-4o", 1, 2.0, 0),
            ("growth", "chat", "gpt-4o-mini", 1, 0.5, 0),
        ],
    )


BILLED = [
    {"bucket_start": "2026-11-16T00:00:00+00:00", "provider": "openai", "cost_usd": 3.0},
    {"bucket_start": "2026-11-15T00:00:00+00:00", "provider": "openai", "cost_usd": 9.0},  # W46: ignored
]


def test_chargeback_billed():
    # OpenAI billed 3.00 for the 16th, where the logs priced a1 + a2 = 2.50. Every other
    # provider-day keeps its logged cost: total = 4.50 - 2.50 + 3.00 = 5.00.
    check(
        run_query(make_con(CALLS, billed=BILLED), "report_chargeback_billed", P),
        [(5.0, 4.5, 3.0, 2.5, 1)],
    )


def test_chargeback_billed_without_rows_is_the_logged_total():
    check(run_query(make_con(CALLS, billed=[]), "report_chargeback_billed", P), [(4.5, 4.5, N, 0.0, 0)])


def test_partly_priced_calls_by_model_and_flag():
    # p1 misses its audio output price; p2 misses audio input and output; p3 is fully priced; p4 has a
    # reported cost (complete, whatever its flags say); p5 has no priced part at all (unpriced).
    gem = dict(model="gemini-2.5-flash", provider="google")
    calls = [
        call(
            "p1",
            "2026-11-17T10:00Z",
            0.25,
            CHAT,
            U1,
            gem,
            cost_source="catalog",
            price_flags=["unpriced:audio_output_tokens"],
        ),
        call(
            "p2",
            "2026-11-17T11:00Z",
            0.50,
            CHAT,
            U1,
            gem,
            cost_source="catalog",
            price_flags=["unpriced:audio_input_tokens", "unpriced:audio_output_tokens"],
        ),
        call("p3", "2026-11-17T12:00Z", 1.00, CHAT, U1, gem, cost_source="catalog", price_flags=[]),
        call(
            "p4",
            "2026-11-17T13:00Z",
            2.00,
            CHAT,
            U1,
            gem,
            cost_source="reported",
            price_flags=["unpriced:speed=fast"],
        ),
        call(
            "p5",
            "2026-11-17T14:00Z",
            None,
            CHAT,
            U1,
            ACME,
            cost_source="unpriced",
            price_flags=["unpriced:input_tokens"],
        ),
    ]
    # audio_output: p1 + p2 = 2 calls, 0.25 + 0.50 = 0.75; audio_input: p2 alone, 0.50
    check(
        run_query(make_con(calls), "report_partly_priced", P),
        [
            ("google", "gemini-2.5-flash", "unpriced:audio_output_tokens", 2, 0.75),
            ("google", "gemini-2.5-flash", "unpriced:audio_input_tokens", 1, 0.5),
        ],
    )


# --- every report query has a header and a test -------------------------------------------------

REPORT_QUERIES = [n for n in sqlfiles.names() if n.startswith("report_")]


def test_every_report_query_has_a_test_here():
    source = Path(__file__).read_text(encoding="utf-8")
    untested = [n for n in REPORT_QUERIES if f'"{n}"' not in source.replace(f'"{n}" not in', "")]
    assert REPORT_QUERIES and not untested, f"report queries without a test: {untested}"


@pytest.mark.parametrize("name", REPORT_QUERIES)
def test_header_documents_parameters_and_output_columns(con, name):
    head = sqlfiles.header(name)
    assert head.startswith("report "), head
    for param in sqlfiles.params_of(sqlfiles.load(name)):
        assert f"${param}" in head, f"{name}: ${param} is not documented"
    params = {
        **P,
        "buckets": 2,
        "month_start": W47.since,
        "as_of": W47.until,
        "month_end": W47.until,
        "budgets": [],
    }
    test_con = make_con(CALLS, billed=[]) if "billed" in name else con
    columns = run_query(test_con, name, params).column_names
    output = head.split("Output", 1)[1]
    documented = re.findall(r"^(\w+)\s{2,}[A-Z]", output, flags=re.MULTILINE)  # name, 2+ spaces, TYPE
    assert documented == columns, f"{name}: header lists {documented}, query returns {columns}"


# --- the Agents section: on the agent tasks of tests/test_agent_loops.py ------------------------


def _agent_con() -> duckdb.DuckDBPyConnection:
    from test_agent_loops import CALLS as AGENT_CALLS
    from test_metrics_sql import make_connection

    return make_connection(AGENT_CALLS)


def test_report_agent_steps():
    # agent: T1 (1 step), T2 (2), T3 (3), T4 (4), T5 (16); step i sends (2i - 1) x 1,000 input.
    #   index 1: 5 tasks, 0.10 + 0.10 + 0.20 + 0.05 + 0.25 = 0.70; index 2: T2-T5, 0.15 + 0.20 + 0.05
    #   + 0.25 = 0.65; index 3: T3-T5, 0.50; index 4: T4, T5, 0.30; 5-15: T5 alone, 0.25 each;
    #   16: T5's unpriced call, 0.
    # helper: T6, index 1 0.01 with 2,000 input; index 2 a response-cache hit: no input mean.
    rows = run_query(_agent_con(), "report_agent_steps", {"since": W47.since, "until": W47.until})
    expected = [
        ("agent", 1, 5, 0.70, 1000.0),
        ("agent", 2, 4, 0.65, 3000.0),
        ("agent", 3, 3, 0.50, 5000.0),
        ("agent", 4, 2, 0.30, 7000.0),
        *[("agent", i, 1, 0.25, (2 * i - 1) * 1000.0) for i in range(5, 16)],
        ("agent", 16, 1, 0.0, 31000.0),
        ("helper", 1, 1, 0.01, 2000.0),
        ("helper", 2, 1, 0.0, N),
    ]
    check(rows, expected, ("feature", "step_index", "tasks", "cost_usd", "mean_input_tokens"))


def test_report_runaway_tasks():
    # Successful agent tasks took 1, 2 and 4 steps: P99 = 2 + 0.98 x 2 = 3.96. Budget $0.50 (unset).
    # T5: 16 steps, $3.75 -> steps and cost; T3: 3 steps, $0.60 -> cost; T4: 4 steps, $0.20 -> steps.
    # helper's T6 (2 steps, P99 of {2} = 2, $0.01) is not one.
    rows = run_query(_agent_con(), "report_runaway_tasks", {"since": W47.since, "until": W47.until})
    check(
        rows,
        [
            ("agent", "T5", datetime(2026, 11, 19, 10, 1, tzinfo=UTC), 16, 3.75, "failure", "steps and cost"),
            ("agent", "T3", datetime(2026, 11, 18, 10, 1, tzinfo=UTC), 3, 0.60, "failure", "cost"),
            ("agent", "T4", datetime(2026, 11, 18, 10, 1, tzinfo=UTC), 4, 0.20, "success", "steps"),
        ],
        ("feature", "task_id", "started_at", "steps", "cost_usd", "outcome", "why"),
    )
