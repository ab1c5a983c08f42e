"""Price modifiers: service tiers, batch, inference_geo, speed, scale — each on a real-shaped record.

Pricing order (queries/price_calls.sql): the catalog's own variant at ts, else the shipped
modifier table (llmfinops/pricing/modifiers.toml, overridable in the config), else for batch the
configured batch discount, else the standard-rate parts priced and the call flagged.
Prices from genai-prices 0.2.3 (USD per million tokens), worked by hand.
"""

from __future__ import annotations

import json

import pytest
from helpers import CASES, rows, write_jsonl

from llmfinops.config import parse_config
from llmfinops.ingest.pipeline import ingest_paths
from llmfinops.pricing.reprice import reprice

REALWORLD = CASES / "realworld" / "raw_response"
COLUMNS = "call_id, service_tier, batch, inference_geo, cost_usd, cost_source, price_flags, price_version"


def usage_of(name: str) -> dict:
    return json.loads((REALWORLD / name).read_text())["usage"]


def priced(warehouse, tmp_path, records: list[dict], config=None) -> dict[str, dict]:
    ingest_paths(warehouse, [write_jsonl(tmp_path / "calls.jsonl", records)], config=config)
    return {r["call_id"]: r for r in rows(warehouse, f"SELECT {COLUMNS} FROM calls")}


# The usage block of an_plain.json (claude-sonnet-4-6: 4727 in, 278 out), with usage.service_tier
# as Anthropic's Message Batches results report it ("batch"), in a native log line.
AN_PLAIN = usage_of("an_plain.json")


def an(call_id: str, ts: str, tier: str) -> dict:
    return {
        "ts": ts,
        "call_id": call_id,
        "model": "claude-sonnet-4-6",
        "usage": {**AN_PLAIN, "service_tier": tier},
    }


def test_batch_takes_the_catalog_variant_before_the_configured_discount(warehouse, tmp_path):
    config = parse_config({"pricing": {"batch_discounts": {"anthropic": 0.3}}})
    got = priced(
        warehouse,
        tmp_path,
        [
            an("after", "2026-11-02T10:00:00Z", "batch"),
            an("before", "2026-07-01T10:00:00Z", "batch"),
            an("standard", "2026-11-02T10:00:00Z", "standard"),
        ],
        config,
    )
    # from 2026-10-14 the catalog carries claude-sonnet-4-6's batch price: $1.50 in, $7.50 out:
    # 4727*1.5 + 278*7.5 = 7090.5 + 2085 = 9175.5 (the configured 30% would give 12845.7)
    assert got["after"]["cost_usd"] == pytest.approx(9175.5e-6, rel=1e-6)
    # before it, only the config's 30%: (4727*3 + 278*15) * 0.7 = 18351 * 0.7 = 12845.7
    assert got["before"]["cost_usd"] == pytest.approx(12845.7e-6, rel=1e-6)
    assert got["standard"]["cost_usd"] == pytest.approx(18351e-6, rel=1e-6)
    assert [
        (got[k]["service_tier"], got[k]["batch"], got[k]["price_flags"]) for k in ("after", "before")
    ] == [
        ("batch", True, []),
        ("batch", True, []),
    ]


def test_batch_without_any_batch_price_is_flagged_not_priced_at_the_standard_rate(warehouse, tmp_path):
    # gm_thoughts.json's usage (gemini-2.5-flash, 154 in, 151 out) sent through a batch, before the
    # catalog's Gemini batch variant (2026-10-14) and with no google batch discount configured:
    # standard parts 154*0.3 + 151*2.5 = 46.2 + 377.5 = 423.7, flagged
    usage = json.loads((REALWORLD / "gm_thoughts.json").read_text())["usageMetadata"]
    got = priced(
        warehouse,
        tmp_path,
        [
            {
                "ts": "2026-07-01T12:00:00Z",
                "call_id": "g",
                "model": "gemini-2.5-flash",
                "batch": True,
                "usage": usage,
            }
        ],
    )
    assert got["g"]["cost_usd"] == pytest.approx(423.7e-6, rel=1e-6)
    assert got["g"]["price_flags"] == ["unpriced:service_tier=batch"]


