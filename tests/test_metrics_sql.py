"""The metric SQL files against a hand-built week of calls, with every expected number worked by hand.

The week is ISO 2026-W47: Monday 2026-11-16 00:00 UTC up to Monday 2026-11-23 (exclusive).
Costs are multiples of 1/4 so every sum is exact in binary floating point. Each test
writes out the arithmetic; none of them gets its expected values from the SQL.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

import duckdb
import pyarrow as pa
import pytest

from llmfinops import schema, sqlfiles
from llmfinops.config import Config, TierEconomics
from llmfinops.errors import QueryError
from llmfinops.metrics import METRICS, compute, resolve_period
from llmfinops.period import between

W47 = resolve_period("2026-W47", None, None)
CHAT = dict(feature="chat", team="growth")
SEARCH = dict(feature="search", team="docs")
NOFT: dict = {}  # no feature, no team
U1 = dict(user_id="u1", user_tier="pro")
U2 = dict(user_id="u2", user_tier="free")
U3 = dict(user_id="u3", user_tier="pro")
U4 = dict(user_id="u4", user_tier="enterprise")
ANON: dict = {}  # no user, no tier
GPT4O = dict(model="gpt-4o", model_tier="frontier", provider="openai")
MINI = dict(model="gpt-4o-mini", model_tier="budget", provider="openai")
SONNET = dict(model="claude-sonnet-4", model_tier="frontier", provider="anthropic")
HAIKU = dict(model="claude-haiku", model_tier="budget", provider="anthropic")
ACME = dict(model="acme-llama")  # no tier, no provider


def call(*values: object) -> dict:
    """One canonical row from a line of the table below."""
    (call_id, ts, cost, inp, cached, out, where, who, model, task, action, step, status, outcome, hit) = (
        values
    )
    return dict(
        call_id=call_id, ts=datetime.fromisoformat(str(ts)), cost_usd=cost, input_tokens=inp,
        cached_input_tokens=cached, output_tokens=out, task_id=task, action_id=action, step=step,
        status=status, task_outcome=outcome, response_cache_hit=bool(hit),
        **where, **who, **model,
    )  # fmt: skip


# fmt: off
N, OK, ERR, FAILURE, SUCCESS = None, "ok", "error", "failure", "success"
# cost USD; tokens input, cached input, output; dimensions; task, action, step, status, outcome, cache hit
CALLS = [call(*row) for row in [
    # chat / growth. Task T1 (action A1): an error, a retry, then a success; no outcome logged.
    ("c01", "2026-11-16T09:00Z", 0.50, 1000, 0,    100, CHAT,   U1,   GPT4O,  "T1", "A1", 1, ERR, N,       0),
    ("c02", "2026-11-16T09:01Z", 0.50, 1000, 500,  200, CHAT,   U1,   GPT4O,  "T1", "A1", 2, OK,  N,       0),
    ("c03", "2026-11-16T09:02Z", 1.00, 2000, 1000, 300, CHAT,   U1,   MINI,   "T1", "A1", 3, OK,  N,       0),
    # Task T2 (action A2): its last call failed, so the task failed.
    ("c04", "2026-11-17T10:00Z", 0.25, 500,  0,    50,  CHAT,   U2,   MINI,   "T2", "A2", 1, OK,  N,       0),
    ("c05", "2026-11-17T10:01Z", 0.25, 500,  0,    0,   CHAT,   U2,   MINI,   "T2", "A2", 2, ERR, N,       0),
    # An unpriced call (cost NULL); a response-cache hit whose logged tokens never reached a model.
    ("c06", "2026-11-18T12:00Z", N,    400,  0,    100, CHAT,   U2,   MINI,   N,    "A3", N, OK,  N,       0),
    ("c07", "2026-11-18T12:05Z", 0.0,  1000, 0,    300, CHAT,   U2,   MINI,   N,    N,    N, OK,  N,       1),
    # 01:00 on the 23rd at UTC+2 is 23:00 UTC on Sunday the 22nd: inside W47.
    ("c08", "2026-11-23T01:00+02:00", 2.00, 1000, 0, 500, CHAT, U1,   SONNET, N,    N,    N, OK,  N,       0),
    # search / docs. Task T3 (action A4) logged 'failure' on step 2; its last call is ok, but
    # the last non-NULL outcome decides: failed.
    ("c09", "2026-11-19T08:00Z", 1.00, 3000, 2000, 100, SEARCH, U3,   SONNET, "T3", "A4", 1, OK,  N,       0),
    ("c10", "2026-11-19T08:01Z", 1.00, 1000, 0,    100, SEARCH, U3,   SONNET, "T3", "A4", 2, OK,  FAILURE, 0),
    ("c11", "2026-11-19T08:02Z", 0.50, 1000, 0,    100, SEARCH, U3,   HAIKU,  "T3", "A4", 3, OK,  N,       0),
    # Task T4: one call with status error but an explicit outcome 'success': succeeded.
    ("c12", "2026-11-20T15:00Z", 0.50, 1000, 0,    0,   SEARCH, U4,   HAIKU,  "T4", N,    1, ERR, SUCCESS, 0),
    # Task T5 starts in search and ends in chat: a search task (group of its first call).
    ("c13", "2026-11-21T10:00Z", 1.00, 1000, 0,    100, SEARCH, U3,   GPT4O,  "T5", N,    1, OK,  N,       0),
    ("c14", "2026-11-21T10:05Z", 1.00, 1000, 0,    100, CHAT,   U3,   GPT4O,  "T5", N,    2, OK,  N,       0),
    # No feature, team, user, tier or provider; unpriced; no tokens (zero denominators).
    ("c15", "2026-11-20T00:00Z", N,    0,    0,    0,   NOFT,   ANON, ACME,   N,    N,    N, OK,  N,       0),
    # Outside W47. 00:30 on the 16th at UTC+2 is 22:30 UTC on Sunday the 15th: W46.
    ("c17", "2026-11-16T00:30+02:00", 5.00, 1000, 0, 100, CHAT, U1,   GPT4O,  N,    N,    N, OK,  N,       0),
    # 23:30 on the 22nd at UTC-1 is 00:30 UTC on the 23rd: W48.
    ("c18", "2026-11-22T23:30-01:00", N, 100, 0,   10,  SEARCH, U3,   GPT4O,  N,    N,    N, OK,  N,       0),
]]
# fmt: on
# Priced cost in W47 (c01-c15): T1 2.00 + T2 0.50 + c07 0 + c08 2.00 + T3 2.50 + T4 0.50
# + T5 2.00 = 9.50.
TOTAL = 9.5


def make_connection(rows: list[dict]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a ``calls`` table shaped like the warehouse view."""
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"CREATE TABLE calls ({schema.duckdb_columns()}, day DATE)")
    # Columns from every row (from_pylist would take the first row's keys only).
    names = [c for c in schema.COLUMN_NAMES if any(c in r for r in rows)]
    table = schema.conform(pa.table({c: [r.get(c) for r in rows] for c in names}))
    days = [r["ts"].astimezone(UTC).date() for r in rows]  # the hive partition is the UTC day
    con.register("fixture_rows", table.append_column("day", pa.array(days, pa.date32())))
    con.execute("INSERT INTO calls SELECT * FROM fixture_rows")
    con.unregister("fixture_rows")
    sqlfiles.install_macros(con)
    return con


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return make_connection(CALLS)


