"""``explain``: each group's cost change split into six drivers, every number worked by hand.

Base period W46 (2026-11-09 .. 16), current W47 (2026-11-16 .. 23). Each feature below is a
case of its own, so one ``--by feature`` run checks them all. The definition (LMDI-I):
for each model m with tokens and cost in both periods, with L(a, b) = (a - b)/ln(a/b),

  volume = L·ln(A1/A0)   iteration = L·ln((N1/A1)/(N0/A0))   response_cache = L·ln((K1/N1)/(K0/N0))
  tokens_per_call = L·ln((T1/K1)/(T0/K0))   model_mix = L·ln((Tm1/T1)/(Tm0/T0))
  unit_price = L·ln((Cm1/Tm1)/(Cm0/Tm0))

In the one-driver cases every other ratio is exactly 1, so its log is exactly 0.
"""

from __future__ import annotations

import math
from datetime import timedelta

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_metrics_sql import make_connection

from llmfinops.errors import QueryError
from llmfinops.metrics import EFFECTS, explain, resolve_period
from llmfinops.period import between

W46 = resolve_period("2026-W46", None, None)
W47 = resolve_period("2026-W47", None, None)
EFFECT_COLUMNS = [f"{e}_usd" for e in EFFECTS]
M1 = "m1"  # $0.01 per 1,000-token call: $1e-5 a token
M2 = "m2"  # $0.04 per 1,000-token call: $4e-5 a token


def calls(
    feature: str,
    week: int,
    *,
    actions: int,
    per_action: int,
    model: str | None = M1,
    cost: float | None = 0.01,
    tokens: tuple[int, int] = (900, 100),
    cache_hits_per_action: int = 0,
    team: str = "t",
    tag: str = "",
) -> list[dict]:
    """``actions`` actions of ``per_action`` calls each (the first ``cache_hits_per_action`` of
    them answered by the response cache: cost 0, their tokens not sent) in ISO week ``week``."""
    start = (W46 if week == 46 else W47).since + timedelta(hours=10)
    rows = []
    for a in range(actions):
        for c in range(per_action):
            hit = c < cache_hits_per_action
            rows.append(
                dict(
                    call_id=f"{feature}-{week}-{tag}{a}-{c}",
                    ts=start + timedelta(minutes=a, seconds=c),
                    feature=feature,
                    team=team,
                    model=model,
                    action_id=f"{feature}-{week}-{tag}{a}",
                    cost_usd=0.0 if hit else cost,
                    input_tokens=tokens[0],
                    output_tokens=tokens[1],
                    response_cache_hit=hit,
                )
            )
    return rows


BASE = dict(actions=10, per_action=2)  # 10 actions x 2 calls x 1,000 tokens x $0.01 = $0.20
ROWS = [
    # volume: twice the actions, each as before. C 0.20 -> 0.40; L(.4, .2) = .2/ln 2, x ln 2 = 0.20.
    *calls("volume", 46, **BASE),
    *calls("volume", 47, actions=20, per_action=2),
    # iteration: 3 calls per action instead of 2. C 0.20 -> 0.30; L x ln 1.5 = 0.10.
    *calls("iteration", 46, **BASE),
    *calls("iteration", 47, actions=10, per_action=3),
    # response_cache: 4 calls per action, 2 then 1 answered by the cache: K/N 20/40 -> 30/40.
    # C 0.20 -> 0.30; L x ln 1.5 = 0.10 (A, N/A, T/K and the price per token stay).
    *calls("cache", 46, actions=10, per_action=4, cache_hits_per_action=2),
    *calls("cache", 47, actions=10, per_action=4, cache_hits_per_action=1),
    # tokens_per_call: 1,500 tokens a call instead of 1,000, at the same $1e-5 a token.
    # C 0.20 -> 0.30; L x ln 1.5 = 0.10.
    *calls("tokens", 46, **BASE),
    *calls("tokens", 47, **BASE, cost=0.015, tokens=(1350, 150)),
    # model_mix: 20 calls split 10 m1 / 10 m2, then 5 / 15. C .1 + .4 = 0.50 -> .05 + .6 = 0.65.
    #   m1: L(.05, .1) x ln((5000/20000)/(10000/20000)) = (-.05/ln .5) x ln .5 = -0.05
    #   m2: L(.6, .4) x ln((15000/20000)/(10000/20000)) = (.2/ln 1.5) x ln 1.5 = +0.20 -> 0.15
    *calls("mix", 46, actions=5, per_action=2, tag="a"),
    *calls("mix", 46, actions=5, per_action=2, model=M2, cost=0.04, tag="b"),
    *calls("mix", 47, actions=5, per_action=1, tag="a"),
    *calls("mix", 47, actions=5, per_action=3, model=M2, cost=0.04, tag="b"),
    # unit_price: the same calls at $0.012. C 0.20 -> 0.24; L x ln 1.2 = 0.04.
    *calls("price", 46, **BASE),
    *calls("price", 47, **BASE, cost=0.012),
]


