"""`llmfinops export --focus --focus-version 1.2`: FOCUS 1.2 cost rows, checked by hand and by the
FinOps Foundation's validator (FOCUS 1.3, the default, is in tests/test_focus13_export.py).

The unit case, tests/cases/app.native_calls.focus_units.jsonl, priced by the bundled catalog
(USD per 1M tokens: gpt-4o-mini input 0.15, cached 0.075, output 0.60; claude-haiku-4-5 input
1.00, 5-minute cache write 1.25, output 5.00; batch calls 50% off by default):
  A gpt-4o-mini 2026-11-02T23:30-05:00 = 11-03 04:30 UTC; 6,000 uncached + 4,000 cached in, 2,000 out:
      0.0009 + 0.0003 + 0.0012 = $0.0024
  B claude-haiku-4-5 11-02; 12,000 uncached + 8,000 cache-write in, 600 output + 400 reasoning:
      0.012 + 0.010 + 0.003 + 0.002 = $0.027
  C gpt-4o-mini batch 11-02; 100,000 in at 0.075, 10,000 out at 0.30: 0.0075 + 0.003 = $0.0105
  D gpt-4o-mini response-cache hit: $0, no provider charge -> left out, counted
  E mystery-model-9 11-02, no price anywhere -> unpriced, left out, counted
  F gpt-4o-mini 11-04, cost reported by the log $0.01 over 10,000 in + 1,000 out: spread by catalog
      weights 0.0015 : 0.0006 -> input 0.01 x 15/21, output 0.01 x 6/21
  G mystery-model-9 11-04, reported $0.05 for 3,000 + 2,000 tokens: one 'total' row at 10.0 per 1M
  BilledCost total: 0.0024 + 0.027 + 0.0105 + 0.01 + 0.05 = $0.0999
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from focus_validator import run_validator, sample_cost, validator
from helpers import CASES, REPO

from llmfinops import sqlfiles

UNITS = CASES / "app.native_calls.focus_units.jsonl"
UNIT_DAYS = ("--since", "2026-11-02", "--until", "2026-11-05")
SAMPLE_DAYS = ("--since", "2026-10-01", "--until", "2026-12-01")  # the whole sample (10-11 .. 11-23)

# FOCUS 1.2 Mandatory columns (FOCUS_Spec v1.2; formats/focus_columns.csv, Mandatory rows).
MANDATORY = (
    "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
    "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargePeriodEnd",
    "ChargePeriodStart", "ContractedCost", "EffectiveCost", "InvoiceIssuerName", "ListCost",
    "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName",
)  # fmt: skip
DECIMALS = (
    "BilledCost", "ConsumedQuantity", "ContractedCost", "ContractedUnitPrice", "EffectiveCost", "ListCost",
    "ListUnitPrice", "PricingQuantity",
)  # fmt: skip
TIMES = ("BillingPeriodEnd", "BillingPeriodStart", "ChargePeriodEnd", "ChargePeriodStart")
# The one rule the validator fails on any dataset with an InvoiceId column; see docs/reconcile-and-focus.md.
EXPECTED_FAILURES = ["InvoiceId-C-004-C"]


def export(
    cli,
    tmp_path: Path,
    *args: object,
    name: str = "focus.csv",
    version: tuple[str, ...] = ("--focus-version", "1.2"),
) -> tuple[pa.Table, str]:
    logs = tmp_path / "logs"
    logs.mkdir(exist_ok=True)
    shutil.copy(UNITS, logs / UNITS.name)
    wh = tmp_path / "wh"
    assert cli("ingest", logs, "-w", wh, "-q")[0] == 0
    out = tmp_path / name
    code, stdout, err = cli("export", "--focus", *version, *UNIT_DAYS, "--out", out, "-w", wh, *args)
    assert code == 0, err
    if out.suffix == ".parquet":
        return pq.read_table(out), stdout
    # Read the dates back as the strings they are, not as timestamps.
    options = pa_csv.ConvertOptions(strings_can_be_null=True, column_types={c: pa.string() for c in TIMES})
    return pa_csv.read_csv(out, convert_options=options), stdout


def rows_of(table: pa.Table, model: str) -> list[dict]:
    return [r for r in table.to_pylist() if r["x_Model"] == model]


def test_columns_are_focus_columns_with_focus_types(cli, tmp_path):
    table, _ = export(cli, tmp_path, name="focus.parquet")
    names = table.column_names
    assert set(MANDATORY) <= set(names)
    focus = [n for n in names if not n.startswith("x_")]
    custom = [n for n in names if n.startswith("x_")]
    assert names == focus + custom, "custom x_ columns come after all FOCUS columns"
    assert focus == sorted(focus)
    assert custom == [
        "x_Team",
        "x_Feature",
        "x_UserTier",
        "x_Model",
        "x_TokenClass",
        "x_Batch",
        "x_CostSource",
        "x_UpstreamProvider",
        "x_ServiceTier",
        "x_Calls",
    ]
    for name in DECIMALS:
        assert table.schema.field(name).type == pa.float64(), name
    for name in set(focus) - set(DECIMALS):
        assert table.schema.field(name).type == pa.string(), name
    assert (
        table.schema.field("x_UpstreamProvider").type
        == table.schema.field("x_ServiceTier").type
        == pa.string()
    )
    assert (table.schema.field("x_Batch").type, table.schema.field("x_Calls").type) == (
        pa.bool_(),
        pa.int64(),
    )
    constants = {
        "BillingCurrency": "USD", "ChargeCategory": "Usage", "ChargeClass": None,
        "ChargeFrequency": "Usage-Based", "ServiceCategory": "AI and Machine Learning",
        "ServiceSubcategory": "Generative AI", "PricingUnit": "1000000 Tokens", "ConsumedUnit": "Tokens",
        "PricingCategory": "Standard",
    }  # fmt: skip
    for row in table.to_pylist():
        assert {k: row[k] for k in constants} == constants


def test_charge_period_is_the_utc_day_of_an_offset_timestamp(cli, tmp_path):
    table, _ = export(cli, tmp_path)
    a_rows = [r for r in rows_of(table, "gpt-4o-mini") if r["x_UserTier"] == "pro"]  # call A only
    # 2026-11-02T23:30:00-05:00 is 2026-11-03T04:30:00Z: the charge is on 11-03 (end exclusive).
    assert {(r["ChargePeriodStart"], r["ChargePeriodEnd"]) for r in a_rows} == {
        ("2026-11-03T00:00:00Z", "2026-11-04T00:00:00Z")
    }
    assert {(r["BillingPeriodStart"], r["BillingPeriodEnd"], r["InvoiceId"]) for r in a_rows} == {
        ("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "openai-2026-11")
    }


def test_rows_and_totals_by_hand(cli, tmp_path):
    table, _ = export(cli, tmp_path)
    got = [
        (r["ChargePeriodStart"][:10], r["x_Model"], r["x_TokenClass"], r["ConsumedQuantity"],
         pytest.approx(r["BilledCost"], abs=1e-12), r["ListUnitPrice"], r["SkuPriceId"].rsplit(":", 1)[-1])
        for r in table.to_pylist()
    ]  # fmt: skip
    haiku, mini, mystery = "claude-haiku-4-5", "gpt-4o-mini", "mystery-model-9"
    assert got == [
        ("2026-11-02", haiku, "input", 12000, 0.012, 1.0, "standard"),
        ("2026-11-02", haiku, "cache_write", 8000, 0.010, 1.25, "standard"),
        ("2026-11-02", haiku, "output", 600, 0.003, 5.0, "standard"),
        ("2026-11-02", haiku, "reasoning", 400, 0.002, 5.0, "standard"),
        # a batch call on 2026-11-02 takes the catalog's own batch price for gpt-4o-mini, in force
        # from 2026-10-14 ($0.075 / $0.30, the same figures as the configured 50%): its SKU price
        # id names that period
        ("2026-11-02", mini, "input", 100000, 0.0075, 0.075, "from-2026-10-14"),
        ("2026-11-02", mini, "output", 10000, 0.003, 0.3, "from-2026-10-14"),
        ("2026-11-03", mini, "input", 6000, 0.0009, 0.15, "standard"),
        ("2026-11-03", mini, "cached_input", 4000, 0.0003, 0.075, "standard"),
        ("2026-11-03", mini, "output", 2000, 0.0012, 0.6, "standard"),
        ("2026-11-04", mini, "input", 10000, 0.01 * 15 / 21, 0.15, "standard"),
        ("2026-11-04", mini, "output", 1000, 0.01 * 6 / 21, 0.6, "standard"),
        ("2026-11-04", mystery, "total", 5000, 0.05, 10.0, "as-charged"),
    ]
    assert table.column("SkuPriceId").to_pylist()[4] == "openai:gpt-4o-mini:input:batch:from-2026-10-14"
    assert (
        table.column("SkuPriceId").to_pylist()[-1] == "self-hosted:mystery-model-9:total:standard:as-charged"
    )
    assert sum(table.column("BilledCost").to_pylist()) == pytest.approx(0.0999, abs=1e-12)
    for r in table.to_pylist():
        assert r["EffectiveCost"] == r["BilledCost"]
        assert r["PricingQuantity"] == pytest.approx(r["ConsumedQuantity"] / 1e6)
        assert r["ListCost"] == pytest.approx(r["ListUnitPrice"] * r["PricingQuantity"], abs=1e-12)
        assert r["ContractedCost"] == pytest.approx(
            r["ContractedUnitPrice"] * r["PricingQuantity"], abs=1e-12
        )
        if r["x_CostSource"] == "catalog":  # priced by llmfinops: contracted = what was charged
            assert r["ContractedCost"] == pytest.approx(r["BilledCost"], abs=1e-12)
    reported = [r for r in rows_of(table, "gpt-4o-mini") if r["x_CostSource"] == "reported"]
    # F's list cost is 0.0015 + 0.0006 = 0.0021; its reported $0.01 stays the billed amount.
    assert sum(r["ListCost"] for r in reported) == pytest.approx(0.0021, abs=1e-12)


def test_export_totals_equal_the_calls_priced_cost(cli, tmp_path):
    table, _ = export(cli, tmp_path)
    _, out, _ = cli("sql", "SELECT sum(cost_usd) AS c FROM calls", "-w", tmp_path / "wh", "-f", "json")
    assert sum(table.column("BilledCost").to_pylist()) == pytest.approx(json.loads(out)[0]["c"], abs=1e-12)


def test_unpriced_calls_and_cache_hits_are_left_out_and_counted(cli, tmp_path):
    table, out = export(cli, tmp_path)
    assert "Wrote 12 FOCUS 1.2 cost rows for 2026-11-02 to 2026-11-04" in out
    assert "BilledCost $0.0999" in out
    assert "Left out 1 unpriced call(s)" in out
    assert "Left out 1 response-cache hit(s)" in out
    # E (unpriced, 11-02) has no row; G (same model, reported, 11-04) has one.
    assert [r["ChargePeriodStart"][:10] for r in rows_of(table, "mystery-model-9")] == ["2026-11-04"]
    # Each exported call is alone in its rows: B 4 token classes, C 2, A 3, F 2, G 1.
    assert table.column("x_Calls").to_pylist() == [1] * 12


def test_attribution_in_tags_and_custom_columns(cli, tmp_path):
    table, _ = export(cli, tmp_path)
    a = next(r for r in table.to_pylist() if r["x_UserTier"] == "pro")
    assert json.loads(a["Tags"]) == {"team": "growth", "feature": "chat", "user_tier": "pro"}
    assert (a["x_Team"], a["x_Feature"], a["x_Batch"]) == ("growth", "chat", False)
    g = rows_of(table, "mystery-model-9")[0]
    assert json.loads(g["Tags"]) == {"team": "research"}  # no null-valued keys
    assert (g["ProviderName"], g["BillingAccountId"], g["ServiceName"]) == (
        "Self-hosted",
        "self-hosted",
        "Self-hosted models",
    )
    b = rows_of(table, "claude-haiku-4-5")[0]
    assert (b["ProviderName"], b["PublisherName"], b["InvoiceIssuerName"], b["ServiceName"]) == (
        "Anthropic",
        "Anthropic",
        "Anthropic",
        "Anthropic API",
    )
    assert json.loads(b["SkuPriceDetails"]) == {"TokenClass": "input", "Batch": False}


def test_bad_out_and_empty_period(cli, tmp_path):
    export(cli, tmp_path)
    wh = tmp_path / "wh"
    code, _, err = cli("export", "--focus", *UNIT_DAYS, "--out", tmp_path / "f.xlsx", "-w", wh)
    assert code == 2 and "--out must end in .csv or .parquet" in err
    code, _, err = cli("export", *UNIT_DAYS, "--out", tmp_path / "f.csv", "-w", wh)
    assert code == 2 and "--focus" in err
    empty = tmp_path / "empty.csv"
    code, _, err = cli(
        "export", "--focus", "--focus-version", "1.2", "--period", "2025-01", "--out", empty, "-w", wh
    )
    assert code == 3 and "no priced calls" in err
    assert empty.read_text().startswith('"BilledCost","BillingAccountId"')


@pytest.mark.parametrize("name", ["focus_export", "focus_excluded"])
def test_header_documents_parameters_and_columns(cli, tmp_path, name):
    table, _ = export(cli, tmp_path)
    text = sqlfiles.header(name)
    for param in sqlfiles.params_of(sqlfiles.load(name)):
        assert f"${param}" in text
    columns = (
        table.column_names if name == "focus_export" else ["reason", "calls", "input_tokens", "output_tokens"]
    )
    for column in columns:
        assert column in text, f"{name}.sql header does not describe {column}"


# --- The FinOps Foundation's validator on the bundled sample ---------------------------------


@pytest.fixture(scope="module")
def sample_warehouse(tmp_path_factory) -> Path:
    from llmfinops.cli import app
    from llmfinops.cli.app import run_app

    wh = tmp_path_factory.mktemp("focus-sample") / "wh"
    args = [
        "ingest",
        str(REPO / "sample_logs"),
        "-w",
        str(wh),
        "-c",
        str(REPO / "examples" / "llmfinops.toml"),
        "-q",
    ]
    assert run_app(app, args) == 0
    return wh


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_sample_export_passes_the_focus_validator(cli, sample_warehouse, tmp_path, suffix):
    exe = validator()
    out = tmp_path / f"sample-focus{suffix}"
    config = REPO / "examples" / "llmfinops.toml"
    code, stdout, err = cli(
        "export", "--focus", "--focus-version", "1.2", *SAMPLE_DAYS, "--out", out, "-w", sample_warehouse,
        "-c", config,
    )  # fmt: skip
    assert code == 0, err
    assert f"BilledCost {sample_cost(cli, sample_warehouse)}" in stdout  # the sample's whole priced cost
    counts, failing = run_validator(exe, out)
    assert failing == EXPECTED_FAILURES, counts
    assert counts["Fail"] == len(EXPECTED_FAILURES)
    assert counts["Pass"] == 136