def check(table: pa.Table, columns: tuple[str, ...], expected: list[tuple]) -> None:
    """Exact column names, then row by row; floats compared to 1e-9 relative."""
    assert tuple(table.column_names) == columns
    actual = [tuple(row[c] for c in columns) for row in table.to_pylist()]
    assert len(actual) == len(expected), actual
    for got, want in zip(actual, expected, strict=True):
        for g, w in zip(got, want, strict=True):
            if isinstance(w, float):
                assert g is not None and math.isclose(g, w, rel_tol=1e-9, abs_tol=1e-12), (got, want)
            else:
                assert g == w, (got, want)


SPEND = (
    "feature", "calls", "cost_usd", "input_tokens", "output_tokens", "share",
    "unpriced_calls", "partially_priced_calls",
)  # fmt: skip


def test_metric_spend(con):
    # chat: c01-c08 and c14 = 9 calls; cost .5+.5+1+.25+.25+0(c07)+2+1 = 5.50, c06 unpriced.
    #   tokens skip the cache hit c07: input 1000+1000+2000+500+500+400+1000+1000 = 7400,
    #   output 100+200+300+50+0+100+500+100 = 1350.
    # search: c09-c13 = 5 calls; cost 1+1+.5+.5+1 = 4.00; input 3000+1000*4 = 7000;
    #   output 100+100+100+0+100 = 400.
    # NULL feature: c15, 1 unpriced call, nothing else; it stays as its own group.
    # Shares of 9.50: 5.5/9.5 + 4/9.5 + 0 = 1.
    check(
        compute(con, "spend", period=W47),
        SPEND,
        [
            ("chat", 9, 5.5, 7400, 1350, 5.5 / 9.5, 1, 0),
            ("search", 5, 4.0, 7000, 400, 4.0 / 9.5, 0, 0),
            (None, 1, 0.0, 0, 0, 0.0, 1, 0),
        ],
    )