def by_feature(rows: list[dict], **kwargs) -> dict:
    con = make_connection(rows)
    table = explain(con, period=W47, base=W46, group_by="feature", **kwargs)
    return {r["feature"]: r for r in table.to_pylist()}


@pytest.fixture(scope="module")
def result() -> dict:
    return by_feature(ROWS)


def effects(row: dict) -> dict:
    return {e: row[f"{e}_usd"] for e in EFFECTS}


@pytest.mark.parametrize(
    ("feature", "driver", "base", "current"),
    [
        ("volume", "volume", 0.20, 0.40),
        ("iteration", "iteration", 0.20, 0.30),
        ("cache", "response_cache", 0.20, 0.30),
        ("tokens", "tokens_per_call", 0.20, 0.30),
        ("mix", "model_mix", 0.50, 0.65),
        ("price", "unit_price", 0.20, 0.24),
    ],
)
def test_one_driver_at_a_time_takes_the_whole_change(result, feature, driver, base, current):
    row = result[feature]
    assert row["base_cost_usd"] == pytest.approx(base, abs=1e-12)
    assert row["cost_usd"] == pytest.approx(current, abs=1e-12)
    assert row["change_usd"] == pytest.approx(current - base, abs=1e-12)
    for effect, value in effects(row).items():
        want = current - base if effect == driver else 0.0
        assert round(value, 2) == round(want, 2), (effect, value)  # to the cent
        assert value == pytest.approx(want, abs=1e-12), (effect, value)  # and well beyond


def test_the_drivers_of_both_periods(result):
    # cache: A 10 / 10; N/A 4 / 4; K/N 20/40 / 30/40; T/K 1000 / 1000; input per call 900;
    # C/T .20/20000 and .30/30000 = 1e-5 a token in both.
    row = result["cache"]
    assert (row["actions_0"], row["actions_1"]) == (10, 10)
    assert (row["calls_per_action_0"], row["calls_per_action_1"]) == (4.0, 4.0)
    assert (row["model_call_share_0"], row["model_call_share_1"]) == (0.5, 0.75)
    assert (row["tokens_per_call_0"], row["tokens_per_call_1"]) == (1000.0, 1000.0)
    assert (row["input_tokens_per_call_0"], row["input_tokens_per_call_1"]) == (900.0, 900.0)
    assert row["cost_per_token_0"] == pytest.approx(1e-5) and row["cost_per_token_1"] == pytest.approx(1e-5)
    assert (row["unpriced_calls_0"], row["unpriced_calls_1"]) == (0, 0)


