"""``whatif`` re-prices a call sent through a regional-processing endpoint with its multiplier.

A [[pricing.regional_processing]] row multiplies the cost of the calls whose tag has the
configured value (queries/price_calls.sql; OpenAI: "Data residency endpoints are charged a 10%
uplift", https://developers.openai.com/api/docs/guides/data-residency, x1.1). Ingest stores that
cost; a scenario's new cost must carry the same multiplier (for the call's NEW model, as ingest
would price it), or whatif compares a x1.1 stored cost with a x1.0 new one and overstates savings.

List prices, USD per million tokens, genai-prices 0.2.3 (the pinned catalog), standard rows:
  gpt-5 (gpt-5-2025-08-07)  $1.25 in, $0.125 cache read, $10.00 out
  gpt-5-mini                $0.25 in, $0.025 cache read, $2.00 out
  gpt-4o-mini               $0.15 in, $0.075 cache read, $0.60 out
Every cost below is "token-dollars per MTok" / 1e6.
"""

from __future__ import annotations

import json
import math

import pytest
from whatif_support import whatif_by_feature, whatif_columns_read

from llmfinops.config import Config, parse_config
from llmfinops.ingest.pipeline import ingest_paths
from llmfinops.metrics import resolve_period
from llmfinops.store import Warehouse, connect
from llmfinops.whatif import parse_rules

W47 = resolve_period("2026-W47", None, None)
# the config lists the models the uplift applies to (here every gpt-5*); tag and value name the
# project whose calls go through the EU data-residency endpoint; multiplier 1.1 (the default)
REGIONAL = {"provider": "openai", "model": "gpt-5*", "tag": "project", "value": "proj_eu", "multiplier": 1.1}
CONFIG = parse_config({"pricing": {"regional_processing": [REGIONAL]}})


def rec(cid: str, feature: str, project: str) -> dict:
    # 10,000 input tokens of which 2,000 cached, 1,000 output, on gpt-5
    return {
        "call_id": cid,
        "ts": "2026-11-17T09:00:00Z",
        "model": "gpt-5-2025-08-07",
        "input_tokens": 10_000,
        "cached_input_tokens": 2_000,
        "output_tokens": 1_000,
        "feature": feature,
        "team": "support",
        "project": project,
    }


# Stored (ingested with CONFIG), each call: 8,000 x 1.25 + 2,000 x 0.125 + 1,000 x 10
#   = 10,000 + 250 + 10,000 = 20,250; proj_eu x 1.1 = 22,275.
# feature "eu":    e1 (proj_eu) $0.022275 + m1 (proj_main) $0.02025 = $0.042525
# feature "capped": e2 (proj_eu) $0.022275
RECORDS = [rec("e1", "eu", "proj_eu"), rec("m1", "eu", "proj_main"), rec("e2", "capped", "proj_eu")]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    root = tmp_path_factory.mktemp("whatif_regional")
    logs = root / "calls.jsonl"
    logs.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    wh = Warehouse.at(root / "wh")
    assert ingest_paths(wh, [logs], config=CONFIG).quarantined_total == 0
    return wh


def run(store: Warehouse, config: Config = CONFIG, **options: list[str]) -> dict[str, dict]:
    return whatif_by_feature(store, W47, config, **options)


def check(row: dict, cost: float, whatif_cost: float) -> None:
    assert math.isclose(row["cost_usd"], cost, rel_tol=1e-9), row
    assert math.isclose(row["whatif_cost_usd"], whatif_cost, rel_tol=1e-9), row
    assert math.isclose(row["savings_usd"], cost - whatif_cost, rel_tol=1e-9), row


def test_the_stored_costs_carry_the_regional_multiplier(store):
    con = connect(store)
    try:
        got = dict(con.execute("SELECT call_id, cost_usd FROM calls").fetchall())
    finally:
        con.close()
    assert got == pytest.approx({"e1": 0.022275, "m1": 0.02025, "e2": 0.022275}, rel=1e-9)


def test_a_rerouted_call_keeps_the_multiplier_where_the_row_covers_the_target(store):
    # To gpt-5-mini (gpt-5* covers it): 8,000 x 0.25 + 2,000 x 0.025 + 1,000 x 2 = 2,000 + 50 + 2,000
    #   = 4,050; e1 (proj_eu) x 1.1 = 4,455 -> $0.004455; m1 (proj_main) $0.00405.
    # whatif 0.004455 + 0.00405 = 0.008505; savings 0.042525 - 0.008505 = 0.03402
    # (without the multiplier e1 would be $0.00405 and the savings overstated by $0.000405).
    got = run(store, route=["eu=gpt-5-mini"])
    check(got["eu"], 0.042525, 0.004455 + 0.00405)
    assert got["eu"]["calls_affected"] == 2


def test_a_rerouted_call_loses_the_multiplier_where_the_row_does_not_cover_the_target(store):
    # To gpt-4o-mini (not a gpt-5* model: ingest would not uplift it either):
    #   8,000 x 0.15 + 2,000 x 0.075 + 1,000 x 0.60 = 1,200 + 150 + 600 = 1,950 -> $0.00195 each
    got = run(store, route=["eu=gpt-4o-mini"])
    check(got["eu"], 0.042525, 0.00195 * 2)


def test_a_capped_call_keeps_the_multiplier(store):
    # e2 output capped at 500: 8,000 x 1.25 + 2,000 x 0.125 + 500 x 10 = 10,000 + 250 + 5,000
    #   = 15,250 x 1.1 = 16,775 -> $0.016775
    got = run(store, cap_output=["capped=500"])
    check(got["capped"], 0.022275, 0.016775)


def test_without_the_row_in_the_config_the_new_cost_has_no_multiplier(store):
    # whatif prices under the config it is given: the same route without the row prices e1 at the
    # plain 4,050 -> $0.00405 (the stored costs stay as ingested)
    got = run(store, Config(), route=["eu=gpt-5-mini"])
    check(got["eu"], 0.042525, 0.00405 * 2)


def test_tags_are_read_only_when_a_regional_row_needs_them(store, tmp_path):
    # reading the tags MAP of every call in scope costs more than the re-pricing: without a
    # regional_processing row the statement must not read it at all
    scenario = parse_rules(route=["eu=gpt-5-mini"])
    assert "tags" not in whatif_columns_read(store, scenario, W47, Config(), tmp_path)
    assert "tags" in whatif_columns_read(store, scenario, W47, CONFIG, tmp_path)
