"""Anthropic Admin usage report and cost report pages -> usage_buckets / billed_costs (never calls)."""

from __future__ import annotations

import json

import pytest
from helpers import CASES, rows

from llmfinops.ingest.pipeline import ingest_paths

USAGE = CASES / "anthropic.usage_report.sample.json"
PAGE2 = CASES / "anthropic.usage_report.page2.json"
COSTS = CASES / "anthropic.cost_report.sample.json"


def test_usage_report_sample(warehouse):
    summary = ingest_paths(warehouse, [USAGE])
    assert (summary.aggregate_rows, summary.stored) == ({"usage_buckets": 2}, 0)
    haiku, sonnet = rows(warehouse, "SELECT * FROM usage_buckets ORDER BY model")
    # uncached 1520344 + cache read 9830400 + 5m writes 204800 + 1h writes 0 = 11555544 input tokens
    assert (sonnet["input_tokens"], sonnet["cached_input_tokens"], sonnet["cache_write_tokens"]) == (
        11555544,
        9830400,
        204800,
    )
    assert (sonnet["cache_write_1h_tokens"], sonnet["output_tokens"], sonnet["requests"]) == (0, 402117, None)
    assert (str(sonnet["day"]), sonnet["bucket_end"].isoformat()) == (
        "2025-08-20",
        "2025-08-21T00:00:00+00:00",
    )
    assert (sonnet["workspace"], sonnet["api_key"], sonnet["project"]) == (
        "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
        "apikey_01Rj2N8SVvo6BePZj99NhmiT",
        None,
    )
    assert (sonnet["batch"], sonnet["service_tier"], sonnet["other_dims"]) == (
        False,
        "standard",
        "context_window=0-200k",
    )
    # service_tier batch -> batch; 6100000 uncached, nothing cached
    assert (haiku["model"], haiku["batch"], haiku["input_tokens"], haiku["output_tokens"]) == (
        "claude-haiku-4-5-20251001",
        True,
        6100000,
        880000,
    )


def test_pages_concatenated_in_one_file_and_overlapping_files(warehouse, tmp_path):
    both = tmp_path / "report-pages.json"
    # page 1 twice (a retried download) and page 2, pretty-printed one after another
    both.write_text(USAGE.read_text() + "\n" + USAGE.read_text() + "\n" + PAGE2.read_text())
    ingest_paths(warehouse, [both, USAGE])
    got = rows(
        warehouse,
        "SELECT CAST(day AS VARCHAR) AS day, count(*) AS n, sum(input_tokens) AS i, "
        "sum(cache_write_1h_tokens) AS w1h FROM usage_buckets GROUP BY ALL ORDER BY 1",
    )
    # 2025-08-21: 1000 uncached + 4000 read + 200 (5m) + 300 (1h) = 5500; the empty 2025-08-22 bucket: no row
    assert [(r["day"], r["n"], r["i"], r["w1h"]) for r in got] == [
        ("2025-08-20", 2, 11555544 + 6100000, 0),
        ("2025-08-21", 1, 5500, 300),
    ]


def test_cost_report_amounts_are_cents(warehouse):
    summary = ingest_paths(warehouse, [COSTS])
    assert summary.aggregate_rows == {"billed_costs": 4}
    got = {r["line_item"]: r for r in rows(warehouse, "SELECT * FROM billed_costs")}
    # "456.1032" cents = $4.561032 (= 1520344 uncached tokens x $3/MTok)
    assert got["Claude Sonnet 4.5 Usage - Input Tokens"]["cost_usd"] == pytest.approx(4.561032)
    # "294.912" cents = $2.94912 (= 9830400 x $0.30/MTok); "603.1755" = $6.031755 (= 402117 x $15/MTok)
    assert got["Claude Sonnet 4.5 Usage - Cache Read"]["cost_usd"] == pytest.approx(2.94912)
    assert got["Claude Sonnet 4.5 Usage - Output Tokens"]["cost_usd"] == pytest.approx(6.031755)
    web = got["Web Search"]  # "37.0" cents = $0.37 (37 searches x $10 / 1000)
    assert (web["cost_usd"], web["model"], web["other_dims"]) == (
        pytest.approx(0.37),
        None,
        "cost_type=web_search",
    )
    assert got["Claude Sonnet 4.5 Usage - Input Tokens"]["other_dims"] == (
        "cost_type=tokens;token_type=uncached_input_tokens;service_tier=standard;context_window=0-200k"
    )
    (day,) = rows(
        warehouse, "SELECT CAST(day AS VARCHAR) AS day, sum(cost_usd) AS c FROM billed_costs GROUP BY 1"
    )
    # 4.561032 + 2.94912 + 6.031755 + 0.37 = $13.911907
    assert (day["day"], day["c"]) == ("2025-08-20", pytest.approx(13.911907))


def test_unreadable_amount_is_quarantined(warehouse):
    summary = ingest_paths(warehouse, [CASES / "anthropic.cost_report.bad_amount.json"])
    assert summary.quarantined == {"missing or non-numeric amount": 1}
    (row,) = rows(warehouse, "SELECT * FROM billed_costs")
    # "125.5" cents = $1.255, not grouped by description: line_item is the cost type
    assert (row["line_item"], row["cost_usd"]) == ("tokens", pytest.approx(1.255))


def test_empty_pages_are_read_as_nothing(warehouse, tmp_path):
    empty = tmp_path / "usage-empty.json"
    empty.write_text(json.dumps({"data": [], "has_more": False, "next_page": None}))
    summary = ingest_paths(warehouse, [empty])
    assert (summary.files_read, summary.stored, summary.quarantined_total) == (1, 0, 0)
    assert summary.aggregate_rows == {"usage_buckets": 0}
    assert rows(warehouse, "SELECT * FROM usage_buckets") == []
