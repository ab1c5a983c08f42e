"""The unit-economics measures guardrails need (inference-margin, cost-per-session,
gate-intercept, budget-usage) against a hand-built week, every expected number worked by hand.

The week is ISO 2026-W47 (Monday 2026-11-16 00:00 UTC up to Monday 2026-11-23). classify is a
gate in front of chat: a chat turn's action first calls classify, then chat under the same
action_id. Costs are multiples of 1/4, so every sum is exact in binary floating point.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from test_metrics_sql import W47, check, make_connection

from llmfinops.config import Config, FeatureEconomics, TierEconomics
from llmfinops.metrics import compute


def row(call_id, ts, feature, action, task, session, user, tier, cost, step=None):
    return dict(
        call_id=call_id, ts=datetime.fromisoformat(ts), feature=feature, action_id=action, task_id=task,
        session_id=session, user_id=user, user_tier=tier, cost_usd=cost, step=step, model="gpt-4o-mini",
    )  # fmt: skip


N = None
# fmt: off
UNITS = [
    # Session S1 (u1, pro): two chat turns, each gated by classify under the same action.
    row("g1", "2026-11-16T09:00Z", "classify", "A1", N,    "S1", "u1", "pro",  0.25),
    row("m1", "2026-11-16T09:01Z", "chat",     "A1", N,    "S1", "u1", "pro",  1.00),
    row("g2", "2026-11-16T09:05Z", "classify", "A2", N,    "S1", "u1", "pro",  0.25),
    row("m2", "2026-11-16T09:06Z", "chat",     "A2", N,    "S1", "u1", "pro",  2.00),
    # Session S2 (u2, free): two messages the gate stopped; g4 is unpriced.
    row("g3", "2026-11-17T10:00Z", "classify", "A3", N,    "S2", "u2", "free", 0.25),
    row("g4", "2026-11-17T10:05Z", "classify", "A4", N,    "S2", "u2", "free", N),
    # A chat turn without the gate and without a session.
    row("m3", "2026-11-18T12:00Z", "chat",     "A5", N,    N,    "u2", "free", 0.50),
    # A background triage call through the gate: no action, task, session or user.
    row("t1", "2026-11-19T07:00Z", "classify", N,    N,    N,    N,    N,      0.25),
    # Session S3 (u3, pro): two agent tasks, one action each.
    row("a1", "2026-11-19T08:00Z", "agent",    "B1", "K1", "S3", "u3", "pro",  1.00, 1),
    row("a2", "2026-11-19T08:01Z", "agent",    "B1", "K1", "S3", "u3", "pro",  2.00, 2),
    row("a3", "2026-11-20T08:00Z", "agent",    "B2", "K2", "S3", "u3", "pro",  3.00, 1),
    # search: no revenue configured, no session; its user u4 is enterprise (no ceiling).
    row("s1", "2026-11-21T15:00Z", "search",   N,    N,    N,    "u4", "enterprise", 0.50),
    # Outside W47 (Sunday the 15th): S1's earlier turn is not part of the week.
    row("m0", "2026-11-15T12:00Z", "chat",     "A0", N,    "S1", "u1", "pro",  5.00),
]
# fmt: on
CONFIG = Config(
    features={
        "chat": FeatureEconomics(revenue_usd_per_action=1.50),
        "agent": FeatureEconomics(revenue_usd_per_task=5.00),
        "summarise": FeatureEconomics(revenue_usd_month=60.0),  # configured, no calls this week
        "classify": FeatureEconomics(gate_for="chat"),
        "moderate": FeatureEconomics(gate_for="agent"),  # a gate with no calls
    },
    user_tiers={
        "pro": TierEconomics(user_ceiling_usd=5.0),
        "free": TierEconomics(user_ceiling_usd=0.75),
        "enterprise": TierEconomics(arpu_usd_month=150.0),
    },
)


@pytest.fixture(scope="module")
def con():
    return make_connection(UNITS)


MARGIN = ("feature", "revenue_usd", "cost_usd", "margin", "unpriced_calls")


def test_metric_inference_margin(con):
    # chat: calls m1, m2, m3 -> cost 1 + 2 + .5 = 3.50 (m0 is W46). Its actions are the distinct
    #   actions among its calls: A1, A2, A5 = 3 -> revenue 3 x 1.50 = 4.50 (A1/A2 first called
    #   the gate, they still earn chat's price). margin (4.50 - 3.50) / 4.50 = 1/4.5.
    # agent: tasks K1, K2 -> revenue 2 x 5.00 = 10.00; cost 1 + 2 + 3 = 6.00; margin 4/10 = 0.4.
    # summarise: no calls; 60.00 a month x 7 days / 30 = 14.00; cost 0; margin 1.0.
    # classify: no revenue -> NULLs; cost g1 + g2 + g3 + t1 = 4 x .25 = 1.00, g4 unpriced.
    # search: no revenue; cost .50. Lowest margin first, NULL margins last by cost.
    check(
        compute(con, "inference-margin", period=W47, config=CONFIG),
        MARGIN,
        [
            ("chat", 4.5, 3.5, 1.0 / 4.5, 0),
            ("agent", 10.0, 6.0, 0.4, 0),
            ("summarise", 14.0, 0.0, 1.0, 0),
            ("classify", None, 1.0, None, 1),
            ("search", None, 0.5, None, 0),
        ],
    )


def test_inference_margin_with_monthly_revenue_prorates_by_the_period_days(con):
    # agent at 30.00 a month over 7 days: 30 x 7 / 30 = 7.00; cost 6.00; margin 1/7.
    config = Config(features={"agent": FeatureEconomics(revenue_usd_month=30.0)})
    table = compute(con, "inference-margin", period=W47, config=config)
    agent = next(r for r in table.to_pylist() if r["feature"] == "agent")
    assert agent["revenue_usd"] == pytest.approx(7.0)
    assert agent["margin"] == pytest.approx(1.0 / 7.0)


def test_inference_margin_without_config_lists_every_feature_with_nulls(con):
    table = compute(con, "inference-margin", period=W47)
    assert table.column("revenue_usd").to_pylist() == [None] * 4
    assert table.column("margin").to_pylist() == [None] * 4
    # by cost: agent 6.00, chat 3.50, classify 1.00, search 0.50
    assert table.column("feature").to_pylist() == ["agent", "chat", "classify", "search"]


SESSION = (
    "feature",
    "sessions",
    "cost_usd",
    "cost_per_session",
    "actions_per_session",
    "calls_without_session",
    "unpriced_calls",
)


def test_metric_cost_per_session(con):
    # S1 (period calls g1, m1, g2, m2; m0 is W46): first call g1 -> classify; cost .25+1+.25+2
    #   = 3.50; actions A1, A2 = 2.
    # S2 (g3, g4) -> classify; cost .25 (g4 unpriced); actions A3, A4 = 2.
    # S3 (a1, a2, a3) -> agent; cost 6.00; actions B1, B2 = 2.
    # Without a session, under their own feature: m3 (chat), t1 (classify), s1 (search).
    # agent: 1 session, 6.00 each, 2 actions. classify: 2 sessions, 3.75 -> 1.875, (2+2)/2 = 2.
    # chat and search: no session -> 0, NULL, NULL, one call each without a session.
    check(
        compute(con, "cost-per-session", period=W47),
        SESSION,
        [
            ("agent", 1, 6.0, 6.0, 2.0, 0, 0),
            ("classify", 2, 3.75, 1.875, 2.0, 1, 1),
            ("chat", 0, 0.0, None, None, 1, 0),
            ("search", 0, 0.0, None, None, 1, 0),
        ],
    )


def test_cost_per_session_by_user_tier(con):
    # pro: S1 3.50 + S3 6.00 = 9.50 over 2 sessions, (2 + 2) / 2 actions. free: S2 .25, 2 actions,
    # and m3 without a session. enterprise: s1 without a session. NULL tier: t1 without one.
    check(
        compute(con, "cost-per-session", period=W47, group_by="user_tier"),
        ("user_tier", *SESSION[1:]),
        [
            ("pro", 2, 9.5, 4.75, 2.0, 0, 0),
            ("free", 1, 0.25, 0.25, 2.0, 1, 1),
            ("enterprise", 0, 0.0, None, None, 1, 0),
            (None, 0, 0.0, None, None, 1, 0),
        ],
    )


GATE = (
    "feature",
    "gated_feature",
    "gate_actions",
    "passed_actions",
    "intercept_rate",
    "gate_cost_usd",
    "gated_cost_per_action",
    "cost_per_action_without_gate",
    "unpriced_calls",
)


def test_metric_gate_intercept(con):
    # classify's actions: A1, A2, A3, A4 and t1's own (call:t1) = 5. Passed to chat: A1 (m1),
    #   A2 (m2) = 2; A5 reached chat without the gate and is not a gate action.
    # intercept 1 - 2/5 = 0.6. Gate cost .25 x 4 = 1.00 (g4 unpriced). Gated cost m1 + m2 = 3.00.
    # With the gate: (1.00 + 3.00) / 5 = 0.80 per gate action. Without: 3.00 / 2 = 1.50 each.
    # moderate gates agent but made no call: listed with 0 actions and NULL rates.
    check(
        compute(con, "gate-intercept", period=W47, config=CONFIG),
        GATE,
        [
            ("classify", "chat", 5, 2, 0.6, 1.0, 0.8, 1.5, 1),
            ("moderate", "agent", 0, 0, None, 0.0, None, None, 0),
        ],
    )


def test_gate_intercept_without_gates_is_empty(con):
    assert compute(con, "gate-intercept", period=W47).num_rows == 0


USAGE = (
    "user_tier",
    "active_users",
    "user_ceiling_usd",
    "users_at_ceiling",
    "share_at_ceiling",
    "unpriced_calls",
)


def test_metric_budget_usage(con):
    # pro: u1 = .25 + 1 + .25 + 2 = 3.50 (m0 is W46), u3 = 6.00; ceiling 5.00: only u3 -> 1 of 2.
    # free: u2 = .25 + g4 (unpriced) + .50 = 0.75; ceiling 0.75: at it (>=) -> 1 of 1.
    # enterprise: u4, no ceiling configured -> NULLs. t1 has no user: not counted.
    check(
        compute(con, "budget-usage", period=W47, config=CONFIG),
        USAGE,
        [
            ("pro", 2, 5.0, 1, 0.5, 0),
            ("enterprise", 1, None, None, None, 0),
            ("free", 1, 0.75, 1, 1.0, 1),
        ],
    )


@pytest.mark.parametrize(
    ("name", "by"),
    [("inference-margin", "team"), ("gate-intercept", "team"), ("budget-usage", "feature")],
)
def test_measures_with_one_grouping_refuse_others(con, name, by):
    from llmfinops.errors import QueryError

    with pytest.raises(QueryError, match="cannot be grouped by"):
        compute(con, name, period=W47, group_by=by, config=CONFIG)


def test_analyst_macros_refuse_other_groupings(con):
    import duckdb

    with pytest.raises(duckdb.Error, match="grouped by feature only"):
        con.execute(
            "FROM metric_inference_margin(TIMESTAMPTZ '2026-11-16 00:00:00+00', "
            "TIMESTAMPTZ '2026-11-23 00:00:00+00', group_by := 'team')"
        ).fetchall()
