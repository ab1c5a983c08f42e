"""Chargeback arithmetic: allocation rules, cent rounding that always adds up, adjustments, billed
totals. Every expected amount is worked by hand in the comments.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_report_sql import BILLED, CALLS, W47, make_con

from llmfinops.config import Config
from llmfinops.report.chargeback import (
    UNALLOCATED,
    Item,
    allocate,
    largest_remainder,
    round_cents,
    to_decimal,
    weights,
)
from llmfinops.report.statement import build_chargeback


def usage(team: str, cost: str, feature: str = "f", model: str = "m") -> Item:
    return Item(team, feature, model, 1, D(cost))


def cents_by_team(allocation) -> dict[str, tuple[int, int]]:
    return {t.team: (t.usage_cents, t.shared_cents) for t in allocation.teams}


def test_to_decimal_is_the_printed_float():
    assert to_decimal(0.1) == D("0.1")  # not 0.1000000000000000055511151231257827
    assert to_decimal(None) == 0
    assert round_cents(D("1.005")) == 101  # halves go away from zero
    assert round_cents(D("-1.005")) == -101


def test_naive_rounding_is_a_cent_off_and_largest_remainder_is_not():
    # Three teams used $0.335 each: $1.005 in all, $1.01 to the cent. Rounding each line
    # gives 3 x $0.34 = $1.02. Largest remainder: floors 33 + 33 + 33 = 99, the 2 cents left
    # go to the largest fractions (.5 each, a tie) in team-name order: a and b.
    items = [usage("a", "0.335"), usage("b", "0.335"), usage("c", "0.335")]
    assert sum(round_cents(i.cost) for i in items) == 102
    result = allocate(items, D(0))
    assert result.total_cents == 101
    assert cents_by_team(result) == {"a": (34, 0), "b": (34, 0), "c": (33, 0)}


def test_ties_go_by_team_name_whatever_the_input_order():
    items = [usage("zeta", "0.335"), usage("alpha", "0.335"), usage("mid", "0.335")]
    result = allocate(items, D(0))
    assert cents_by_team(result) == {"alpha": (34, 0), "mid": (34, 0), "zeta": (33, 0)}


def test_largest_remainder_validates():
    assert largest_remainder(10, [D("0.04"), D("0.06")], ["a", "b"]) == [4, 6]
    with pytest.raises(ValueError):
        largest_remainder(50, [D("0.04"), D("0.06")], ["a", "b"])  # 40 cents cannot be spread


def test_proportional():
    # growth used 6.00, docs 2.00; 1.00 is shared: growth 6/8 = .75, docs 2/8 = .25.
    result = allocate([usage("growth", "6.00"), usage("docs", "2.00")], D("1.00"), rule="proportional")
    assert result.rule == "proportional"
    assert cents_by_team(result) == {"docs": (200, 25), "growth": (600, 75)}
    assert result.total_cents == 900


def test_proportional_with_a_third_that_does_not_divide():
    # a 1.00, b 2.00; 0.10 shared: a gets 0.0333…, b 0.0666…; total 3.10.
    # Floors: 100, 3, 200, 6 = 309; the cent left goes to the largest fraction, b's .67.
    result = allocate([usage("a", "1.00"), usage("b", "2.00")], D("0.10"))
    assert cents_by_team(result) == {"a": (100, 3), "b": (200, 7)}


def test_even():
    # 1.00 shared over three teams: .3333 each; floors 33 x 3 = 99; the cent goes to "a".
    items = [usage("a", "0.50"), usage("b", "0.25"), usage("c", "0.25")]
    result = allocate(items, D("1.00"), rule="even")
    assert cents_by_team(result) == {"a": (50, 34), "b": (25, 33), "c": (25, 33)}
    assert sum(t.subtotal_cents for t in result.teams) == result.total_cents == 200


def test_owner_team_takes_all_even_without_usage_of_its_own():
    # growth 2.00 and docs 1.00 keep their usage; platform, the owner, takes the 0.90 shared.
    items = [usage("growth", "2.00"), usage("docs", "1.00")]
    result = allocate(items, D("0.90"), rule="owner", owner_team="platform")
    assert cents_by_team(result) == {"docs": (100, 0), "growth": (200, 0), "platform": (0, 90)}
    assert [ln.kind for ln in result.lines if ln.team == "platform"] == ["shared"]


def test_proportional_with_nothing_priced_falls_back_to_even():
    # Both teams' calls were unpriced (cost 0): no proportion to go by, so 1.00 splits .50/.50.
    result = allocate([usage("a", "0"), usage("b", "0")], D("1.00"))
    assert result.rule == "even"
    assert cents_by_team(result) == {"a": (0, 50), "b": (0, 50)}


def test_no_team_at_all_leaves_the_shared_cost_unallocated():
    result = allocate([], D("2.00"))
    assert result.rule == "unallocated"
    assert cents_by_team(result) == {UNALLOCATED: (0, 200)}


def test_a_negative_shared_cost_is_a_credit_by_the_same_rule():
    # Billed 0.40 less than the logs: growth 3.00 and docs 1.00 get -.30 and -.10.
    result = allocate([usage("growth", "3.00"), usage("docs", "1.00")], D("-0.40"))
    assert cents_by_team(result) == {"docs": (100, -10), "growth": (300, -30)}
    assert result.total_cents == 360


def test_adjustments_markup_and_discount():
    # x: 10.05 subtotal, +10% = 1.005 -> $1.01 (half up); y: 2.00, -5% = -0.10; z: no rate.
    items = [usage("x", "10.05"), usage("y", "2.00"), usage("z", "1.00")]
    result = allocate(items, D(0), adjustments={"x": 0.10, "y": -0.05, "nobody": 0.5})
    by_team = {t.team: (t.subtotal_cents, t.adjustment_cents, t.charged_cents) for t in result.teams}
    assert by_team == {"x": (1005, 101, 1106), "y": (200, -10, 190), "z": (100, 0, 100)}
    assert result.total_cents == 1305  # adjustments are on top of the cost, not part of it


def test_weights_reject_an_unknown_rule():
    with pytest.raises(ValueError):
        weights({"a": D(1)}, "random", None)


money = st.decimals(min_value=D("0"), max_value=D("5000"), places=6)


@settings(max_examples=200, deadline=None)
@given(
    costs=st.lists(st.tuples(st.sampled_from("abcdefgh"), money), min_size=0, max_size=12),
    shared=st.decimals(min_value=D("-50"), max_value=D("500"), places=6),
    rule=st.sampled_from(["proportional", "even", "owner"]),
)
def test_lines_always_add_up_to_the_cent(costs, shared, rule):
    items = [Item(team, f"f{n}", "m", 1, cost) for n, (team, cost) in enumerate(costs)]
    result = allocate(items, shared, rule=rule, owner_team="owner")
    total = sum((i.cost for i in items), D(0)) + shared
    assert result.total_cents == round_cents(total)
    assert sum(ln.cents for ln in result.lines) == result.total_cents
    assert sum(t.subtotal_cents for t in result.teams) == result.total_cents
    for line in result.lines:  # no line moves by a cent or more
        assert abs(line.cents - line.exact * 100) < 1


def test_statement_without_billed_costs_view():
    # No billed_costs view at all (an older warehouse): the total is the logged W47 cost, 4.50.
    # Attributed: docs 1.00 (a3 .25, a4 0, a7 .75), growth 2.50; no team: a5 1.00 (+ a6 unpriced).
    # Proportional: docs 1/3.5 of 1.00 = .2857, growth 2.5/3.5 = .7143.
    # Lines (cents): docs 75, 25, 28.57; growth 200, 50, 71.43 -> floors 75+25+28+200+50+71 = 449,
    # 1 cent left: the largest fraction is docs' .57 -> docs 129, growth 321 = 450.
    report = build_chargeback(make_con(CALLS), W47, Config(adjustments={"growth": 0.10}))
    summary = {
        r["team"]: (r["usage_usd"], r["shared_usd"], r["charged_usd"])
        for r in report.rows("chargeback_summary")
    }
    assert summary == {
        "docs": (D("1.00"), D("0.29"), D("1.29")),
        "growth": (D("2.50"), D("0.71"), D("3.53")),  # 3.21 + 10% = .321 -> .32
    }
    rec = report.rows("chargeback_reconciliation")[0]
    assert (rec["total_usd"], rec["shared_usd"], rec["billed_usd"], rec["charged_usd"]) == (
        D("4.50"),
        D("1.00"),
        None,
        D("4.82"),
    )
    assert report.facts["billed"] is False
    statement = report.rows("chargeback_statement")
    assert sum(r["amount_usd"] for r in statement if r["line_type"] != "adjustment") == D("4.50")
    assert [(r["team"], r["line_type"], r["feature"], r["amount_usd"]) for r in statement] == [
        ("docs", "usage", "summarise", D("0.75")),
        ("docs", "usage", "search", D("0.25")),
        ("docs", "shared", None, D("0.29")),
        ("growth", "usage", "chat", D("2.00")),
        ("growth", "usage", "chat", D("0.50")),
        ("growth", "shared", None, D("0.71")),
        ("growth", "adjustment", None, D("0.32")),
    ]


def test_statement_with_billed_costs_uses_them_as_the_truth():
    # OpenAI billed 3.00 on the 16th where the logs said 2.50: the total is 5.00 and the shared
    # remainder 5.00 - 3.50 attributed = 1.50 (a5's 1.00 + the .50 billing difference).
    # Proportional: docs 1.5/3.5 = .4286, growth 3.75/3.5 = 1.0714. Lines: docs 75, 25, 42.86;
    # growth 200, 50, 107.14 -> floors 499; the cent goes to docs' .86 -> docs 143, growth 357.
    report = build_chargeback(make_con(CALLS, billed=BILLED), W47, Config())
    summary = {r["team"]: r["subtotal_usd"] for r in report.rows("chargeback_summary")}
    assert summary == {"docs": D("1.43"), "growth": D("3.57")}
    rec = report.rows("chargeback_reconciliation")[0]
    assert (rec["total_usd"], rec["billed_usd"], rec["shared_usd"], rec["billing_difference_usd"]) == (
        D("5.00"),
        D("3.00"),
        D("1.50"),
        D("0.50"),
    )
    assert report.facts["billed"] is True


def test_statement_with_an_empty_billed_costs_view_is_the_logged_total():
    report = build_chargeback(make_con(CALLS, billed=[]), W47, Config(allocation="even"))
    # Even: 1.00 shared -> .50 each.
    assert {r["team"]: r["subtotal_usd"] for r in report.rows("chargeback_summary")} == {
        "docs": D("1.50"),
        "growth": D("3.00"),
    }
    assert report.facts["billed"] is False
    assert "split evenly across the 2 team(s)" in report.facts["rule_text"]