def test_spend_by_day_puts_offset_timestamps_on_their_utc_day(con):
    # c17 (local 2026-11-16 00:30+02) is the 15th UTC: not in W47. c08 (local 23rd 01:00+02)
    # is the 22nd UTC: in W47. Days come oldest first.
    # 16: c01-c03 = 2.00 | 17: c04, c05 = .50 | 18: c06 (unpriced), c07 (hit, 0) | 19: c09-c11
    # = 2.50 | 20: c15 (unpriced), c12 = .50 | 21: c13, c14 = 2.00 | 22: c08 = 2.00.
    table = compute(con, "spend", period=W47, group_by="day")
    check(
        table.select(["day", "calls", "cost_usd", "unpriced_calls"]),
        ("day", "calls", "cost_usd", "unpriced_calls"),
        [
            ("2026-11-16", 3, 2.0, 0),
            ("2026-11-17", 2, 0.5, 0),
            ("2026-11-18", 2, 0.0, 1),
            ("2026-11-19", 3, 2.5, 0),
            ("2026-11-20", 2, 0.5, 1),
            ("2026-11-21", 2, 2.0, 0),
            ("2026-11-22", 1, 2.0, 0),
        ],
    )


def test_spend_by_iso_week_over_three_weeks(con):
    # W46 holds c17 only (5.00); W47 the 15 calls above (9.50); W48 c18 only, unpriced.
    # Total 14.50.
    table = compute(con, "spend", period=between(date(2026, 11, 9), date(2026, 11, 30)), group_by="week")
    check(
        table.select(["week", "calls", "cost_usd", "share", "unpriced_calls"]),
        ("week", "calls", "cost_usd", "share", "unpriced_calls"),
        [
            ("2026-W46", 1, 5.0, 5.0 / 14.5, 0),
            ("2026-W47", 15, 9.5, 9.5 / 14.5, 2),  # unpriced: c06, c15
            ("2026-W48", 1, 0.0, 0.0, 1),
        ],
    )


def test_spend_share_is_null_when_nothing_is_priced(con):
    # W48 has only c18, unpriced: cost 0, share 0/0 = NULL; its 100/10 tokens still count.
    check(
        compute(con, "spend", period=resolve_period("2026-W48", None, None)),
        SPEND,
        [("search", 1, 0.0, 100, 10, None, 1, 0)],
    )


def test_spend_with_no_calls_is_empty(con):
    assert compute(con, "spend", period=resolve_period("2025-W47", None, None)).num_rows == 0


TASK = (
    "feature",
    "tasks",
    "successful_tasks",
    "cost_usd",
    "cost_per_successful_task",
    "avg_steps",
    "unpriced_calls",
    "partially_priced_calls",
)


def test_metric_cost_per_task(con):
    # Tasks by their first call: T1, T2 chat; T3, T4, T5 search (T5's c14 is chat but c13 came first).
    # search: T3 failed (last outcome 'failure'), T4 succeeded (outcome 'success' despite the
    #   error), T5 succeeded (no outcome, last call c14 ok) -> 2 of 3.
    #   cost T3 2.50 + T4 .50 + T5 2.00 = 5.00; per success 5/2 = 2.50; steps (3+1+2)/3 = 2.
    # chat: T1 succeeded (last call c03 ok, the c01 error was retried), T2 failed (c05 error).
    #   cost 2.00 + .50 = 2.50; per success 2.50; steps (3+2)/2 = 2.5.
    # c15 has no task, so there is no NULL group.
    check(
        compute(con, "cost-per-task", period=W47),
        TASK,
        [
            ("search", 3, 2, 5.0, 2.5, 2.0, 0, 0),
            ("chat", 2, 1, 2.5, 2.5, 2.5, 0, 0),
        ],
    )