SEVERAL = [
    # Base: 10 actions x 2 calls on m1, 1,000 tokens, $0.01: A0 10, N0 20, K0 20, T0 20,000, C0 0.20.
    *calls("several", 46, **BASE),
    # Current: m1 calls at $0.012 in actions a0..a7 (2 each) and b0..b3 (1 each); m2 calls of
    # 2,000 tokens at $0.08 in actions a0..a9 (1 each; a0..a7 are the same actions as above).
    *calls("several", 47, actions=8, per_action=2, cost=0.012, tag="a"),
    *calls("several", 47, actions=4, per_action=1, cost=0.012, tag="b"),
    *calls("several", 47, actions=10, per_action=1, model=M2, cost=0.08, tokens=(1800, 200), tag="a"),
    # Unpriced calls are counted and shown, never split: 3 of them, in actions of their own.
    *calls("several", 47, actions=3, per_action=1, cost=None, tag="u"),
]


def test_several_drivers_at_once_worked_from_the_formula():
    # Current, priced: actions a0..a7 (2 m1 calls each, plus the m2 call of the m2 action with
    # the same id a0..a7 -> same action), b0..b3 (1 m1 call each), and m2 actions a8, a9.
    #   The m2 rows reuse ids "several-47-a0".."a9": a0..a7 are the same actions as the m1 ones.
    #   A1 = a0..a9 + b0..b3 = 14; N1 = 16 + 4 + 10 = 30; K1 = 30.
    #   m1: 20 calls x 1,000 tokens = T_m1 20,000, cost 20 x .012 = 0.24.
    #   m2: 10 calls x 2,000 tokens = T_m2 20,000, cost 10 x .08 = 0.80 (new: no tokens in base).
    #   T1 = 40,000; C1 = 1.04; change 0.84.
    # m2 is new, so its whole 0.80 is model mix. m1 has tokens and cost in both periods:
    #   L = L(.24, .20) = .04 / ln 1.2
    #   volume     L ln(14/10)                      iteration  L ln((30/14)/(20/10))
    #   cache      L ln((30/30)/(20/20)) = 0        tokens     L ln((40000/30)/(20000/20))
    #   model mix  L ln((20000/40000)/(20000/20000)) + 0.80
    #   unit price L ln((.24/20000)/(.20/20000)) = L ln 1.2 = 0.04
    row = by_feature(SEVERAL)["several"]
    lm = 0.04 / math.log(1.2)
    want = {
        "volume": lm * math.log(14 / 10),
        "iteration": lm * math.log((30 / 14) / (20 / 10)),
        "response_cache": 0.0,
        "tokens_per_call": lm * math.log((40000 / 30) / (20000 / 20)),
        "model_mix": lm * math.log(0.5) + 0.80,
        "unit_price": 0.04,
    }
    assert row["base_cost_usd"] == pytest.approx(0.20) and row["cost_usd"] == pytest.approx(1.04)
    assert row["change_usd"] == pytest.approx(0.84)
    for effect, value in effects(row).items():
        assert value == pytest.approx(want[effect], abs=1e-12), effect
    # and by hand the six add up: lm (ln 1.4 + ln(15/14) + ln(4/3) + ln .5 + ln 1.2) + .8
    #   = lm ln(1.4 x 15/14 x 4/3 x .5 x 1.2) + .8 = lm ln 1.2 + .8 = .04 + .8 = .84
    assert sum(effects(row).values()) == pytest.approx(0.84, abs=1e-12)
    assert (row["actions_0"], row["actions_1"]) == (10, 14)
    assert row["calls_per_action_1"] == pytest.approx(30 / 14)
    assert row["tokens_per_call_1"] == pytest.approx(40000 / 30)
    assert row["input_tokens_per_call_1"] == pytest.approx((16 * 900 + 4 * 900 + 10 * 1800) / 30)
    assert row["cost_per_token_1"] == pytest.approx(1.04 / 40000)
    assert (row["unpriced_calls_0"], row["unpriced_calls_1"]) == (0, 3)


