"""`llmfinops export --focus` (FOCUS 1.3, the default) and `--allocate`, checked by hand.

The case tests/cases/app.native_calls.focus_allocation.jsonl, priced by the bundled catalog
(USD per 1M tokens: gpt-4o-mini input 0.15, output 0.60; claude-haiku-4-5 input 1.00).

2026-11-10, the allocation day:
  A growth   gpt-4o-mini 100,000 in, 25,000 out: 0.015 + 0.015 = $0.03
  B research claude-haiku-4-5 10,000 in: $0.01 (its 0 output tokens make no row)
  C no team  gpt-4o-mini 20,000 in, 5,000 out: 0.003 + 0.003 = $0.006
  D no team  mystery-model-9 (self-hosted, no price), reported $0.01 for 1,000 tokens: one 'total' row
  E platform mystery-model-9, unpriced: left out, but platform is a team with calls (cost 0)
  Chargeback weights over the team-tagged cost (A, B, E): proportional growth 0.03/0.04 = 0.75,
  research 0.25, platform 0 (receives nothing); even: growth, platform, research 1/3 each.
  Cost without a team: 0.006 + 0.01 = $0.016. Period total 0.03 + 0.01 + 0.016 = $0.056.

2026-11-11, one call per source (all team growth), for the provider columns.
"""

from __future__ import annotations

import json
import math
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from helpers import CASES

from llmfinops import sqlfiles
from llmfinops.config import Config
from llmfinops.period import between
from llmfinops.report.statement import build_chargeback
from llmfinops.store import Warehouse, connect

CASE = CASES / "app.native_calls.focus_allocation.jsonl"
ALLOC_DAY = ("--since", "2026-11-10", "--until", "2026-11-11")
SOURCES_DAY = ("--since", "2026-11-11", "--until", "2026-11-12")
DEC = pa.decimal128(38, 12)
SPLIT = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "PricingQuantity", "ConsumedQuantity")
DECIMALS = (*SPLIT, "ListUnitPrice", "ContractedUnitPrice")
ALLOCATED = (
    "AllocatedMethodDetails", "AllocatedMethodId", "AllocatedResourceId", "AllocatedResourceName",
    "AllocatedTags",
)  # fmt: skip
# FOCUS 1.3 Mandatory columns (CostAndUsage-D-*-M rules of the 1.3.0.1 model).
MANDATORY = (
    "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
    "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargePeriodEnd",
    "ChargePeriodStart", "ContractedCost", "EffectiveCost", "HostProviderName", "InvoiceIssuerName",
    "ListCost", "PricingQuantity", "PricingUnit", "ServiceCategory", "ServiceName", "ServiceProviderName",
)  # fmt: skip


@pytest.fixture
def wh(cli, tmp_path) -> Path:
    logs = tmp_path / "logs"
    logs.mkdir()
    shutil.copy(CASE, logs / CASE.name)
    warehouse = tmp_path / "wh"
    assert cli("ingest", logs, "-w", warehouse, "-q")[0] == 0
    return warehouse


def config(tmp_path: Path, chargeback: str) -> Path:
    path = tmp_path / "llmfinops.toml"
    path.write_text(f"[chargeback]\n{chargeback}\n")
    return path


def export(
    cli, wh: Path, days: tuple[str, ...], *args: object, name: str = "f.parquet"
) -> tuple[list[dict], str]:
    out = wh.parent / name
    code, stdout, err = cli("export", "--focus", *days, "--out", out, "-w", wh, *args)
    assert code == 0, err
    return pq.read_table(out).to_pylist(), stdout


def test_provider_columns_by_source(cli, wh):
    rows, _ = export(cli, wh, SOURCES_DAY)
    got = {
        # the model id without a gateway's vendor prefix ('anthropic/claude-haiku-4.5' on OpenRouter)
        (r["x_Model"].split("/")[-1], r["ServiceProviderName"], r["HostProviderName"], r["InvoiceIssuerName"],
         r["ProviderName"], r["PublisherName"], r["ServiceName"])
        for r in rows
    }  # fmt: skip
    assert got == {
        # Bedrock: AWS sells, hosts and invoices; Anthropic made the model.
        ("claude-haiku-4-5-20251001", "AWS", "AWS", "AWS", "AWS", "Anthropic", "Amazon Bedrock"),
        # OpenRouter names its upstream (tags['upstream_provider'] 'Amazon Bedrock'): the host.
        ("claude-haiku-4.5", "OpenRouter", "AWS", "OpenRouter", "OpenRouter", "Anthropic", "OpenRouter API"),
        # ... and where it does not, the gateway is the host.
        ("gpt-4o-mini", "OpenRouter", "OpenRouter", "OpenRouter", "OpenRouter", "OpenAI", "OpenRouter API"),
        ("gpt-4o-mini", "Microsoft", "Microsoft", "Microsoft", "Microsoft", "OpenAI", "Azure OpenAI"),
        # vertex_ai is Google's: Claude sold by Google can only be Vertex AI.
        ("claude-haiku-4-5", "Google", "Google", "Google", "Google", "Anthropic", "Vertex AI"),
        ("gemini-2.0-flash", "Google", "Google", "Google", "Google", "Google", "Gemini API"),
        (
            "claude-haiku-4-5",
            "Anthropic",
            "Anthropic",
            "Anthropic",
            "Anthropic",
            "Anthropic",
            "Anthropic API",
        ),
    }
    upstream = {r["x_UpstreamProvider"] for r in rows if r["x_Model"].endswith("claude-haiku-4.5")}
    assert upstream == {"Amazon Bedrock"}


