"""`llmfinops reconcile`: provider cost exports against the cost the app logs attribute.

Every warehouse here is built the way a user builds one: hand-made export pages in the real
OpenAI Costs/Usage API and Anthropic cost/usage report formats (tests/cases/*.reconcile_*) and
app logs, all read by `llmfinops ingest`.

The OpenAI case (tests/cases/openai.*.reconcile_gap.*), in numbers used throughout:
  gpt-4o-mini list prices: input $0.15, output $0.60 per 1M tokens.
  Each logged call: 200,000 input x 0.15/1M = $0.03 + 50,000 output x 0.60/1M = $0.03 -> $0.06.
  Two calls a day on 2026-11-02, -03, -04 -> $0.12 a day; on 11-02 one call has no feature.
  Each day's Costs API bucket: "gpt-4o-mini-2024-07-18, input" $0.06 + "..., output" $0.06 = $0.12.
  Each day's Usage API bucket: 2 requests, 400,000 input and 100,000 output tokens.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from helpers import CASES

from llmfinops import sqlfiles
from llmfinops.period import between
from llmfinops.reconcile import reconcile
from llmfinops.store import Warehouse, connect

GAP_CALLS = CASES / "openai.native_calls.reconcile_gap.jsonl"
GAP_COSTS = CASES / "openai.costs.reconcile_gap.json"
GAP_USAGE = CASES / "openai.usage_completions.reconcile_gap.json"
CACHE_CASE = sorted(CASES.glob("anthropic.*.reconcile_cache.*"))
DAYS = ("--since", "2026-11-02", "--until", "2026-11-05")
MONEY = ("billed_usd", "attributed_usd", "difference_usd")


def build(
    tmp_path: Path,
    cli,
    *,
    drop_day: str | None = None,
    extra: dict[str, object] | None = None,
    files: tuple[Path, ...] = (GAP_COSTS, GAP_USAGE),
    config: Path | None = None,
) -> Path:
    """Ingest the gap case (app logs without ``drop_day``) plus ``extra`` files {name: JSON or lines}."""
    logs = tmp_path / "logs"
    logs.mkdir()
    calls = [json.loads(line) for line in GAP_CALLS.read_text().splitlines()]
    kept = [c for c in calls if drop_day is None or not c["ts"].startswith(drop_day)]
    (logs / "app.jsonl").write_text("".join(json.dumps(c) + "\n" for c in kept))
    for f in files:
        (logs / f.name).write_bytes(f.read_bytes())
    for name, content in (extra or {}).items():
        text = content if isinstance(content, str) else json.dumps(content)
        (logs / name).write_text(text)
    wh = tmp_path / "wh"
    args = ["ingest", logs, "-w", wh, "-q"] + (["-c", config] if config else [])
    code, _, err = cli(*args)
    assert code == 0, err
    return wh


def run_json(cli, wh: Path, *args: object) -> list[dict]:
    code, out, err = cli("reconcile", *DAYS, "-w", wh, "-f", "json", *args)
    assert code == 0, err
    return json.loads(out)


def money(rows: list[dict]) -> list[tuple]:
    return [(r["day"], r["model"], *(pytest.approx(r[k], abs=1e-9) for k in MONEY)) for r in rows]


def costs_page(day_start: int, results: list[dict]) -> dict:
    """One Costs API page with one daily bucket (start_time in Unix seconds)."""
    return {
        "object": "page",
        "data": [
            {"object": "bucket", "start_time": day_start, "end_time": day_start + 86400, "results": results}
        ],
        "has_more": False,
        "next_page": None,
    }


def cost_result(value: float, line_item: str | None) -> dict:
    return {
        "object": "organization.costs.result",
        "amount": {"value": value, "currency": "usd"},
        "line_item": line_item,
        "project_id": "proj_recon",
        "api_key_id": None,
        "quantity": None,
        "quantity_unit": None,
    }


NOV_2 = 1793577600  # 2026-11-02T00:00:00Z


def test_reconcile_finds_the_day_without_app_logs_and_says_so(tmp_path, cli):
    wh = build(tmp_path, cli, drop_day="2026-11-03")  # the deliberate gap: 11-03's two calls never logged
    rows = run_json(cli, wh)
    # 11-02: billed 0.12, attributed 0.06 + 0.06 = 0.12, difference 0.
    # 11-03: billed 0.12, attributed 0 (no logs), difference 0.12 > max(5% x 0.12 = 0.006, floor 0.01).
    # 11-04: billed 0.12, attributed 0.12, difference 0.
    assert money(rows) == [
        ("2026-11-02", "gpt-4o-mini", 0.12, 0.12, 0.0),
        ("2026-11-03", "gpt-4o-mini", 0.12, 0.0, 0.12),
        ("2026-11-04", "gpt-4o-mini", 0.12, 0.12, 0.0),
    ]
    assert [r["flagged"] for r in rows] == [False, True, False]
    gap = rows[1]
    assert gap["cause"] == "missing app logs for this day (0 calls logged, usage export counts 2 requests)"
    assert (gap["calls"], gap["usage_requests"], gap["relative_difference"]) == (0, 2, 1.0)
    # Coverage: 11-02's second call has no feature -> 0.06 of 0.12 billed = 50%; 11-04 both -> 100%.
    assert [r["coverage"] for r in rows] == [pytest.approx(0.5), 0.0, pytest.approx(1.0)]
    assert {r["grain"] for r in rows} == {"model"}  # line items name the model: finest grain


def test_table_output_and_strict_exit_code(tmp_path, cli):
    wh = build(tmp_path, cli, drop_day="2026-11-03")
    code, out, _ = cli("reconcile", *DAYS, "-w", wh)
    assert code == 0  # flagged rows alone do not fail the command
    assert "missing app logs for this day" in out
    # billed 3 x 0.12 = 0.36; attributed 2 x 0.12 = 0.24; coverage (0.06 + 0 + 0.12) / 0.36 = 50%
    assert "billed $0.36, attributed $0.24, difference $0.12, coverage 50%; 1 of 3 row(s) flagged" in out
    assert cli("reconcile", *DAYS, "-w", wh, "--strict")[0] == 1
    # 11-02 alone reconciles: --strict passes.
    assert cli("reconcile", "--since", "2026-11-02", "--until", "2026-11-03", "-w", wh, "--strict")[0] == 0


def test_a_complete_log_flags_nothing(tmp_path, cli):
    wh = build(tmp_path, cli)
    rows = run_json(cli, wh)
    assert [r["difference_usd"] for r in rows] == [pytest.approx(0.0, abs=1e-12)] * 3
    assert not any(r["flagged"] for r in rows)
    assert all(r["cause"] is None for r in rows)


def test_a_billed_model_no_call_names_is_absent_from_app_logs(tmp_path, cli):
    extra = {"costs-gpt41.json": costs_page(NOV_2, [cost_result(0.5, "gpt-4.1-2025-04-14, input")])}
    wh = build(tmp_path, cli, extra=extra)
    rows = [r for r in run_json(cli, wh) if r["day"] == "2026-11-02"]
    # gpt-4.1: billed 0.50, no call -> difference 0.50; gpt-4o-mini unchanged.
    assert money(rows) == [
        ("2026-11-02", "gpt-4.1", 0.5, 0.0, 0.5),
        ("2026-11-02", "gpt-4o-mini", 0.12, 0.12, 0.0),
    ]
    assert rows[0]["cause"] == "model absent from app logs"


def test_tokens_that_match_at_another_cost_mean_a_different_price(tmp_path, cli):
    # An override doubles gpt-4o-mini's price: each call costs 200,000 x 0.30/1M + 50,000 x 1.20/1M
    # = 0.06 + 0.06 = $0.12, so a day's two calls $0.24 against $0.12 billed: difference -0.12.
    config = tmp_path / "llmfinops.toml"
    config.write_text(
        '[[pricing.models]]\nmodel = "gpt-4o-mini"\nprovider = "openai"\n'
        "input_per_mtok = 0.30\noutput_per_mtok = 1.20\n"
    )
    wh = build(tmp_path, cli, config=config)
    rows = run_json(cli, wh)
    assert money(rows)[0] == ("2026-11-02", "gpt-4o-mini", 0.12, 0.24, -0.12)
    # Logged tokens (400,000 in, 100,000 out) equal the usage export's: the price is what differs.
    assert {r["cause"] for r in rows} == {"model priced differently (check overrides/catalog)"}


def test_cache_writes_the_app_did_not_log(tmp_path, cli):
    # Anthropic, claude-haiku-4-5 ($1.00 input, $1.25 5-minute cache write, $5.00 output per 1M).
    # Cost report (cents): input "5" + cache write "12.5" + output "5" = 22.5 cents = $0.225.
    # Usage report: 50,000 uncached + 100,000 cache-write input tokens, 10,000 output.
    # The app logged one call of 150,000 input tokens, none as cache writes, 10,000 output:
    # 150,000 x 1.00/1M + 10,000 x 5.00/1M = 0.15 + 0.05 = $0.20 -> difference $0.025 > 5% of 0.225.
    wh = build(tmp_path, cli, files=tuple(CACHE_CASE))
    rows = [r for r in run_json(cli, wh) if r["provider"] == "anthropic"]
    assert money(rows) == [("2026-11-02", "claude-haiku-4-5", 0.225, 0.2, 0.025)]
    assert (rows[0]["usage_cache_write_tokens"], rows[0]["log_cache_write_tokens"]) == (100000, 0)
    assert rows[0]["cause"] == "cache-write tokens not logged"


def test_without_request_counts_a_thin_day_is_judged_against_the_median_day(tmp_path, cli):
    # Anthropic's usage report counts no requests. claude-haiku-4-5 at $1.00 per 1M input tokens:
    # each call 100,000 input = $0.10; billed "40" cents = $0.40 a day for 4 calls a day. 11-03
    # logged 1 call ($0.10): difference $0.30, and 1 call is under half the median day (4).
    days = ("2026-11-02", "2026-11-03", "2026-11-04")
    buckets = [
        {"starting_at": f"{d}T00:00:00Z", "ending_at": f"{e}T00:00:00Z", "results": [
            {"currency": "USD", "amount": "40", "workspace_id": None, "cost_type": "tokens",
             "description": "Claude Haiku 4.5 Usage - Input Tokens", "context_window": "0-200k",
             "model": "claude-haiku-4-5-20251001", "service_tier": "standard",
             "token_type": "uncached_input_tokens"},
        ]}
        for d, e in zip(days, (*days[1:], "2026-11-05"), strict=True)
    ]  # fmt: skip
    report = {"data": buckets, "has_more": False, "next_page": None}
    calls = [
        {"ts": f"{d}T{10 + i}:00:00Z", "request_id": f"msg_median_{d}_{i}", "provider": "anthropic",
         "model": "claude-haiku-4-5", "input_tokens": 100000, "output_tokens": 0}
        for d, n in zip(days, (4, 1, 4), strict=True)
        for i in range(n)
    ]  # fmt: skip
    extra = {"cost_report.json": report, "claude.jsonl": "".join(json.dumps(c) + "\n" for c in calls)}
    wh = build(tmp_path, cli, files=(), extra=extra)
    rows = [r for r in run_json(cli, wh) if r["provider"] == "anthropic"]
    assert money(rows) == [
        ("2026-11-02", "claude-haiku-4-5", 0.4, 0.4, 0.0),
        ("2026-11-03", "claude-haiku-4-5", 0.4, 0.1, 0.3),
        ("2026-11-04", "claude-haiku-4-5", 0.4, 0.4, 0.0),
    ]
    assert rows[1]["cause"] == "missing app logs for this day (1 calls logged, against a median of 4 a day)"


def test_cost_export_without_line_items_reconciles_per_day_and_provider(tmp_path, cli):
    # The same bill exported without group_by=line_item: one $0.12 result a day, no model.
    pages = [costs_page(NOV_2 + i * 86400, [cost_result(0.12, None)]) for i in range(3)]
    extra = {f"costs-{i}.json": page for i, page in enumerate(pages)}
    wh = build(tmp_path, cli, drop_day="2026-11-03", files=(GAP_USAGE,), extra=extra)
    rows = run_json(cli, wh)
    assert money(rows) == [
        ("2026-11-02", None, 0.12, 0.12, 0.0),
        ("2026-11-03", None, 0.12, 0.0, 0.12),
        ("2026-11-04", None, 0.12, 0.12, 0.0),
    ]
    assert {r["grain"] for r in rows} == {"provider"}
    assert rows[1]["cause"].startswith("missing app logs for this day")


def test_both_groupings_of_one_bill_count_once(tmp_path, cli):
    # The bill once itemised (the case file) and once not (a $0.12 total for 11-02): same dollars.
    extra = {"costs-total.json": costs_page(NOV_2, [cost_result(0.12, None)])}
    wh = build(tmp_path, cli, extra=extra)
    assert money(run_json(cli, wh))[0] == ("2026-11-02", "gpt-4o-mini", 0.12, 0.12, 0.0)


def test_hourly_and_daily_usage_of_one_day_count_once(tmp_path, cli):
    hourly = json.loads(GAP_USAGE.read_text())
    day = hourly["data"][0]
    halves = []
    for hour in (9, 15):
        result = dict(
            day["results"][0],
            num_model_requests=1,
            input_tokens=200000,
            output_tokens=50000,
            input_uncached_tokens=200000,
        )
        start = NOV_2 + hour * 3600
        halves.append(
            {"object": "bucket", "start_time": start, "end_time": start + 3600, "results": [result]}
        )
    hourly["data"] = halves
    wh = build(tmp_path, cli, extra={"usage-hourly.json": hourly})
    first = run_json(cli, wh)[0]
    assert (first["usage_requests"], first["usage_input_tokens"], first["usage_output_tokens"]) == (
        2,
        400000,
        100000,
    )


def test_calls_no_bill_covers_are_reported_not_dropped(tmp_path, cli):
    extra = {
        "more.jsonl": "".join(
            json.dumps(r) + "\n"
            for r in (
                # 1,000,000 x 0.15/1M = $0.15, after the last billed day (11-04)
                {
                    "ts": "2026-11-06T10:00:00Z",
                    "request_id": "chatcmpl-late",
                    "provider": "openai",
                    "model": "gpt-4o-mini",
                    "input_tokens": 1000000,
                    "output_tokens": 0,
                },
                # gemini-2.5-flash: 1,000,000 x 0.30/1M = $0.30, and no Google cost export at all
                {
                    "ts": "2026-11-03T10:00:00Z",
                    "request_id": "gem-1",
                    "provider": "google",
                    "model": "gemini-2.5-flash",
                    "input_tokens": 1000000,
                    "output_tokens": 0,
                },
            )
        )
    }
    wh = build(tmp_path, cli, extra=extra)
    con = connect(Warehouse.at(wh))
    try:
        result = reconcile(con, between(date(2026, 11, 1), date(2026, 11, 8)))
    finally:
        con.close()
    assert {r["provider"] for r in result.table.to_pylist()} == {"openai"}
    unmatched = [
        (r["provider"], r["reason"], r["calls"], pytest.approx(r["cost_usd"]))
        for r in result.summary.unmatched.to_pylist()
    ]
    assert unmatched == [
        ("google", "no billed export for this provider", 1, 0.30),
        ("openai", "outside the billed days", 1, 0.15),
    ]
    _, out, _ = cli("reconcile", "--since", "2026-11-01", "--until", "2026-11-08", "-w", wh)
    assert "Not reconciled: 2 call(s), $0.45" in out


def test_bad_tolerance_is_an_error(tmp_path, cli):
    wh = build(tmp_path, cli)
    code, _, err = cli("reconcile", *DAYS, "-w", wh, "--tolerance", "5")
    assert code == 2 and "Error: --tolerance must be a fraction" in err


@pytest.mark.parametrize("name", ["reconcile", "reconcile_unmatched"])
def test_header_documents_parameters_and_every_output_column(tmp_path, cli, name):
    wh = build(tmp_path, cli)
    text = sqlfiles.header(name)
    for param in sqlfiles.params_of(sqlfiles.load(name)):
        assert f"${param}" in text
    con = connect(Warehouse.at(wh))
    span = between(date(2026, 11, 2), date(2026, 11, 5))
    params = {"since": span.since, "until": span.until, "tolerance": 0.05, "floor_usd": 0.01}
    try:
        columns = sqlfiles.run(con, name, params).column_names
    finally:
        con.close()
    for column in columns:
        assert column in text, f"{name}.sql header does not describe {column}"