EDGES = [
    # A new feature: no cost in the base, so its whole change is volume.
    *calls("new", 47, actions=5, per_action=1),
    # A retired feature: -0.20, all volume.
    *calls("gone", 46, **BASE),
    # A model retired inside a feature that stays: m2 (0.10 in the base) has no tokens now, so
    # its -0.10 is model mix; m1 is unchanged (10 calls, 0.10) but is now all the tokens and
    # half the actions (worked out in test_edge_cases).
    *calls("retired", 46, actions=10, per_action=1, tag="a"),
    *calls("retired", 46, actions=10, per_action=1, model=M2, cost=0.01, tag="b"),
    *calls("retired", 47, actions=10, per_action=1, tag="a"),
    # A model free in the base (cost 0, tokens logged) and $0.01 a call now: its whole +0.10 is
    # unit price; m2 beside it is steady at 10 x $0.01, so the group costs 0.10 -> 0.20.
    *calls("freebie", 46, actions=10, per_action=1, cost=0.0, tag="a"),
    *calls("freebie", 46, actions=10, per_action=1, model=M2, cost=0.01, tag="b"),
    *calls("freebie", 47, actions=10, per_action=1, tag="a"),
    *calls("freebie", 47, actions=10, per_action=1, model=M2, cost=0.01, tag="b"),
    # Only unpriced calls: nothing to split, the calls are counted.
    *calls("unpriced", 46, actions=2, per_action=1, cost=None),
    *calls("unpriced", 47, actions=3, per_action=1, cost=None),
    # A reported cost on calls that logged no tokens: no tokens in either period, so the
    # whole change (0.05 -> 0.10) is model mix, never a division by zero.
    *calls("tokenless", 46, actions=5, per_action=1, tokens=(0, 0)),
    *calls("tokenless", 47, actions=10, per_action=1, tokens=(0, 0)),
]


def only(row: dict, **want: float) -> None:
    for effect, value in effects(row).items():
        assert value == pytest.approx(want.get(effect, 0.0), abs=1e-12), (effect, value)


def test_edge_cases():
    rows = by_feature(EDGES)
    only(rows["new"], volume=0.05)
    assert rows["new"]["actions_0"] == 0 and rows["new"]["calls_per_action_0"] is None
    only(rows["gone"], volume=-0.20)
    assert rows["gone"]["cost_usd"] == 0.0 and rows["gone"]["tokens_per_call_1"] is None
    # retired: m1's terms: volume .1 ln(10/20), iteration .1 ln(1/1) = 0, cache 0,
    # tokens .1 ln(1000/1000) = 0, mix .1 ln((10000/10000)/(10000/20000)) = .1 ln 2,
    # price 0. volume + mix = .1 ln .5 + .1 ln 2 = 0 = m1's change. m2: -0.10 in mix.
    only(rows["retired"], volume=0.1 * math.log(0.5), model_mix=0.1 * math.log(2) - 0.10)
    assert rows["retired"]["change_usd"] == pytest.approx(-0.10)
    only(rows["freebie"], unit_price=0.10)
    only(rows["unpriced"])
    assert rows["unpriced"]["change_usd"] == 0.0
    assert (rows["unpriced"]["unpriced_calls_0"], rows["unpriced"]["unpriced_calls_1"]) == (2, 3)
    assert rows["unpriced"]["actions_1"] == 0  # unpriced calls are not decomposed
    only(rows["tokenless"], model_mix=0.05)
    assert rows["tokenless"]["cost_per_token_1"] is None


def test_equal_costs_take_the_log_mean_limit():
    # L(a, b) for a == b is a (the limit), not 0/0: a steady m1 beside a growing m2.
    rows = [
        *calls("steady", 46, actions=10, per_action=1, tag="a"),
        *calls("steady", 46, actions=10, per_action=1, model=M2, cost=0.04, tag="b"),
        *calls("steady", 47, actions=10, per_action=1, tag="a"),
        *calls("steady", 47, actions=20, per_action=1, model=M2, cost=0.04, tag="b"),
    ]
    # A 20 -> 30, N/A 1, K/N 1, T/K 1000, so volume has ln 1.5 for both models.
    # m1: L = .1 (equal costs); mix .1 ln((10000/30000)/(10000/20000)) = .1 ln(2/3); volume .1 ln 1.5.
    # m2: L(.8, .4) = .4/ln 2; mix: ln((20000/30000)/(10000/20000)) = ln(4/3); volume ln 1.5.
    row = by_feature(rows)["steady"]
    l2 = 0.4 / math.log(2)
    only(
        row,
        volume=0.1 * math.log(1.5) + l2 * math.log(1.5),
        model_mix=0.1 * math.log(2 / 3) + l2 * math.log(4 / 3),
    )
    assert row["change_usd"] == pytest.approx(0.40)