def test_columns_are_sorted_with_decimal_types(cli, wh):
    out = wh.parent / "f.parquet"
    assert cli("export", "--focus", *ALLOC_DAY, "--out", out, "-w", wh)[0] == 0
    schema = pq.read_schema(out)
    names = schema.names
    focus = [n for n in names if not n.startswith("x_")]
    assert set(MANDATORY) | {"ProviderName", "PublisherName", *ALLOCATED} <= set(focus)
    assert focus == sorted(focus) and names == focus + [n for n in names if n.startswith("x_")]
    for name in DECIMALS:
        assert schema.field(name).type == DEC, name
    for name in set(focus) - set(DECIMALS):
        assert schema.field(name).type == pa.string(), name
    # Without --allocate the Allocated* columns are there and empty, as are ContractApplied and ResourceId.
    rows = pq.read_table(out).to_pylist()
    assert {r[c] for r in rows for c in (*ALLOCATED, "ContractApplied", "ResourceId")} == {None}


def test_csv_writes_decimals_never_integers_or_floats(cli, wh):
    out = wh.parent / "f.csv"
    assert cli("export", "--focus", *ALLOC_DAY, "--out", out, "-w", wh)[0] == 0
    table = pa_csv.read_csv(
        out, convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(DECIMALS, pa.string()))
    )
    a_input = next(r for r in table.to_pylist() if r["x_Team"] == "growth" and r["x_TokenClass"] == "input")
    # 100,000 tokens = 0.1 x 1M at 0.15 per 1M = 0.015
    assert (a_input["ConsumedQuantity"], a_input["PricingQuantity"]) == (
        "100000.000000000000",
        "0.100000000000",
    )
    assert (a_input["ListUnitPrice"], a_input["ListCost"], a_input["BilledCost"]) == (
        "0.150000000000",
        "0.015000000000",
        "0.015000000000",
    )
    for name in DECIMALS:
        assert all(v is None or len(v.split(".")[1]) == 12 for v in table.column(name).to_pylist()), name


def test_cost_identities_and_null_together_rule_on_every_row(cli, wh, tmp_path):
    rows, _ = export(cli, wh, ("--since", "2026-11-10", "--until", "2026-11-12"), "--allocate")
    rows += export(
        cli, wh, ALLOC_DAY, "--allocate", "-c", config(tmp_path, 'allocation = "even"'), name="e.parquet"
    )[0]
    tolerance = Decimal("1e-9")  # split rows: unit price x a quantity rounded to 12 places
    for r in rows:
        assert abs(r["ListUnitPrice"] * r["PricingQuantity"] - r["ListCost"]) < tolerance
        assert abs(r["ContractedUnitPrice"] * r["PricingQuantity"] - r["ContractedCost"]) < tolerance
        assert r["EffectiveCost"] == r["BilledCost"]
        together = (r["SkuPriceId"], r["ListUnitPrice"], r["ContractedUnitPrice"], r["PricingQuantity"],
                    r["PricingCategory"])  # fmt: skip
        assert all(v is not None for v in together) or all(v is None for v in together)
        if r["AllocatedResourceId"] is None:  # unsplit rows: exact to the 12th place
            assert r["ListCost"] == (r["ListUnitPrice"] * r["PricingQuantity"]).quantize(Decimal("1e-12"))
            assert r["PricingQuantity"] * 1_000_000 == r["ConsumedQuantity"]