def test_cost_per_task_with_no_success_is_null(con):
    # By user tier (of the first call): pro T1, T3, T5 (2 succeeded, 2+2.5+2 = 6.50, steps 8/3);
    # enterprise T4 (1 of 1, .50); free T2 (0 of 1, .50 -> per success 0.5/0 = NULL).
    check(
        compute(con, "cost-per-task", period=W47, group_by="user_tier"),
        ("user_tier", *TASK[1:]),
        [
            ("pro", 3, 2, 6.5, 3.25, 8 / 3, 0, 0),
            ("enterprise", 1, 1, 0.5, 0.5, 1.0, 0, 0),
            ("free", 1, 0, 0.5, None, 2.0, 0, 0),
        ],
    )


ACTION = (
    "feature",
    "actions",
    "calls",
    "calls_per_action",
    "cost_usd",
    "cost_per_action",
    "cost_per_call",
    "unpriced_calls",
    "partially_priced_calls",
)


def test_metric_cost_per_action(con):
    # Actions: A1 (c01-c03, 2.00), A2 (c04, c05, .50), A3 (c06, unpriced), c07 and c08 alone
    # (0 and 2.00), A4 (c09-c11, 2.50), task T4 (c12, .50), task T5 (c13 + c14, 2.00; first
    # call is search), c15 alone (unpriced, NULL feature).
    # chat: 5 actions, 3+2+1+1+1 = 8 calls, 4.50 -> 1.6 calls, .90 per action, 4.5/8 per call.
    # search: 3 actions, 3+1+2 = 6 calls, 5.00 -> 2 calls, 5/3 per action, 5/6 per call.
    check(
        compute(con, "cost-per-action", period=W47),
        ACTION,
        [
            ("search", 3, 6, 2.0, 5.0, 5 / 3, 5 / 6, 0, 0),
            ("chat", 5, 8, 1.6, 4.5, 0.9, 0.5625, 1, 0),
            (None, 1, 1, 1.0, 0.0, 0.0, 0.0, 1, 0),
        ],
    )


TIER = (
    "user_tier",
    "active_users",
    "cost_usd",
    "cost_per_active_user",
    "p95_user_day_cost",
    "arpu_usd_month",
    "cost_to_arpu",
    "unpriced_calls",
    "partially_priced_calls",
)


def test_metric_cost_per_tier(con):
    # User-days (UTC): u1 pro 16th 2.00, 22nd 2.00 | u3 pro 19th 2.50, 21st 2.00 |
    # u2 free 17th .50, 18th 0 (c06 unpriced + c07 hit) | u4 enterprise 20th .50. c15 has no user.
    # pro: 2 users, 8.50, 4.25 each; days sorted [2, 2, 2, 2.5]: p95 at 3*.95 = 2.85 ->
    #   2 + .85*(2.5-2) = 2.425. ARPU 20/month, 7 days: 4.25*30/7/20 = 0.9107...
    # free: 1 user, .50; days [0, .5]: p95 at .95 -> .475. ARPU 0: cost_to_arpu NULL (0 denominator).
    # enterprise: 1 user, .50, p95 .5; no ARPU configured -> NULL. Ties on cost go by name.
    config = Config(
        user_tiers={"pro": TierEconomics(arpu_usd_month=20.0), "free": TierEconomics(arpu_usd_month=0.0)}
    )
    check(
        compute(con, "cost-per-tier", period=W47, config=config),
        TIER,
        [
            ("pro", 2, 8.5, 4.25, 2.425, 20.0, 4.25 * 30 / 7 / 20, 0, 0),
            ("enterprise", 1, 0.5, 0.5, 0.5, None, None, 0, 0),
            ("free", 1, 0.5, 0.5, 0.475, 0.0, None, 1, 0),
        ],
    )


def test_cost_per_tier_without_config_has_no_revenue(con):
    table = compute(con, "cost-per-tier", period=W47, config=None)
    assert table.column("arpu_usd_month").to_pylist() == [None, None, None]
    assert table.column("cost_to_arpu").to_pylist() == [None, None, None]


P95 = ("user_days", "mean", "p50", "p95", "max", "unpriced_calls", "partially_priced_calls")