def test_order_is_largest_change_first_ties_by_name_null_last():
    rows = [
        *calls("b", 47, actions=1, per_action=1),  # +0.01
        *calls("a", 47, actions=1, per_action=1),  # +0.01, ties with b: a first
        *calls("c", 46, actions=3, per_action=1),  # -0.03: largest |change|
        *[{**r, "feature": None} for r in calls("x", 47, actions=1, per_action=1)],  # +0.01, NULL last
    ]
    table = explain(make_connection(rows), period=W47, base=W46)
    assert table.column("feature").to_pylist() == ["c", "a", "b", None]


def test_default_base_is_the_previous_period(result):
    con = make_connection(ROWS)
    assert explain(con, period=W47).to_pylist() == explain(con, period=W47, base=W46).to_pylist()


def test_team_filter_and_none():
    rows = [*calls("volume", 46, **BASE, team="x"), *calls("volume", 47, actions=20, per_action=2, team="x")]
    rows += [*calls("price", 46, **BASE, team="y"), *calls("price", 47, **BASE, cost=0.012, team="y")]
    con = make_connection(rows)
    only_x = explain(con, period=W47, group_by="feature", team="x").to_pylist()
    assert [r["feature"] for r in only_x] == ["volume"]
    (total,) = explain(con, period=W47, group_by="none").to_pylist()
    assert "group" not in total and "none" not in total
    # The changes add up across groups (0.20 + 0.04); the effects need not: the total's
    # L(.64, .40) weights one index of both features together.
    assert total["change_usd"] == pytest.approx(0.24)
    assert sum(effects(total).values()) == pytest.approx(0.24, abs=1e-12)


@pytest.mark.parametrize("group_by", ["day", "week"])
def test_day_and_week_are_refused(group_by):
    con = make_connection(ROWS)
    with pytest.raises(QueryError, match=f"cannot group by {group_by}"):
        explain(con, period=W47, group_by=group_by)
    with pytest.raises(duckdb.Error, match=f"explain cannot group by {group_by}"):
        con.execute(
            "FROM explain(TIMESTAMPTZ '2026-11-16 00:00:00+00', TIMESTAMPTZ '2026-11-23 00:00:00+00', "
            "TIMESTAMPTZ '2026-11-09 00:00:00+00', TIMESTAMPTZ '2026-11-16 00:00:00+00', group_by := $g)",
            {"g": group_by},
        ).fetchall()
    with pytest.raises(QueryError, match="cannot be grouped by 'colour'"):
        explain(con, period=W47, group_by="colour")