def test_allocate_proportional_by_hand(cli, wh):
    rows, out = export(cli, wh, ALLOC_DAY, "--allocate")
    got = [
        (
            r["x_Model"],
            r["x_Team"],
            r["x_TokenClass"],
            r["AllocatedResourceId"],
            r["BilledCost"],
            r["ConsumedQuantity"],
        )
        for r in rows
    ]
    d = Decimal
    mini, haiku, mystery = "gpt-4o-mini", "claude-haiku-4-5", "mystery-model-9"
    assert got == [
        (haiku, "research", "input", None, d("0.01"), d(10000)),
        (mini, "growth", "input", None, d("0.015"), d(100000)),
        (mini, "growth", "output", None, d("0.015"), d(25000)),
        # C input $0.003 / 20,000 tokens: growth x 0.75, research the rest (last by name)
        (mini, None, "input", "growth", d("0.00225"), d(15000)),
        (mini, None, "input", "research", d("0.00075"), d(5000)),
        # C output $0.003 / 5,000 tokens
        (mini, None, "output", "growth", d("0.00225"), d(3750)),
        (mini, None, "output", "research", d("0.00075"), d(1250)),
        # D $0.01 / 1,000 tokens
        (mystery, None, "total", "growth", d("0.0075"), d(750)),
        (mystery, None, "total", "research", d("0.0025"), d(250)),
    ]
    assert sum(r["BilledCost"] for r in rows) == d("0.056")
    growth = next(r for r in rows if r["AllocatedResourceId"] == "growth")
    assert growth["AllocatedMethodId"] == "llmfinops:chargeback:proportional"
    assert growth["AllocatedResourceName"] == "growth"
    assert json.loads(growth["AllocatedTags"]) == {"llmfinops/team": "growth"}
    # What the rule measured for growth: its attributed spend, $0.03 of $0.04.
    assert json.loads(growth["AllocatedMethodDetails"], parse_float=Decimal) == {
        "Elements": [{"AllocatedRatio": d("0.75"), "UsageUnit": "USD", "UsageQuantity": d("0.03")}]
    }
    # Copied unchanged from the origin: dimensions, unit prices, SKU price, invoice, Tags.
    assert (growth["x_Feature"], growth["ListUnitPrice"], growth["SkuPriceId"], growth["InvoiceId"]) == (
        "classify",
        d("0.15"),
        "openai:gpt-4o-mini:input:standard",
        "openai-2026-11",
    )
    assert json.loads(growth["Tags"]) == {"feature": "classify"}  # no team key to repeat in AllocatedTags
    assert "Allocated $0.016 of calls without a team to 2 team(s) by the proportional rule (6 rows" in out


def test_allocate_even_gives_the_remainder_to_the_last_team(cli, wh, tmp_path):
    rows, _ = export(cli, wh, ALLOC_DAY, "--allocate", "-c", config(tmp_path, 'allocation = "even"'))
    d = Decimal
    c_input = [(r["AllocatedResourceId"], r["BilledCost"], r["ConsumedQuantity"], r["PricingQuantity"])
               for r in rows if r["x_Team"] is None and r["x_TokenClass"] == "input"]  # fmt: skip
    # growth, platform, research: 1/3 each as 0.333333333333 twice and 0.333333333334.
    # $0.003 x 0.333333333333 = 0.000999999999999 -> 0.001000000000 (12 places); research 0.003 - 0.002.
    # 20,000 x 0.333333333333 = 6,666.66666666; research 20,000 - 13,333.33333332 = 6,666.66666668.
    # 0.02 x 0.333333333333 = 0.00666666666666 -> 0.006666666667; research 0.02 - 0.013333333334.
    assert c_input == [
        ("growth", d("0.001"), d("6666.66666666"), d("0.006666666667")),
        ("platform", d("0.001"), d("6666.66666666"), d("0.006666666667")),
        ("research", d("0.001"), d("6666.66666668"), d("0.006666666666")),
    ]
    d_total = [(r["AllocatedResourceId"], r["BilledCost"]) for r in rows if r["x_TokenClass"] == "total"]
    # $0.01 x 0.333333333333 = 0.00333333333333 -> 0.003333333333; research 0.01 - 0.006666666666.
    assert d_total == [("growth", d("0.003333333333")), ("platform", d("0.003333333333")),
                       ("research", d("0.003333333334"))]  # fmt: skip
    ratios = [json.loads(r["AllocatedMethodDetails"], parse_float=Decimal)["Elements"][0] for r in rows
              if r["x_TokenClass"] == "total"]  # fmt: skip
    assert [e["AllocatedRatio"] for e in ratios] == [d("0.333333333333")] * 2 + [d("0.333333333334")]
    assert {(e["UsageUnit"], e["UsageQuantity"]) for e in ratios} == {("Teams", 1)}
    assert {r["AllocatedMethodId"] for r in rows if r["AllocatedMethodId"]} == {"llmfinops:chargeback:even"}


def test_allocate_owner_gives_everything_to_the_owner(cli, wh, tmp_path):
    cfg = config(tmp_path, 'allocation = "owner"\nowner_team = "platform"\nadjustments = { platform = 0.5 }')
    rows, _ = export(cli, wh, ALLOC_DAY, "--allocate", "-c", cfg)
    allocated = [
        (r["x_TokenClass"], r["AllocatedResourceId"], r["BilledCost"]) for r in rows if r["x_Team"] is None
    ]
    # One allocated row per origin, whole; the adjustment (+50%) is not cost and stays out.
    assert allocated == [("input", "platform", Decimal("0.003")), ("output", "platform", Decimal("0.003")),
                         ("total", "platform", Decimal("0.01"))]  # fmt: skip
    assert {r["AllocatedMethodId"] for r in rows if r["x_Team"] is None} == {"llmfinops:chargeback:owner"}
    assert sum(r["BilledCost"] for r in rows) == Decimal("0.056")