def test_metric_p95_user_cost(con):
    # The 7 user-days above: [0, .5, .5, 2, 2, 2, 2.5], sum 9.50 (= all priced cost; c15 has no user).
    # mean 9.5/7; p50 at 6*.5 = 3 -> 2.0; p95 at 6*.95 = 5.7 -> 2 + .7*(2.5-2) = 2.35; max 2.5.
    # Unpriced: c06 (c15 has no user).
    check(
        compute(con, "p95-user-cost", period=W47),
        P95,  # --by none: no key column
        [(7, 9.5 / 7, 2.0, 2.35, 2.5, 1, 0)],
    )


def test_p95_user_cost_by_feature(con):
    # search user-days: u3 19th 2.50, u4 20th .50, u3 21st 1.00 (c13 only; c14 is chat)
    #   -> [.5, 1, 2.5]: mean 4/3, p50 1.0, p95 at 2*.95 = 1.9 -> 1 + .9*1.5 = 2.35.
    # chat: u1 16th 2.00, u2 17th .50, u2 18th 0, u3 21st 1.00, u1 22nd 2.00
    #   -> [0, .5, 1, 2, 2]: mean 5.5/5, p50 1.0, p95 at 4*.95 = 3.8 -> 2.0.
    # Both p95 are 2.35 vs 2.0: search first.
    check(
        compute(con, "p95-user-cost", period=W47, group_by="feature"),
        ("feature", *P95),
        [("search", 3, 4 / 3, 1.0, 2.35, 2.5, 0, 0), ("chat", 5, 1.1, 1.0, 2.0, 2.0, 1, 0)],
    )


def test_metric_output_token_ratio(con):
    # Ratio of sums over calls that reached a model (c07's 1000/300 left out):
    # chat 1350/7400; search 400/7000; NULL feature 0/0 -> NULL, listed last.
    check(
        compute(con, "output-token-ratio", period=W47),
        ("feature", "input_tokens", "output_tokens", "output_token_ratio"),
        [("chat", 7400, 1350, 1350 / 7400), ("search", 7000, 400, 400 / 7000), (None, 0, 0, None)],
    )


def test_metric_cache_hit_rate(con):
    # chat: 9 calls, 1 response-cache hit (c07) -> 1/9. The 8 that reached a model read
    #   500 (c02) + 1000 (c03) cached of 7400 input -> 1500/7400; 2 of 8 had cached tokens -> .25.
    # search: 5 calls, no hit; 2000 (c09) of 7000 cached; 1 of 5 calls -> .2.
    # NULL: 1 call, no hit; 0 of 0 input tokens -> NULL; 0 of 1 calls -> 0.
    check(
        compute(con, "cache-hit-rate", period=W47),
        (
            "feature",
            "calls",
            "response_cache_hits",
            "response_cache_hit_rate",
            "prompt_cache_token_rate",
            "prompt_cache_request_rate",
        ),
        [
            ("chat", 9, 1, 1 / 9, 1500 / 7400, 0.25),
            ("search", 5, 0, 0.0, 2000 / 7000, 0.2),
            (None, 1, 0, 0.0, None, 0.0),
        ],
    )


MIX = (
    "model_tier",
    "calls",
    "call_share",
    "cost_usd",
    "cost_share",
    "output_tokens",
    "unpriced_calls",
    "partially_priced_calls",
)


def test_metric_model_tier_mix(con):
    # Calls that reached a model (all but c07), 14 of them, 9.50.
    # budget: c03, c04, c05, c06, c11, c12 = 6 calls; 1+.25+.25+0+.5+.5 = 2.50; out 300+50+0+100+100+0 = 550.
    # frontier: c01, c02, c08, c09, c10, c13, c14 = 7; .5+.5+2+1+1+1+1 = 7.00; out 100+200+500+400 = 1200.
    # NULL tier: c15, 1 call, unpriced.
    check(
        compute(con, "model-tier-mix", period=W47),
        MIX,  # by model_tier: one model_tier column, the key
        [
            ("budget", 6, 6 / 14, 2.5, 2.5 / 9.5, 550, 1, 0),
            ("frontier", 7, 7 / 14, 7.0, 7.0 / 9.5, 1200, 0, 0),
            (None, 1, 1 / 14, 0.0, 0.0, 0, 1, 0),
        ],
    )


