"""``whatif``: each scenario option on a hand-built week, with the arithmetic written out.

The calls are ingested for real (native JSONL -> store -> the catalog price join), then re-priced
by ``llmfinops.whatif``. List prices, USD per million tokens, from genai-prices 0.2.3 (the pinned
catalog) as the price table flattens them:
  gpt-4o                    $2.50 in, $1.25 cache read, no cache-write price (input price), $10.00 out
  gpt-4o-mini               $0.15 in, $0.075 cache read, no cache-write price, $0.60 out
  claude-sonnet-4-20250514  <= 200k input: $3.00 in, $0.30 read, $3.75 5m write, $15.00 out;
                            > 200k input (llmfinops/pricing/gaps.py, Anthropic's long-context
                            rate): $6.00 in, $0.60 read, $7.50 5m write, $22.50 out
  gemini-2.5-flash          $0.30 in, $2.50 out; Google has no batch rate in the config
Batch: OpenAI and Anthropic 50% off (the default [pricing] batch_discounts).
Every cost below is "token-dollars per MTok" / 1e6.
"""

from __future__ import annotations

import json
import math

import pytest

from llmfinops.config import parse_config
from llmfinops.ingest.pipeline import ingest_paths
from llmfinops.metrics import resolve_period
from llmfinops.store import connect
from llmfinops.whatif import parse_rules, whatif

W47 = resolve_period("2026-W47", None, None)
CHAT = {"feature": "chat", "team": "growth", "user_id": "u1"}
AGENT = {"feature": "agent", "team": "platform"}
DIGEST = {"feature": "digest", "team": "platform"}  # no user: nobody waits for it
GATEWAY = {"feature": "gateway", "team": "support"}
VOICE = {"feature": "voice", "team": "growth"}


def rec(cid: str, ts: str, model: str, inp: int, out: int, where: dict, **kw) -> dict:
    return {"call_id": cid, "ts": f"2026-11-17T{ts}:00Z", "model": model, "input_tokens": inp,
            "output_tokens": out, **where, **kw}  # fmt: skip