def test_openai_flex_and_priority_use_the_catalog_variant_where_it_exists(warehouse, tmp_path):
    # oa_resp_cached_reasoning.json's usage (gpt-5: 12594 in of which 3200 cached, 1150 out) with
    # service_tier as OpenAI reports it.
    usage = usage_of("oa_resp_cached_reasoning.json")
    base = {"model": "gpt-5-2025-08-07", "usage": usage}
    got = priced(
        warehouse,
        tmp_path,
        [
            {**base, "ts": "2026-11-02T10:00:00Z", "call_id": "flex", "service_tier": "flex"},
            {**base, "ts": "2026-11-02T10:00:00Z", "call_id": "priority", "service_tier": "priority"},
            {**base, "ts": "2026-11-02T10:00:00Z", "call_id": "default", "service_tier": "default"},
            {**base, "ts": "2025-10-15T14:03:42Z", "call_id": "flex-2025", "service_tier": "flex"},
        ],
    )
    # flex from 2026-10-12: $0.625 in, $0.0625 cached, $5 out:
    # 9394*0.625 + 3200*0.0625 + 1150*5 = 5871.25 + 200 + 5750 = 11821.25
    assert got["flex"]["cost_usd"] == pytest.approx(11821.25e-6, rel=1e-6)
    # priority: $2.50, $0.25, $20: 9394*2.5 + 3200*0.25 + 1150*20 = 23485 + 800 + 23000 = 47285
    assert got["priority"]["cost_usd"] == pytest.approx(47285e-6, rel=1e-6)
    # default = standard: 9394*1.25 + 3200*0.125 + 1150*10 = 11742.5 + 400 + 11500 = 23642.5
    assert got["default"]["cost_usd"] == pytest.approx(23642.5e-6, rel=1e-6)
    assert got["default"]["service_tier"] == "standard"
    # in 2025 the catalog had no flex price: the standard parts, flagged
    assert got["flex-2025"]["cost_usd"] == pytest.approx(23642.5e-6, rel=1e-6)
    assert got["flex-2025"]["price_flags"] == ["unpriced:service_tier=flex"]


def test_anthropic_priority_has_no_published_rate_and_is_flagged(warehouse, tmp_path):
    got = priced(warehouse, tmp_path, [an("p", "2026-07-01T10:00:00Z", "priority")])
    assert (got["p"]["service_tier"], got["p"]["price_flags"]) == (
        "priority",
        ["unpriced:service_tier=priority"],
    )
    assert got["p"]["cost_usd"] == pytest.approx(18351e-6, rel=1e-6)  # the standard-rate parts


def test_scale_tier_is_prepaid_capacity_stored_unpriced(warehouse, tmp_path):
    usage = usage_of("oa_chat_plain.json")
    got = priced(
        warehouse,
        tmp_path,
        [{"ts": "2026-07-01T10:00:00Z", "call_id": "s", "model": "gpt-4o-2024-08-06", "service_tier": "scale",
          "usage": usage}],
    )  # fmt: skip
    assert (got["s"]["cost_usd"], got["s"]["cost_source"], got["s"]["price_flags"]) == (
        None,
        "unpriced",
        ["unpriced:service_tier=scale"],
    )


# The response example of Anthropic's data residency guide
# (https://platform.claude.com/docs/en/build-with-claude/data-residency): claude-opus-4-6 with
# inference_geo "us" and usage {"input_tokens": 25, "output_tokens": 150, "inference_geo": "us"}.
GEO_US = {
    "ts": "2026-07-01T12:00:00Z",
    "call_id": "geo",
    "model": "claude-opus-4-6",
    "usage": {"input_tokens": 25, "output_tokens": 150, "inference_geo": "us"},
}


def test_inference_geo_us_takes_the_shipped_multiplier_and_reprice_follows_a_change(warehouse, tmp_path):
    got = priced(warehouse, tmp_path, [GEO_US])
    # claude-opus-4-6 (from 2026-03-13) $5 in, $25 out, x1.1 (shipped table, modifiers.toml):
    # (25*5 + 150*25) * 1.1 = 3875 * 1.1 = 4262.5
    assert got["geo"]["cost_usd"] == pytest.approx(4262.5e-6, rel=1e-6)
    assert (got["geo"]["inference_geo"], got["geo"]["price_flags"]) == ("us", [])
    assert "modifiers 2026-12-02" in got["geo"]["price_version"]

    # the config overrides the shipped row; reprice applies it to history: 3875 * 1.2 = 4650
    geo_12 = {"provider": "anthropic", "model": "claude-*", "modifier": "inference_geo=us", "multiplier": 1.2}
    config = parse_config({"pricing": {"modifiers": [geo_12]}})
    result = reprice(warehouse, config)
    assert result.changed_rows == 1
    (row,) = rows(warehouse, f"SELECT {COLUMNS} FROM calls")
    assert row["cost_usd"] == pytest.approx(4650e-6, rel=1e-6)
    assert row["price_version"] != got["geo"]["price_version"]