def test_model_tier_mix_by_week_is_a_trend(con):
    # W46: c17 alone, frontier, 5.00, 100 output tokens: shares 1 within its week.
    # W47: as above, shares within W47. W48 (c18) is outside the period.
    table = compute(
        con, "model-tier-mix", period=between(date(2026, 11, 9), date(2026, 11, 23)), group_by="week"
    )
    check(
        table,
        ("week", *MIX),
        [
            ("2026-W46", "frontier", 1, 1.0, 5.0, 1.0, 100, 0, 0),
            ("2026-W47", "budget", 6, 6 / 14, 2.5, 2.5 / 9.5, 550, 1, 0),
            ("2026-W47", "frontier", 7, 7 / 14, 7.0, 7.0 / 9.5, 1200, 0, 0),
            ("2026-W47", None, 1, 1 / 14, 0.0, 0.0, 0, 1, 0),
        ],
    )


def test_metric_top_spenders(con):
    # u3: c09, c10, c11, c13, c14 = 4.50 | u1: c01-c03, c08 = 4.00 | u2: c04-c07 = .50 (c06
    # unpriced) | u4: c12 = .50 | no user: c15 = 0. u2 and u4 tie at .50: ranked by name.
    # Cumulative: 4.5, 8.5, 9.0, 9.5, 9.5 of 9.5.
    check(
        compute(con, "top-spenders", period=W47),
        (
            "rank",
            "user_id",
            "cost_usd",
            "share",
            "cumulative_share",
            "calls",
            "unpriced_calls",
            "partially_priced_calls",
        ),
        [
            (1, "u3", 4.5, 4.5 / 9.5, 4.5 / 9.5, 5, 0, 0),
            (2, "u1", 4.0, 4.0 / 9.5, 8.5 / 9.5, 4, 0, 0),
            (3, "u2", 0.5, 0.5 / 9.5, 9.0 / 9.5, 4, 1, 0),
            (4, "u4", 0.5, 0.5 / 9.5, 1.0, 1, 0, 0),
            (5, None, 0.0, 0.0, 1.0, 1, 1, 0),
        ],
    )


def _slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of y on x (regr_slope's definition), for the hand-worked cases."""
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)


def test_metric_agent_loops(con):
    # Tasks (group of the first call): chat T1 (3 steps, 2.00, success), T2 (2 steps, 0.50, failed);
    # search T3 (3 steps, 2.50, failure), T4 (1 step, 0.50, success), T5 (2 steps, 2.00, success).
    # Fuller cases, a runaway included: tests/test_agent_loops.py.
    ln = math.log
    # chat: steps 2, 3 -> p50 2.5, p95 2 + 0.95 = 2.95; costs 0.5, 2.0 -> p50 1.25, p95 0.5 + 0.95 x 1.5.
    #   top 5%: ceil(0.1) = 1 task, T1: 2.0 / 2.5. Index-1 input: c01 1,000, c04 500;
    #   last index: c03 2,000, c05 500.
    #   Growth over T1 (cum 1,000, 2,000, 4,000) and T2 (500, 1,000). Success 2-3 steps: 1 of 2.
    #   Successful steps {3}: P99 3, none above; cost > $0.50: T1 -> 1 runaway. Cap ceil(0.95) -> 3: saves 0.
    chat_growth = _slope(
        [(0, ln(1000)), (ln(2), ln(2000)), (ln(3), ln(4000)), (0, ln(500)), (ln(2), ln(1000))]
    )
    # search: steps 1, 2, 3 -> p50 2, p95 2 + 0.9 = 2.9; costs 0.5, 2.0, 2.5 -> p50 2.0, p95 2.0 + 0.9 x 0.5.
    #   top 5%: T3, 2.5 / 5.0. Index-1 input: 3,000, 1,000, 1,000; last: c11, c12, c14 all 1,000.
    #   Growth over T3 (cum 3,000, 4,000, 5,000) and T5 (1,000, 2,000).
    #   1 step: T4 succeeded; 2-3 steps: T5 yes, T3 no.
    #   Successful steps {1, 2}: P99 1.99 -> T3, T5 by steps (and both over $0.50) -> 2.
    #   Cap: the ceil(2 x 0.95) = 2nd of {1, 2} = 2; index > 2: c11 (0.50).
    search_growth = _slope(
        [(0, ln(3000)), (ln(2), ln(4000)), (ln(3), ln(5000)), (0, ln(1000)), (ln(2), ln(2000))]
    )
    check(
        compute(con, "agent-loops", period=W47),
        ("feature", "tasks", "steps_p50", "steps_p95", "steps_max", "cost_per_task_p50", "cost_per_task_p95",
         "cost_per_task_max", "top5pct_cost_share", "input_tokens_step1", "input_tokens_last",
         "context_growth_exponent", "success_rate_1", "success_rate_2_3", "success_rate_4_7",
         "success_rate_8_15", "success_rate_16_plus", "runaway_tasks", "suggested_step_cap",
         "step_cap_savings_usd", "cost_usd", "unpriced_calls", "partially_priced_calls"),
        [
            ("search", 3, 2.0, 2.9, 3, 2.0, 2.45, 2.5, 0.5, 5000 / 3, 1000.0, search_growth, 1.0, 0.5,
             None, None, None, 2, 2, 0.5, 5.0, 0, 0),
            ("chat", 2, 2.5, 2.95, 3, 1.25, 0.5 + 0.95 * 1.5, 2.0, 0.8, 750.0, 1250.0, chat_growth, None, 0.5,
             None, None, None, 1, 3, 0.0, 2.5, 0, 0),
        ],
    )  # fmt: skip