SONNET = "claude-sonnet-4-20250514"
# fmt: off
RECORDS = [
    # chat. c1: (8,000 x 2.50 + 2,000 x 1.25 + 500 x 10) = 27,500 -> $0.0275
    rec("c1", "09:00", "gpt-4o", 10_000, 500, CHAT, cached_input_tokens=2_000, prompt_version="v2"),
    # c2: (1,010 x 2.50 + 2,000 x 10) = 22,525 -> $0.022525; 1,500 of its output is reasoning
    rec("c2", "09:05", "gpt-4o", 1_010, 2_000, CHAT, reasoning_tokens=1_500, prompt_version="v2"),
    # r1: a gateway reported $0.05 for it: stored as reported
    rec("r1", "09:10", "gpt-4o", 1_000, 100, CHAT, cost_usd=0.05),
    # u1: a model nobody prices: stored unpriced (cost NULL)
    rec("u1", "09:15", "acme-unknown-7b", 1_000, 100, CHAT, provider="acme"),
    # h1: answered by the app's response cache: costs 0
    rec("h1", "09:20", "gpt-4o", 1_000, 100, CHAT, cache_hit=True),
    # agent, task T1 on Sonnet 4, 100 output tokens a step (100 x 15 = 1,500):
    #   a1 1,000 x 3 + 1,500 = 4,500 -> $0.0045; a2 6,000 + 1,500 -> $0.0075;
    #   a3 9,000 + 1,500 -> $0.0105; a4 12,000 + 1,500 -> $0.0135
    rec("a1", "10:00", SONNET, 1_000, 100, AGENT, task_id="T1", step=1),
    rec("a2", "10:01", SONNET, 2_000, 100, AGENT, task_id="T1", step=2),
    rec("a3", "10:02", SONNET, 3_000, 100, AGENT, task_id="T1", step=3),
    rec("a4", "10:03", SONNET, 4_000, 100, AGENT, task_id="T1", step=4),
    # task T2, one long-context step (250,000 > 200k: the whole request at the long-context rate):
    #   uncached 250,000 - 50,000 - 10,000 = 190,000 x 6 = 1,140,000; cached 50,000 x 0.60 = 30,000;
    #   writes 10,000 x 7.50 = 75,000; output 1,000 x 22.50 = 22,500 -> 1,267,500 -> $1.2675
    rec("a5", "11:00", SONNET, 250_000, 1_000, AGENT, task_id="T2", step=1,
        cached_input_tokens=50_000, cache_write_tokens=10_000),
    # digest. d1 gemini: 10,000 x 0.30 + 1,000 x 2.50 = 5,500 -> $0.0055
    rec("d1", "02:00", "gemini-2.5-flash", 10_000, 1_000, DIGEST, provider="google"),
    # d2 gpt-4o-mini: 10,000 x 0.15 + 1,000 x 0.60 = 2,100 -> $0.0021
    rec("d2", "02:05", "gpt-4o-mini", 10_000, 1_000, DIGEST),
    # b1 gpt-4o through the batch API: (25,000 + 10,000) x 0.5 = 17,500 -> $0.0175
    rec("b1", "02:10", "gpt-4o", 10_000, 1_000, DIGEST, batch=True),
    # gateway: a reported cost on a model the catalog does not know
    rec("g1", "12:00", "acme-gw-1", 1_000, 800, GATEWAY, provider="acme", cost_usd=0.04),
    # voice. v1 ran on the flex service tier, which the catalog does not price: standard rate,
    #   flagged: 1,000 x 2.50 + 100 x 10 = 3,500 -> $0.0035
    rec("v1", "13:00", "gpt-4o", 1_000, 100, VOICE, service_tier="flex"),
    # v2 (an OpenAI Chat usage block): 400 of its 1,000 prompt tokens are audio, which gpt-4o has no
    #   price for (flagged, left out): text 600 x 2.50 + 300 x 10 = 4,500 -> $0.0045
    {"call_id": "v2", "ts": "2026-11-17T13:05:00Z", "model": "gpt-4o", **VOICE,
     "usage": {"prompt_tokens": 1_000, "completion_tokens": 300, "total_tokens": 1_300,
               "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 400}}},
]
# fmt: on
# Stored per feature: chat 0.0275 + 0.022525 + 0.05 + 0 = 0.100025 (u1 unpriced);
# agent 0.0045 + 0.0075 + 0.0105 + 0.0135 + 1.2675 = 1.3035; digest 0.0055 + 0.0021 + 0.0175 = 0.0251;
# gateway 0.04.
STORED = {"chat": 0.100025, "agent": 1.3035, "digest": 0.0251, "gateway": 0.04, "voice": 0.008}
COLUMNS = ("feature", "cost_usd", "whatif_cost_usd", "savings_usd", "savings_share", "calls_affected",
           "calls_dropped", "not_applicable_calls", "unpriced_calls")  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from llmfinops.store import Warehouse

    root = tmp_path_factory.mktemp("whatif")
    logs = root / "calls.jsonl"
    logs.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    wh = Warehouse.at(root / "wh")
    summary = ingest_paths(wh, [logs])
    assert summary.quarantined_total == 0
    return wh


def run(store, config_text: str = "", **options) -> dict:
    con = connect(store)
    try:
        config = parse_config(_toml(config_text))
        table = whatif(con, parse_rules(**options), period=W47, config=config)
    finally:
        con.close()
    assert tuple(table.column_names) == COLUMNS
    return {r["feature"]: r for r in table.to_pylist()}


def _toml(text: str) -> dict:
    import tomllib

    return tomllib.loads(text)


def expect(got: dict, feature: str, cost: float, whatif_cost: float, affected=0, dropped=0, na=0, unpriced=0):
    row = got[feature]
    assert math.isclose(row["cost_usd"], cost, rel_tol=1e-9), row
    assert math.isclose(row["whatif_cost_usd"], whatif_cost, rel_tol=1e-9, abs_tol=1e-12), row
    assert math.isclose(row["savings_usd"], cost - whatif_cost, rel_tol=1e-9, abs_tol=1e-12), row
    assert math.isclose(row["savings_share"], (cost - whatif_cost) / cost, rel_tol=1e-9, abs_tol=1e-12), row
    assert (
        row["calls_affected"],
        row["calls_dropped"],
        row["not_applicable_calls"],
        row["unpriced_calls"],
    ) == (affected, dropped, na, unpriced), row


def untouched(got: dict, *features: str) -> None:
    for f in features:
        expect(got, f, STORED[f], STORED[f], unpriced=1 if f == "chat" else 0)


def test_step_cap_drops_a_tasks_calls_after_the_kth(store):
    # T1's index by (ts, step, call_id): a1 1, a2 2, a3 3, a4 4. K = 2 drops a3 and a4:
    # 1.3035 - 0.0105 - 0.0135 = 1.2795. T2 has one call (index 1): kept.
    got = run(store, step_cap=["agent=2"])
    expect(got, "agent", 1.3035, 1.2795, affected=2, dropped=2)
    untouched(got, "chat", "digest", "gateway")
    assert list(got) == ["agent", "chat", "digest", "gateway", "voice"]  # largest savings first, then by name


def test_context_cap_scales_cache_parts_with_floor_and_reevaluates_the_band(store):
    # a5: input' = min(250,000, 100,001) = 100,001; ratio 100,001 / 250,000:
    #   cached' = floor(50,000 x 100,001 / 250,000) = floor(20,000.2) = 20,000
    #   writes' = floor(10,000 x 100,001 / 250,000) = floor(4,000.04) = 4,000
    #   uncached' = 100,001 - 20,000 - 4,000 = 76,001
    # 100,001 <= 200k: the standard band now: 76,001 x 3 + 20,000 x 0.30 + 4,000 x 3.75 + 1,000 x 15
    #   = 228,003 + 6,000 + 15,000 + 15,000 = 264,003 -> $0.264003
    # T1's calls (1,000-4,000 input) are under the cap: unchanged.
    got = run(store, cap_context=["agent=100001"])
    expect(got, "agent", 1.3035, 1.3035 - 1.2675 + 0.264003, affected=1)
    untouched(got, "chat", "digest", "gateway")


def test_output_cap(store):
    # c2: output' = min(2,000, 1,000) = 1,000 (reasoning' = min(1,500, 1,000) = 1,000, priced as output):
    #   1,010 x 2.50 + 1,000 x 10 = 12,525 -> $0.012525 (saves 0.01). c1 (500), r1, h1 (100) are under it.
    # The scope is the whole team growth = chat here; u1 stays unpriced.
    got = run(store, cap_output=["team:growth=1000"])
    expect(got, "chat", 0.100025, 0.100025 - 0.022525 + 0.012525, affected=1, unpriced=1)
    untouched(got, "agent", "digest", "gateway")


def test_cache_share_with_floor_and_round_half_away_from_zero(store):
    # prompt_version v2 = c1 and c2; w = [whatif] cache_writes_per_read = 0.1 (default).
    # c1: cached' = max(2,000, floor(0.5 x 10,000)) = 5,000; writes' = min(10,000 - 5,000,
    #   0 + round(3,000 x 0.1)) = 300; uncached 10,000 - 5,000 - 300 = 4,700.
    #   4,700 x 2.50 + 5,000 x 1.25 + 300 x 2.50 (no write price: input price) + 500 x 10
    #   = 11,750 + 6,250 + 750 + 5,000 = 23,750 -> $0.02375
    # c2: cached' = floor(0.5 x 1,010) = 505; writes' = round(505 x 0.1 = 50.5) = 51; uncached 454.
    #   454 x 2.50 + 505 x 1.25 + 51 x 2.50 + 2,000 x 10 = 1,135 + 631.25 + 127.5 + 20,000
    #   = 21,893.75 -> $0.02189375
    got = run(store, cache=["prompt_version:v2=0.5"])
    expect(got, "chat", 0.100025, 0.02375 + 0.02189375 + 0.05, affected=2, unpriced=1)
    untouched(got, "agent", "digest", "gateway")


def test_cache_writes_per_read_from_the_config(store):
    # w = 0.25: c1 writes' = round(3,000 x 0.25) = 750, uncached 4,250:
    #   10,625 + 6,250 + 1,875 + 5,000 = 23,750 (the same: writes cost the input price on gpt-4o)
    # c2 writes' = round(505 x 0.25 = 126.25) = 126, uncached 379: 947.5 + 631.25 + 315 + 20,000 = 21,893.75
    got = run(store, "[whatif]\ncache_writes_per_read = 0.25", cache=["prompt_version:v2=0.5"])
    expect(got, "chat", 0.100025, 0.02375 + 0.02189375 + 0.05, affected=2, unpriced=1)


def test_route_with_reported_and_unpriced_calls(store):
    # To gpt-4o-mini, written as a router path (normalised as ingest normalises a logged model):
    # c1: 8,000 x 0.15 + 2,000 x 0.075 + 500 x 0.60 = 1,200 + 150 + 300 = 1,650 -> $0.00165
    # c2: 1,010 x 0.15 + 2,000 x 0.60 = 151.5 + 1,200 = 1,351.5 -> $0.0013515
    # r1: reported $0.05, re-priced from the catalog: 150 + 60 = 210 -> $0.00021
    # u1: unpriced before: out of both sides, counted. h1: a response-cache hit stays free.
    got = run(store, route=["chat=openai/GPT-4o-mini"])
    expect(got, "chat", 0.100025, 0.00165 + 0.0013515 + 0.00021, affected=3, unpriced=1)
    untouched(got, "agent", "digest", "gateway")


def test_route_keeps_batch_where_the_target_has_a_rate(store):
    # digest to Google's gemini-2.5-flash: d1 is already on it (unchanged, $0.0055);
    # d2: 10,000 x 0.30 + 1,000 x 2.50 = 5,500 -> $0.0055 (costs more: -0.0034);
    # b1 is a batch call: Google has no configured batch discount, but on 2026-11-17 the catalog
    # carries gemini-2.5-flash's own batch price (from 2026-10-14: $0.15 in, $1.25 out) — the first
    # step of the pricing order, so b1 keeps a batch rate (applicable, not `not_applicable`):
    # 10,000 x 0.15 + 1,000 x 1.25 = 2,750 -> $0.00275. Total 0.0055 + 0.0055 + 0.00275 = 0.01375.
    got = run(store, route=["digest=google:gemini-2.5-flash"])
    expect(got, "digest", 0.0251, 0.0055 * 2 + 0.00275, affected=2, na=0)


def test_batch(store):
    # "Has a batch rate" follows the pricing order (catalog batch variant, modifier table,
    # batch_discounts). On 2026-11-17 the catalog has batch prices for both digest models:
    # d2 gpt-4o-mini $0.075 in, $0.30 out: 10,000 x 0.075 + 1,000 x 0.30 = 750 + 300 = 1,050 -> $0.00105;
    # d1 gemini-2.5-flash $0.15 in, $1.25 out (Google has no batch_discounts entry, yet it has a rate):
    # 10,000 x 0.15 + 1,000 x 1.25 = 1,500 + 1,250 = 2,750 -> $0.00275. b1 is already batched: unchanged.
    # 0.0251 - 0.0021 - 0.0055 + 0.00105 + 0.00275 = 0.0213
    got = run(store, batch=["digest"])
    expect(got, "digest", 0.0251, 0.0251 - 0.0021 - 0.0055 + 0.00105 + 0.00275, affected=2, na=0)
    untouched(got, "chat", "agent", "gateway")


def test_batch_rate_from_the_modifier_table_or_none(store):
    # claude-sonnet-4-20250514 has no catalog batch price. With batch_discounts emptied, only a
    # 'service_tier=batch' row of the modifier table gives it one (x 0.5 here): the five agent calls
    # are batched, 1.3035 x 0.5 = 0.65175 (a1..a4 0.036 + a5 1.2675 = 1.3035).
    row = (
        '[[pricing.modifiers]]\nprovider = "anthropic"\nmodel = "claude-sonnet-4-*"\n'
        'modifier = "service_tier=batch"\nmultiplier = 0.5\n'
    )
    got = run(store, "[pricing]\nbatch_discounts = {}\n" + row, batch=["agent"])
    expect(got, "agent", 1.3035, 1.3035 * 0.5, affected=5)
    # without the row no source has a rate: unchanged and all five not applicable
    got = run(store, "[pricing]\nbatch_discounts = {}\n", batch=["agent"])
    expect(got, "agent", 1.3035, 1.3035, na=5)


def test_a_reported_cost_the_catalog_cannot_reprice_is_left_out_and_counted(store):
    # g1's output is capped, so it must be re-priced; nobody prices acme-gw-1: the call leaves both
    # sides (cost 0 - 0) and is counted unpriced rather than priced at 0 or kept at $0.04.
    got = run(store, cap_output=["gateway=100"])
    row = got["gateway"]
    assert (row["cost_usd"], row["whatif_cost_usd"], row["savings_usd"], row["savings_share"]) == (
        0,
        0,
        0,
        None,
    )
    assert (row["calls_affected"], row["unpriced_calls"]) == (0, 1)


def test_options_compose_in_the_fixed_order(store):
    # Given in reverse; applied as step cap -> context cap -> route -> batch:
    #   step cap 3 drops a4 (index 4). context cap 2,500: a3 3,000 -> 2,500; a5 250,000 -> 2,500 with
    #   cached' = 50,000 x 2,500 // 250,000 = 500, writes' = 100, uncached 1,900.
    #   route to gpt-4o-mini, then batch: on 2026-11-17 the catalog's own batch price for gpt-4o-mini
    #   (from 2026-10-14: $0.075 in, $0.30 out; it names no cached price, so cached input stays at the
    #   standard $0.075, and writes take the input price) comes before the configured 50%:
    #   a1 1,000 x 0.075 + 100 x 0.30 = 105; a2 150 + 30 = 180; a3 187.5 + 30 = 217.5;
    #   a5 1,900 x 0.075 + 500 x 0.075 + 100 x 0.075 + 1,000 x 0.30 = 142.5 + 37.5 + 7.5 + 300 = 487.5
    #   -> total 990 -> $0.00099
    got = run(
        store, batch=["agent"], route=["agent=gpt-4o-mini"], cap_context=["agent=2500"], step_cap=["agent=3"]
    )
    expect(got, "agent", 1.3035, 0.00099, affected=5, dropped=1)
    untouched(got, "chat", "digest", "gateway")


def test_the_last_of_several_rules_of_one_kind_wins(store):
    # model:claude-sonnet-4-20250514 (all of agent) at 3, then feature agent at 2: 2 wins (a3, a4 dropped).
    got = run(store, step_cap=[f"model:{SONNET}=3", "agent=2"])
    expect(got, "agent", 1.3035, 1.2795, affected=2, dropped=2)


def test_cli_json_csv_and_table(store, cli):
    code, out, _ = cli("whatif", "-w", store.root, "-p", "2026-W47", "--step-cap", "agent=2", "-f", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["feature"] for r in rows] == ["agent", "chat", "digest", "gateway", "voice"]
    assert set(rows[0]) == set(COLUMNS) and math.isclose(rows[0]["savings_usd"], 0.024)
    code, out, _ = cli("whatif", "-w", store.root, "-p", "2026-W47", "--step-cap", "agent=2", "-f", "csv")
    assert out.splitlines()[0] == ",".join(COLUMNS) and len(out.splitlines()) == 6  # no total row
    code, out, _ = cli("whatif", "-w", store.root, "-p", "2026-W47", "--step-cap", "agent=2", "--by", "team")
    assert code == 0 and "total" in out and "$0.02" in out


def test_bad_options_are_one_line_errors(store, cli):
    code, _, err = cli("whatif", "-w", store.root, "-p", "2026-W47", "--route", "chat=gpt-4o-minii")
    assert code == 2 and "nor the config prices openai:gpt-4o-minii" in err
    code, _, err = cli("whatif", "-w", store.root, "-p", "2026-W47", "--cache", "chat=1.5")
    assert code == 2 and "--cache needs a share" in err
    code, _, err = cli("whatif", "-w", store.root, "-p", "2026-W47")
    assert code == 2 and "at least one scenario option" in err


def test_route_keeps_units_and_tier_and_counts_a_tier_the_target_cannot_price(store):
    # To gpt-4o-mini: v1 keeps its flex tier, which gpt-4o-mini has no price for either: standard
    #   rate 150 + 60 = 210 -> $0.00021, not applicable. v2 keeps its 400 audio tokens (still
    #   unpriced, flagged): text 600 x 0.15 + 300 x 0.60 = 90 + 180 = 270 -> $0.00027.
    got = run(store, route=["voice=gpt-4o-mini"])
    expect(got, "voice", 0.008, 0.00021 + 0.00027, affected=2, na=1)


def test_caps_leave_a_call_with_modality_parts_as_it_is(store):
    # Output cap 50: v1 100 -> 50: 2,500 + 500 = 3,000 -> $0.003. v2's counts hold 400 audio tokens;
    # which part a cap would cut is unknown: unchanged ($0.0045), not applicable.
    got = run(store, cap_output=["voice=50"])
    expect(got, "voice", 0.008, 0.003 + 0.0045, affected=1, na=1)


def test_rules_on_several_dimensions_match_each_call_by_its_own_values(store):
    # Three dimensions named at once (team is not): each call takes the rules its own values match.
    #   prompt_version v2 (c1, c2 of chat; every other call has none) output cap 100:
    #     c1 8,000 x 2.50 + 2,000 x 1.25 + 100 x 10 = 23,500 -> $0.0235
    #     c2 1,010 x 2.50 + 100 x 10 = 3,525 -> $0.003525 (reasoning 1,500 -> 100)
    #     chat 0.100025 - 0.0275 - 0.022525 + 0.0235 + 0.003525 = 0.077025
    #   model gpt-4o-mini (d2 of digest) output cap 500: 10,000 x 0.15 + 500 x 0.60 = 1,800 -> $0.0018
    #     digest 0.0251 - 0.0021 + 0.0018 = 0.0248
    #   feature agent step cap 2: a3, a4 dropped: 1.3035 - 0.0105 - 0.0135 = 1.2795
    got = run(store, cap_output=["prompt_version:v2=100", "model:gpt-4o-mini=500"], step_cap=["agent=2"])
    expect(got, "chat", 0.100025, 0.077025, affected=2, unpriced=1)
    expect(got, "digest", 0.0251, 0.0248, affected=1)
    expect(got, "agent", 1.3035, 1.2795, affected=2, dropped=2)
    untouched(got, "gateway", "voice")
