"""FOCUS rows for the units and modifiers the pricing step prices (schema.EXTRA_UNITS, service tiers).

The case tests/cases/app.native_calls.focus_modalities.jsonl, 2026-11-12, priced by the bundled
catalog (genai-prices; USD per 1M tokens unless said):
  U1 gpt-4o-audio-preview, 1,000 prompt tokens of which 400 audio, 200 completion of which 100 audio:
     text input 600 x 2.50 = 0.0015, audio input 400 x 40 = 0.016, text output 100 x 10 = 0.001,
     audio output 100 x 80 = 0.008; $0.0265
  U2 claude-sonnet-4-5, 1,000 in, 500 out, 3 server-side web searches at $10 per 1,000:
     0.003 + 0.0075 + 0.03 = $0.0405
  U3 gpt-4o-mini, service tier flex, 10,000 in, 1,000 out: no flex price, so the standard rate
     0.0015 + 0.0006 = $0.0021, flagged unpriced:service_tier=flex
  U4 gpt-4o-mini, 1,000 prompt tokens of which 200 audio, 100 out: no audio price for the model, so
     text input 800 x 0.15 = 0.00012 + output 100 x 0.60 = 0.00006 = $0.00018; the 200 audio
     tokens are no cost and in no row, flagged unpriced:audio_input_tokens
  Total 0.0265 + 0.0405 + 0.0021 + 0.00018 = $0.06928
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal

import pyarrow.parquet as pq
from helpers import CASES

CASE = CASES / "app.native_calls.focus_modalities.jsonl"
DAY = ("--since", "2026-11-12", "--until", "2026-11-13")


def test_every_billed_unit_is_its_own_sku_with_its_own_price(cli, tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    shutil.copy(CASE, logs / CASE.name)
    wh = tmp_path / "wh"
    assert cli("ingest", logs, "-w", wh, "-q")[0] == 0
    out = tmp_path / "f.parquet"
    code, stdout, err = cli("export", "--focus", *DAY, "--out", out, "-w", wh)
    assert code == 0, err
    rows = pq.read_table(out).to_pylist()
    d = Decimal
    got = [
        (r["x_Model"], r["x_TokenClass"], r["x_ServiceTier"], r["ConsumedQuantity"], r["ConsumedUnit"],
         r["PricingQuantity"], r["PricingUnit"], r["ListUnitPrice"], r["BilledCost"])
        for r in rows
    ]  # fmt: skip
    sonnet, audio, mini, tok, mtok = (
        "claude-sonnet-4-5",
        "gpt-4o-audio-preview",
        "gpt-4o-mini",
        "Tokens",
        "1000000 Tokens",
    )
    assert got == [
        (sonnet, "input", None, d(1000), tok, d("0.001"), mtok, d(3), d("0.003")),
        (sonnet, "output", None, d(500), tok, d("0.0005"), mtok, d(15), d("0.0075")),
        (sonnet, "web_search", None, d(3), "Requests", d("0.003"), "1000 Requests", d(10), d("0.03")),
        (audio, "input", None, d(600), tok, d("0.0006"), mtok, d("2.5"), d("0.0015")),
        (audio, "output", None, d(100), tok, d("0.0001"), mtok, d(10), d("0.001")),
        (audio, "audio_input", None, d(400), tok, d("0.0004"), mtok, d(40), d("0.016")),
        (audio, "audio_output", None, d(100), tok, d("0.0001"), mtok, d(80), d("0.008")),
        (mini, "input", None, d(800), tok, d("0.0008"), mtok, d("0.15"), d("0.00012")),
        (mini, "input", "flex", d(10000), tok, d("0.01"), mtok, d("0.15"), d("0.0015")),
        (mini, "output", None, d(100), tok, d("0.0001"), mtok, d("0.6"), d("0.00006")),
        (mini, "output", "flex", d(1000), tok, d("0.001"), mtok, d("0.6"), d("0.0006")),
    ]
    for r in rows:
        assert r["ListCost"] == r["ListUnitPrice"] * r["PricingQuantity"] == r["BilledCost"]
    meters = {r["x_TokenClass"]: r["SkuMeter"] for r in rows}
    assert (meters["web_search"], meters["audio_input"], meters["audio_output"]) == (
        "Web Search Requests", "Audio Input Tokens", "Audio Output Tokens",
    )  # fmt: skip
    assert sum(r["BilledCost"] for r in rows) == d("0.06928")
    assert "BilledCost $0.0693" in stdout
    assert (
        "1 call(s) have units without a price (see price_flags): those units are in no row and in no cost"
        in stdout
    )
    assert "1 call(s) ran at a service tier, speed or region without a price of its own" in stdout


def test_a_time_of_day_price_is_its_own_sku_price(cli, tmp_path, jsonl):
    # deepseek-chat in the bundled catalog (mid-2025): 0.27 / 1.10 per 1M from 00:30 to 16:30 UTC,
    # half that (0.135 / 0.55) off-peak. 100,000 in + 10,000 out at 09:00 and again at 17:00:
    # peak 0.027 + 0.011 = $0.038, off-peak 0.0135 + 0.0055 = $0.019; one row per slice, not per match.
    call = {"provider": "deepseek", "model": "deepseek-chat", "input_tokens": 100000, "output_tokens": 10000}
    logs = jsonl([call | {"ts": "2025-06-10T09:00:00Z", "request_id": "ds-peak"},
                  call | {"ts": "2025-06-10T17:00:00Z", "request_id": "ds-offpeak"}])  # fmt: skip
    wh = tmp_path / "wh"
    assert cli("ingest", logs.parent, "-w", wh, "-q")[0] == 0
    out = tmp_path / "f.parquet"
    assert cli("export", "--focus", "--period", "2025-06", "--out", out, "-w", wh)[0] == 0
    rows = pq.read_table(out).to_pylist()
    d = Decimal
    assert [
        (r["x_TokenClass"], r["ListUnitPrice"], r["BilledCost"], r["SkuPriceId"].split(":", 3)[-1])
        for r in rows
    ] == [
        ("input", d("0.27"), d("0.027"), "standard:utc-0030-1630"),
        ("input", d("0.135"), d("0.0135"), "standard:utc-1630-2400"),
        ("output", d("1.1"), d("0.011"), "standard:utc-0030-1630"),
        ("output", d("0.55"), d("0.0055"), "standard:utc-1630-2400"),
    ]
    assert json.loads(rows[1]["SkuPriceDetails"]) == {
        "TokenClass": "input", "Batch": False, "UtcTimeFrom": "16:30",
    }  # fmt: skip