def test_shares_sum_to_one(con):
    for name, column in [
        ("spend", "share"),
        ("model-tier-mix", "call_share"),
        ("model-tier-mix", "cost_share"),
        ("top-spenders", "share"),
    ]:
        assert math.isclose(sum(compute(con, name, period=W47).column(column).to_pylist()), 1.0)


def test_every_metric_query_has_a_test_case():
    queries = {n for n in sqlfiles.names() if n.startswith(sqlfiles.MACRO_PREFIX)}
    assert queries == {spec.query for spec in METRICS.values()}, "queries/ and the registry disagree"
    import test_metrics_units  # the guardrail measures have their own fixture week

    cases = {**vars(test_metrics_units), **globals()}
    missing = [q for q in queries if not callable(cases.get(f"test_{q}"))]
    assert not missing, f"metric queries without a test_<query> case: {missing}"


def test_headers_list_exactly_the_output_columns(con):
    # alert rules are validated against the header's columns, so they must be the real ones
    # (the SQL's own columns: compute may rename `group` after the dimension)
    from llmfinops.metrics.computation import set_economics

    set_economics(con, Config(user_tiers={"pro": TierEconomics(arpu_usd_month=20.0)}))
    for spec in METRICS.values():
        params = {"since": W47.since, "until": W47.until, "group_by": spec.default_group_by}
        assert spec.columns == tuple(sqlfiles.run(con, spec.query, params).column_names), spec.name


@pytest.mark.parametrize("name", sorted(METRICS))
def test_header_documents_parameters_and_every_output_column(con, name):
    spec = METRICS[name]
    text = sqlfiles.header(spec.query)
    assert sqlfiles.load(spec.query).startswith("-- ")
    for param in sqlfiles.params_of(sqlfiles.load(spec.query)):
        assert f"${param}" in text
    assert f"@param group_by = {spec.default_group_by}" in text
    for column in compute(con, name, period=W47).column_names:
        assert column in text, f"{spec.query}.sql header does not describe {column}"


