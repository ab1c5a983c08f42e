"""``whatif`` reads a call's timestamp and per-modality parts only when they can change its price.

On a 10M-call month the two columns are a quarter of the re-pricing's scan: ts is needed only
when a price row starts or ends inside the period (queries/whatif_price_changes.sql), extra_units
only when some day file of the period holds a part (queries/whatif_parts.sql, from the Parquet
footers). Either way the numbers are the same as reading them; these tests check both sides.

List prices, USD per million tokens, genai-prices 0.2.3 (the pinned catalog):
  claude-sonnet-4-20250514  $3.00 in, $15.00 out (<= 200k input)
  gpt-4o                    $2.50 in, $10.00 out; no audio price
Every cost below is "token-dollars per MTok" / 1e6.
"""

from __future__ import annotations

import json
import math
from datetime import date

import pytest
from whatif_support import operators, whatif_by_feature, whatif_columns_read, whatif_profile

from llmfinops.config import Config, parse_config
from llmfinops.ingest.pipeline import ingest_paths
from llmfinops.metrics import resolve_period
from llmfinops.store import Warehouse, connect
from llmfinops.whatif import parse_rules

W47 = resolve_period("2026-W47", None, None)
SONNET = "claude-sonnet-4-20250514"
# Fast mode from Thursday 2026-11-19 at 6x (a config row; nothing is shipped for speed=fast):
# a price that changes INSIDE W47 (2026-11-16 .. 2026-11-23).
FAST = {"provider": "anthropic", "model": "claude-sonnet-4*", "modifier": "speed=fast", "multiplier": 6,
        "valid_from": date(2026, 11, 19)}  # fmt: skip
CONFIG = parse_config({"pricing": {"modifiers": [FAST]}})


def rec(cid: str, day: str, **kw: object) -> dict:
    return {"call_id": cid, "ts": f"2026-11-{day}T10:00:00Z", "model": SONNET, "input_tokens": 1_000,
            "output_tokens": 100, "feature": "agent", "speed": "fast", **kw}  # fmt: skip


# Stored: s1 before the row (standard rate, flagged unpriced:speed=fast): 3,000 + 1,500 = 4,500
# -> $0.0045; s2 after it, x6 -> $0.027.
PLAIN = [rec("s1", "17"), rec("s2", "20")]
# The same plus one call whose prompt holds 400 audio tokens (an OpenAI Chat usage block): gpt-4o
# has no audio price, so they are left out: 600 x 2.50 + 300 x 10 = 4,500 -> $0.0045.
VOICE = {"call_id": "v1", "ts": "2026-11-18T10:00:00Z", "model": "gpt-4o", "feature": "voice",
         "usage": {"prompt_tokens": 1_000, "completion_tokens": 300, "total_tokens": 1_300,
                   "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 400}}}  # fmt: skip


def build(tmp_path_factory: pytest.TempPathFactory, name: str, records: list[dict]) -> Warehouse:
    root = tmp_path_factory.mktemp(name)
    logs = root / "calls.jsonl"
    logs.write_text("".join(json.dumps(r) + "\n" for r in records))
    wh = Warehouse.at(root / "wh")
    assert ingest_paths(wh, [logs], config=CONFIG).quarantined_total == 0
    return wh


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return build(tmp_path_factory, "plain", PLAIN)


@pytest.fixture(scope="module")
def with_parts(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return build(tmp_path_factory, "parts", [*PLAIN, VOICE])


def run(store: Warehouse, config: Config = CONFIG, **options: list[str]) -> dict[str, dict]:
    return whatif_by_feature(store, W47, config, **options)


def test_a_price_that_changes_inside_the_period_prices_each_call_at_its_own_ts(plain):
    # Output cap 50: s1 3,000 + 750 = 3,750 -> $0.00375; s2 the same x6 -> $0.0225. Priced at the
    # week's start instead, s2 would lose its 6x ($0.0075 in all).
    row = run(plain, cap_output=["agent=50"])["agent"]
    assert math.isclose(row["cost_usd"], 0.0045 + 0.027, rel_tol=1e-9), row
    assert math.isclose(row["whatif_cost_usd"], 0.00375 + 0.0225, rel_tol=1e-9), row
    assert row["calls_affected"] == 2


def test_ts_is_read_only_when_a_price_changes_inside_the_period(plain, tmp_path):
    scenario = parse_rules(cap_output=["agent=50"])
    assert "ts" in whatif_columns_read(plain, scenario, W47, CONFIG, tmp_path)
    # without the fast-mode row no price of these models starts or ends inside W47
    assert "ts" not in whatif_columns_read(plain, scenario, W47, Config(), tmp_path)


def test_parts_are_read_only_when_a_day_file_of_the_period_holds_one(plain, with_parts, tmp_path):
    scenario = parse_rules(route=["voice=gpt-4o-mini"], cap_output=["agent=50"])
    assert "extra_units" not in whatif_columns_read(plain, scenario, W47, CONFIG, tmp_path)
    assert "extra_units" in whatif_columns_read(with_parts, scenario, W47, CONFIG, tmp_path)


def test_a_rerouted_call_keeps_its_parts(with_parts):
    # To gpt-4o-mini v1 keeps its 400 audio tokens (no audio price: left out, flagged): text
    # 600 x 0.15 + 300 x 0.60 = 90 + 180 = 270 -> $0.00027.
    row = run(with_parts, route=["voice=gpt-4o-mini"])["voice"]
    assert math.isclose(row["cost_usd"], 0.0045, rel_tol=1e-9), row
    assert math.isclose(row["whatif_cost_usd"], 0.00027, rel_tol=1e-9), row


def test_a_day_file_is_dated_by_its_own_folder_not_a_parent_one(tmp_path):
    # a warehouse kept under a folder that looks like a partition must still find its day files
    logs = tmp_path / "calls.jsonl"
    logs.write_text(json.dumps(VOICE) + "\n")
    wh = Warehouse.at(tmp_path / "day=2020-01-01" / "wh")
    assert ingest_paths(wh, [logs]).quarantined_total == 0
    con = connect(wh)
    try:
        days = con.execute("SELECT DISTINCT day FROM day_files").fetchall()
    finally:
        con.close()
    assert days == [(date(2026, 11, 18),)]
    scenario = parse_rules(route=["voice=gpt-4o-mini"])
    assert "extra_units" in whatif_columns_read(wh, scenario, W47, Config(), tmp_path)


def test_rules_naming_many_values_join_calls_to_rules_without_a_cross_product(plain, tmp_path):
    # Five values named on each of the six dimensions: 6^6 - 1 = 46,655 key combinations. Written
    # inside the join condition, the keys' IN lists once made DuckDB pair every call with every
    # combination (944M rows and 14 s on the sample's month). Here: no operator may see as many
    # rows as the 2 calls x 46,655 combinations such a cross product makes.
    dims = ("feature", "team", "model", "model_tier", "provider", "prompt_version")
    caps = [f"{d}:v{i}=50" for d in dims for i in range(4)] + [f"{d}:x=50" for d in dims[1:]]
    scenario = parse_rules(cap_output=[*caps, "agent=50"])
    rows = [o["intermediate_rows"] for o in operators(whatif_profile(plain, scenario, W47, CONFIG, tmp_path))]
    assert 46_655 in rows  # the combinations, read once
    assert max(rows) < 2 * 46_655, max(rows)
    row = run(plain, cap_output=[*caps, "agent=50"])["agent"]
    assert math.isclose(row["whatif_cost_usd"], 0.00375 + 0.0225, rel_tol=1e-9), row
