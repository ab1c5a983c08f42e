"""Pricing rules: catalog price at the call's time, context bands, batch, overrides, reported and
cache-hit costs, unpriced models, tiers, and re-pricing history. Expected costs by hand."""

from __future__ import annotations

import pytest
from helpers import rows

from llmfinops.config import Config, ModelPrice, parse_config
from llmfinops.ingest.pipeline import ingest_paths
from llmfinops.pricing.reprice import reprice
from llmfinops.pricing.tiers import tier_for


def ingest(warehouse, jsonl, records, config=None):
    return ingest_paths(warehouse, [jsonl(records)], config=config)


def by_id(warehouse) -> dict[str, dict]:
    return {r["call_id"]: r for r in rows(warehouse)}


def call(cid: str, **kw) -> dict:
    base = {
        "call_id": cid,
        "ts": "2026-11-16T12:00:00Z",
        "model": "gpt-4o-mini",
        "input_tokens": 1_000_000,
        "output_tokens": 100_000,
    }
    return {**base, **kw}


def test_price_in_force_at_the_call_time(warehouse, jsonl):
    # o3 was $10 in / $40 out per MTok until 2025-06-10, then $2 / $8.
    ingest(
        warehouse,
        jsonl,
        [
            call("before", model="o3", ts="2025-06-09T23:59:59Z"),
            call("after", model="o3", ts="2025-06-10T00:00:00Z"),
        ],
    )
    got = by_id(warehouse)
    assert got["before"]["cost_usd"] == pytest.approx(1.0 * 10 + 0.1 * 40)  # 14.0
    assert got["after"]["cost_usd"] == pytest.approx(1.0 * 2 + 0.1 * 8)  # 2.8


def test_long_context_band_prices_the_whole_request(warehouse, jsonl):
    # claude-sonnet-4-0 over 200k input tokens: all input at $6, output at $22.50 (shipped gap fill)
    ingest(
        warehouse,
        jsonl,
        [
            call("at", model="claude-sonnet-4-20250514", input_tokens=200_000, output_tokens=1000),
            call("over", model="claude-sonnet-4-20250514", input_tokens=200_001, output_tokens=1000),
        ],
    )
    got = by_id(warehouse)
    assert got["at"]["cost_usd"] == pytest.approx((200_000 * 3 + 1000 * 15) / 1e6)  # 0.615
    assert got["over"]["cost_usd"] == pytest.approx((200_001 * 6 + 1000 * 22.5) / 1e6)  # 1.222506


def test_batch_calls_get_the_batch_discount(warehouse, jsonl):
    ingest(warehouse, jsonl, [call("b", batch=True), call("n")])
    got = by_id(warehouse)
    # gpt-4o-mini: 1M in x $0.15 + 0.1M out x $0.60 = $0.21; batch 50% off = $0.105
    assert got["n"]["cost_usd"] == pytest.approx(0.21)
    assert got["b"]["cost_usd"] == pytest.approx(0.105)


def test_reported_cost_is_kept_and_cache_hit_costs_nothing(warehouse, jsonl):
    ingest(
        warehouse,
        jsonl,
        [
            call("rep", cost_usd=0.5),
            call("hit", response_cache_hit=True),
            call("alias", cache_hit=True),
        ],
    )
    got = by_id(warehouse)
    assert (got["rep"]["cost_usd"], got["rep"]["cost_source"]) == (0.5, "reported")
    assert got["hit"]["cost_usd"] == 0.0 and got["hit"]["response_cache_hit"] is True
    assert got["alias"]["cost_usd"] == 0.0 and got["alias"]["response_cache_hit"] is True


def test_unknown_model_is_unpriced_not_free(warehouse, jsonl):
    summary = ingest(warehouse, jsonl, [call("u", model="acme-secret-model")])
    (row,) = rows(warehouse)
    assert row["cost_usd"] is None and row["cost_source"] == "unpriced"
    assert row["model_tier"] is None
    assert summary.unpriced == {"acme-secret-model": 1}