@pytest.mark.parametrize("name", sorted(METRICS))
def test_analyst_macro_gives_the_rows_compute_gives(con, name):
    spec = METRICS[name]
    config = Config(user_tiers={"pro": TierEconomics(arpu_usd_month=20.0)})
    via_library = compute(con, name, period=W47, config=config)  # also sets tier_economics
    result = con.execute(
        f"SELECT * FROM {spec.query}"
        "(TIMESTAMPTZ '2026-11-16 00:00:00+00', TIMESTAMPTZ '2026-11-23 00:00:00+00')"
    )
    columns = [d[0] for d in result.description]
    via_macro = [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
    # The macro keeps `group`; compute names it after the dimension, drops it for none
    # (p95-user-cost: 'all') and keeps one model_tier column for model-tier-mix.
    key = spec.default_group_by
    expected = []
    for row in via_library.to_pylist():
        renamed = {("group" if c == key and c not in columns else c): v for c, v in row.items()}
        expected.append({"group": row.get(key, "all"), **renamed})
    assert via_macro == expected


def test_analyst_macro_takes_group_by(con):
    rows = con.execute(
        "SELECT \"group\", cost_usd FROM metric_spend(TIMESTAMPTZ '2026-11-16 00:00:00+00', "
        "TIMESTAMPTZ '2026-11-23 00:00:00+00', group_by := 'team')"
    ).fetchall()
    assert rows == [("growth", 5.5), ("docs", 4.0), (None, 0.0)]


def test_analyst_macro_rejects_an_unknown_group_by(con):
    with pytest.raises(duckdb.Error, match="unknown group_by colour"):
        con.execute(
            "SELECT * FROM metric_spend(TIMESTAMPTZ '2026-11-16 00:00:00+00', "
            "TIMESTAMPTZ '2026-11-23 00:00:00+00', group_by := 'colour')"
        ).fetchall()


def test_period_bounds_do_not_depend_on_the_session_time_zone():
    # An analyst's DuckDB may run in local time; the UTC day filter must not shift.
    local = make_connection(CALLS)
    local.execute("SET TimeZone = 'Asia/Tokyo'")
    table = compute(local, "spend", period=W47, group_by="day")
    assert table.column("day").to_pylist()[0] == "2026-11-16"
    assert sum(table.column("calls").to_pylist()) == 15


@pytest.mark.parametrize(
    "group_by",
    [
        "feature",
        "team",
        "user_tier",
        "model",
        "model_tier",
        "provider",
        "prompt_version",
        "day",
        "week",
        "none",
    ],
)
def test_every_grouping_keeps_every_call_and_dollar(con, group_by):
    # NULL dimension values form their own group, so no grouping may lose a call: 15 calls, 9.50.
    table = compute(con, "spend", period=W47, group_by=group_by)
    assert sum(table.column("calls").to_pylist()) == 15
    assert math.isclose(sum(table.column("cost_usd").to_pylist()), TOTAL)
    assert sum(table.column("unpriced_calls").to_pylist()) == 2


def test_compute_validates_name_and_group_by(con):
    with pytest.raises(QueryError, match="unknown metric 'revenue'"):
        compute(con, "revenue", period=W47)
    with pytest.raises(QueryError, match="cannot be grouped by 'colour'"):
        compute(con, "spend", period=W47, group_by="colour")
    with pytest.raises(QueryError, match="cannot be grouped by 'user_id'"):
        compute(con, "spend", period=W47, group_by="user_id")  # only top-spenders groups by user
    # the SQL file name works as well as the CLI name
    assert compute(con, "cost_per_task", period=W47).num_rows == 2


# --- partly priced calls -------------------------------------------------------------------------
# One partly priced call (catalog cost with a flagged unit left out), one fully priced, one with a
# reported cost and a flag (its cost is complete: not partly priced), one unpriced (no priced part).
PARTLY = [
    dict(
        call_id=f"p{i}",
        ts=datetime(2026, 11, 18, 10, i, tzinfo=UTC),
        cost_usd=cost,
        cost_source=source,
        price_flags=flags,
        input_tokens=100,
        output_tokens=10,
        task_id="T9",
        user_id="u9",
        user_tier="pro",
        feature="voice",
        model="gemini-2.5-flash",
        model_tier="budget",
        status="ok",
    )
    for i, (cost, source, flags) in enumerate(
        [
            (1.0, "catalog", ["unpriced:audio_output_tokens"]),
            (0.5, "catalog", []),
            (2.0, "reported", ["unpriced:speed=fast"]),
            (None, "unpriced", ["unpriced:input_tokens", "unpriced:output_tokens"]),
        ]
    )
]
COST_METRICS = [
    "spend",
    "cost-per-task",
    "cost-per-action",
    "cost-per-tier",
    "p95-user-cost",
    "model-tier-mix",
    "top-spenders",
]


@pytest.mark.parametrize("name", COST_METRICS)
def test_every_cost_metric_counts_partly_priced_calls_next_to_unpriced(name):
    table = compute(make_connection(PARTLY), name, period=W47, group_by="none")
    # p0 is the partly priced call; p3 the unpriced one; p1 fully priced; p2 reported (complete)
    assert sum(table.column("partially_priced_calls").to_pylist()) == 1
    assert sum(table.column("unpriced_calls").to_pylist()) == 1
    if "cost_usd" in table.column_names:
        # the priced parts still count: 1.0 + 0.5 + 2.0 = 3.5
        assert sum(table.column("cost_usd").to_pylist()) == 3.5