def test_analyst_macro_gives_the_rows_explain_gives():
    con = make_connection(ROWS)
    via_library = explain(con, period=W47, base=W46, group_by="team")
    result = con.execute(
        "FROM explain(TIMESTAMPTZ '2026-11-16 00:00:00+00', TIMESTAMPTZ '2026-11-23 00:00:00+00', "
        "TIMESTAMPTZ '2026-11-09 00:00:00+00', TIMESTAMPTZ '2026-11-16 00:00:00+00', group_by := 'team')"
    )
    columns = [d[0] for d in result.description]
    via_macro = [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
    assert via_macro == [
        {"group": r["team"], **{k: v for k, v in r.items() if k != "team"}} for r in via_library.to_pylist()
    ]


def test_header_documents_every_parameter_and_column():
    from llmfinops import sqlfiles

    text = sqlfiles.header("explain")
    for param in sqlfiles.params_of(sqlfiles.load("explain")):
        assert f"${param}" in text
    for column in explain(make_connection(ROWS), period=W47, group_by="none").column_names:
        assert column in text, column
    assert "Per-group effects do not add up" in text  # the paragraph heads the file


def test_periods_of_any_length():
    # A 14-day period against the 14 days before it: W45+W46 -> W47+W48 holds the same calls.
    con = make_connection(ROWS)
    fortnight = between(W47.since.date(), W47.since.date() + timedelta(days=14))
    rows = {r["feature"]: r for r in explain(con, period=fortnight).to_pylist()}
    assert rows["volume"]["change_usd"] == pytest.approx(0.20)
    assert rows["volume"]["volume_usd"] == pytest.approx(0.20)


# Additivity on messy data: reported costs (with or without tokens), unpriced calls, response-
# cache hits, models that appear or disappear, actions that span features, groups in one period.
FEATURES = ("a", "b", None)
MODELS = ("m1", "m2", "m3", None)


def messy_call(draw: st.DrawFn, index: int) -> dict:
    week = draw(st.sampled_from((46, 47)))
    hit = draw(st.booleans()) and draw(st.booleans())  # a quarter of the calls
    kind = draw(st.sampled_from(("priced", "priced", "priced", "unpriced", "tiny", "zero")))
    cost = {
        "priced": draw(st.floats(0.0001, 50.0, allow_nan=False)),
        "unpriced": None,
        "tiny": draw(st.floats(1e-9, 1e-6)),
        "zero": 0.0,
    }[kind]
    return dict(
        call_id=f"c{index}",
        ts=(W46 if week == 46 else W47).since + timedelta(minutes=draw(st.integers(0, 10_000))),
        feature=draw(st.sampled_from(FEATURES)),
        team="t",
        model=draw(st.sampled_from(MODELS)),
        action_id=draw(st.one_of(st.none(), st.sampled_from(("x", "y", "z")))),
        task_id=draw(st.one_of(st.none(), st.sampled_from(("t1", "t2")))),
        cost_usd=0.0 if hit and cost is not None else cost,
        input_tokens=draw(st.sampled_from((0, 1, 7, 1000, 123_456))),
        output_tokens=draw(st.sampled_from((0, 3, 500))),
        response_cache_hit=hit,
    )


@st.composite
def messy_calls(draw: st.DrawFn) -> list[dict]:
    return [messy_call(draw, i) for i in range(draw(st.integers(1, 40)))]


def priced_cost(rows: list[dict], week: int, keep) -> float:
    period = W46 if week == 46 else W47
    return math.fsum(
        r["cost_usd"]
        for r in rows
        if r["cost_usd"] is not None and period.since <= r["ts"] < period.until and keep(r)
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy_calls())
def test_effects_add_up_to_the_change_on_messy_data(rows):
    con = make_connection(rows)
    for group_by in ("feature", "model", "none"):
        for row in explain(con, period=W47, group_by=group_by).to_pylist():
            total = math.fsum(row[c] for c in EFFECT_COLUMNS)
            c0, c1 = row["base_cost_usd"], row["cost_usd"]
            assert abs(total - row["change_usd"]) <= 1e-9 * max(c0, c1, 1), (group_by, row)
            assert all(math.isfinite(row[c]) for c in EFFECT_COLUMNS)
            if group_by != "none":
                key = row[group_by]
                c0_want = priced_cost(rows, 46, lambda r, k=key, g=group_by: r[g] == k)
                c1_want = priced_cost(rows, 47, lambda r, k=key, g=group_by: r[g] == k)
                assert c0 == pytest.approx(c0_want, rel=1e-9, abs=1e-9)
                assert c1 == pytest.approx(c1_want, rel=1e-9, abs=1e-9)
    # The changes (not the effects) of the groups add up to the total's.
    by_feature_rows = explain(con, period=W47, group_by="feature").to_pylist()
    (total,) = explain(con, period=W47, group_by="none").to_pylist() or [None]
    if total is not None:
        assert math.fsum(r["change_usd"] for r in by_feature_rows) == pytest.approx(
            total["change_usd"], abs=1e-9
        )