def chargeback(wh: Path, since: date, until: date, cfg: Config) -> tuple[dict[str, dict], list[dict]]:
    """The chargeback statement's shared lines by team and its team totals, as the report makes them."""
    con = connect(Warehouse.at(wh))
    try:
        data = build_chargeback(con, between(since, until), cfg)
    finally:
        con.close()
    statement = data.tables["chargeback_statement"].to_pylist()
    # A team with a weight of 0 (proportional, no priced cost) has a $0 shared line and no allocated row.
    lines = {r["team"]: r for r in statement if r["line_type"] == "shared" and r["exact_usd"] != 0}
    return lines, data.tables["chargeback_summary"].to_pylist()


def test_allocated_teams_match_the_chargeback_statement(cli, wh):
    rows, _ = export(cli, wh, ALLOC_DAY, "--allocate")
    lines, teams = chargeback(wh, date(2026, 11, 10), date(2026, 11, 11), Config())
    allocated: dict[str, Decimal] = {}
    for r in rows:
        if r["AllocatedResourceId"]:
            allocated[r["AllocatedResourceId"]] = (
                allocated.get(r["AllocatedResourceId"], Decimal(0)) + r["BilledCost"]
            )
    # growth 0.012, research 0.004: the same exact amounts as the statement's shared lines ...
    assert allocated == {"growth": Decimal("0.012"), "research": Decimal("0.004")}
    assert {t: Decimal(repr(line["exact_usd"])) for t, line in lines.items()} == allocated
    # ... which the statement rounds together with the usage lines (largest remainder): the 6 cents of
    # $0.056 are 3 + 1 (usage) + floor 1.2 + floor 0.4 = 5, and the 6th goes to the largest remainder,
    # research's 0.4. So each shared line is the floor or the ceiling of the export's cents.
    assert {t: line["amount_usd"] for t, line in lines.items()} == {
        "growth": Decimal("0.01"),
        "research": Decimal("0.01"),
    }
    for team, amount in allocated.items():
        assert math.floor(amount * 100) <= lines[team]["amount_usd"] * 100 <= math.ceil(amount * 100)
    # The period to the cent: the export's $0.056 is the statement's 6 cents.
    assert (
        sum(t["subtotal_usd"] for t in teams)
        == Decimal("0.06")
        == round(sum(r["BilledCost"] for r in rows), 2)
    )


def test_allocate_needs_13_and_an_unknown_version_is_refused(cli, wh):
    out = wh.parent / "f.csv"
    code, _, err = cli(
        "export", "--focus", "--focus-version", "1.2", "--allocate", *ALLOC_DAY, "-o", out, "-w", wh
    )
    assert code == 2 and "--allocate needs --focus-version 1.3" in err
    code, _, err = cli("export", "--focus", "--focus-version", "1.4", *ALLOC_DAY, "-o", out, "-w", wh)
    assert code == 2 and "--focus-version must be one of 1.3, 1.2" in err
    assert not out.exists()


def test_nothing_to_allocate_says_so(cli, wh):
    _, out = export(cli, wh, SOURCES_DAY, "--allocate")  # every call of 11-11 has a team
    assert "Nothing to allocate: every call has a team" in out


@pytest.mark.parametrize("name", ["focus13_export", "focus_allocate"])
def test_header_documents_columns(name):
    text = sqlfiles.header(name)
    for column in (*ALLOCATED, *SPLIT):
        assert column in text, f"{name}.sql header does not describe {column}"


def test_without_any_team_the_rows_stay_whole(cli, tmp_path, jsonl):
    # Only C and D of the case: no call of the day has a team, so there is no one to allocate to.
    calls = [json.loads(line) for line in CASE.read_text().splitlines()]
    logs = jsonl([c for c in calls if c["request_id"] in ("chatcmpl-allocC", "allocD")])
    warehouse = tmp_path / "wh"
    assert cli("ingest", logs, "-w", warehouse, "-q")[0] == 0
    rows, out = export(cli, warehouse, ALLOC_DAY, "--allocate")
    assert "Not allocated: no team has calls in the period to receive $0.016 without a team" in out
    assert [(r["x_TokenClass"], r["BilledCost"]) for r in rows] == [
        ("input", Decimal("0.003")),
        ("output", Decimal("0.003")),
        ("total", Decimal("0.01")),
    ]
    assert {r[c] for r in rows for c in ALLOCATED} == {None}