def test_overrides_win_over_the_catalog(warehouse, jsonl):
    config = parse_config(
        {
            "pricing": {
                "discounts": {"openai": 0.1},
                "models": [
                    {"model": "acme-llama-70b", "input_per_mtok": 0.6, "output_per_mtok": 0.8, "tier": "mid"}
                ],
            },
        }
    )
    ingest(warehouse, jsonl, [call("own", model="acme-llama-70b"), call("disc")], config=config)
    got = by_id(warehouse)
    # 1M x $0.60 + 0.1M x $0.80 = $0.68
    assert (got["own"]["cost_usd"], got["own"]["cost_source"]) == (pytest.approx(0.68), "override")
    assert got["own"]["model_tier"] == "mid"
    # gpt-4o-mini $0.21 with 10% negotiated discount = $0.189
    assert (got["disc"]["cost_usd"], got["disc"]["cost_source"]) == (pytest.approx(0.189), "override")
    assert "overrides" in got["disc"]["price_version"]


def test_override_with_a_start_date_leaves_earlier_calls_on_the_catalog(warehouse, jsonl):
    config = Config(
        model_prices=(
            ModelPrice(
                model="gpt-4o-mini",
                input_per_mtok=0.1,
                output_per_mtok=0.4,
                since=__import__("datetime").date(2026, 11, 1),
            ),
        )
    )
    ingest(
        warehouse,
        jsonl,
        [call("old", ts="2026-10-31T23:00:00Z"), call("new", ts="2026-11-01T00:00:00Z")],
        config=config,
    )
    got = by_id(warehouse)
    assert got["old"]["cost_usd"] == pytest.approx(0.21)  # catalog
    assert got["new"]["cost_usd"] == pytest.approx(1.0 * 0.1 + 0.1 * 0.4)  # 0.14, override


def test_reprice_follows_a_changed_override_and_keeps_reported(warehouse, jsonl):
    ingest(warehouse, jsonl, [call("a"), call("r", cost_usd=9.0), call("x", model="acme-llama-70b")])
    assert by_id(warehouse)["x"]["cost_usd"] is None
    config = Config(
        discounts={"openai": 0.5},
        model_prices=(ModelPrice(model="acme-llama-70b", input_per_mtok=1.0, output_per_mtok=2.0),),
    )
    result = reprice(warehouse, config)
    got = by_id(warehouse)
    assert got["a"]["cost_usd"] == pytest.approx(0.105)  # $0.21 x (1 - 0.5)
    assert got["r"]["cost_usd"] == 9.0  # reported stays reported
    assert got["x"]["cost_usd"] == pytest.approx(1.0 * 1 + 0.1 * 2)  # 1.2, newly priced
    assert (result.rows, result.changed_rows, result.unpriced_rows) == (3, 2, 0)
    assert result.cost_before == pytest.approx(0.21 + 9.0)
    assert result.cost_after == pytest.approx(0.105 + 9.0 + 1.2)


def test_ingest_warns_when_history_was_priced_differently(warehouse, jsonl):
    ingest(warehouse, jsonl, [call("a")])
    summary = ingest_paths(
        warehouse, [jsonl([call("b")], name="more.jsonl")], config=Config(discounts={"openai": 0.2})
    )
    assert summary.stale_priced_rows == 1
    assert any("llmfinops reprice" in w for w in summary.warnings)


@pytest.mark.parametrize(
    ("model", "price", "tier"),
    [
        ("gpt-4o-mini", 0.15, "budget"),
        ("o3-mini", 1.1, "budget"),
        ("o3", 2.0, "frontier"),
        ("claude-opus-4-1", 15.0, "frontier"),
        ("claude-3-5-haiku-20241022", 0.8, "budget"),
        ("gemini-2.5-pro", 1.25, "mid"),
        ("gpt-4.1", 2.0, "mid"),
        ("ft:gpt-4o-mini-2024-07-18:acme::9xyz", 0.3, "budget"),  # takes its base model's tier
        ("some-new-model", 0.4, "budget"),  # price band: < $1 input
        ("some-new-model", 3.0, "mid"),  # $1 to < $5
        ("some-new-model", 12.0, "frontier"),
        ("some-new-model", None, None),  # nothing places it
    ],
)
def test_model_tier(model, price, tier):
    assert tier_for(model, price) == tier


def test_custom_tier_patterns_come_first():
    assert tier_for("gpt-4o-mini", 0.15, {"gpt-4o*": "frontier"}) == "frontier"
