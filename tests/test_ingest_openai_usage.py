"""OpenAI Admin Usage and Costs API pages -> usage_buckets / billed_costs (never calls)."""

from __future__ import annotations

import json

import duckdb
import pytest
from helpers import CASES, rows

from llmfinops.ingest.pipeline import ingest_paths

USAGE = CASES / "openai.usage_completions.sample.json"
PAGES = CASES / "openai.usage_completions.pages.jsonl"
COSTS = CASES / "openai.costs.sample.json"


def buckets(warehouse):
    return rows(warehouse, "SELECT * FROM usage_buckets ORDER BY bucket_start, model")


def test_usage_sample(warehouse):
    summary = ingest_paths(warehouse, [USAGE])
    assert summary.aggregate_rows == {"usage_buckets": 2}
    assert (summary.stored, summary.quarantined_total) == (0, 0)
    assert rows(warehouse) == []  # aggregates are not calls
    batch, mini = buckets(warehouse)
    # bucket start_time 1755734400 = 2025-08-21T00:00Z, end 1755820800 (exclusive)
    assert (str(mini["day"]), mini["bucket_start"].isoformat(), mini["bucket_end"].isoformat()) == (
        "2025-08-21",
        "2025-08-21T00:00:00+00:00",
        "2025-08-22T00:00:00+00:00",
    )
    # input_tokens 1843200 already includes the cached 1105920 (uncached 737280 + 1105920 = 1843200)
    assert (
        mini["input_tokens"],
        mini["cached_input_tokens"],
        mini["cache_write_tokens"],
        mini["output_tokens"],
    ) == (1843200, 1105920, 0, 212480)
    assert (mini["requests"], mini["batch"], mini["service_tier"]) == (913, False, "default")
    assert (mini["provider"], mini["model"], mini["project"]) == (
        "openai",
        "gpt-4o-mini-2024-07-18",
        "proj_Qm3Ue9wXbV2cT8yLkN4rJ7sA",
    )
    assert (mini["api_key"], mini["user_id"], mini["workspace"]) == (
        "key_Vt6Rn2Wq8Ls4Xp0Mz",
        "user-8Hc2Lx0nWq5ZtR1vYb3K",
        None,
    )
    assert (
        batch["model"],
        batch["batch"],
        batch["input_tokens"],
        batch["output_tokens"],
        batch["requests"],
    ) == ("gpt-4o-2024-08-06", True, 402000, 96500, 120)
    assert mini["source"] == "openai_usage"


def test_pages_are_not_double_counted_and_reingest_is_a_no_op(warehouse, tmp_path):
    # page 1 of the export again, alone, as a second file
    page1 = tmp_path / "page-1.json"
    page1.write_text(json.dumps(json.loads(PAGES.read_text().splitlines()[0]), indent=2))
    ingest_paths(warehouse, [PAGES, page1])
    got = buckets(warehouse)
    # 2025-08-20: 500000 in; 2025-08-21: 700000 in; the empty 2025-08-22 bucket gives no row
    assert [(str(r["day"]), r["input_tokens"], r["requests"]) for r in got] == [
        ("2025-08-20", 500000, 300),
        ("2025-08-21", 700000, 410),
    ]
    # not grouped by project, user, key, batch or tier: those dimensions are NULL
    assert {(r["project"], r["user_id"], r["api_key"], r["batch"], r["service_tier"]) for r in got} == {
        (None, None, None, None, None)
    }
    ingest_paths(warehouse, [PAGES, page1], full=True)
    (total,) = rows(warehouse, "SELECT count(*) AS n, sum(input_tokens) AS t FROM usage_buckets")
    assert (total["n"], total["t"]) == (2, 1_200_000)  # 500000 + 700000


def test_hourly_buckets_keep_their_own_rows(warehouse):
    ingest_paths(warehouse, [CASES / "openai.usage_completions.hourly.json"])
    (day,) = rows(
        warehouse,
        "SELECT day, count(*) AS n, sum(input_tokens) AS i, sum(cached_input_tokens) AS c, "
        "sum(output_tokens) AS o, sum(requests) AS r FROM usage_buckets GROUP BY day",
    )
    # two 1h buckets of 2025-08-21: 1200 + 800 = 2000 in (0 + 400 cached), 300 + 100 = 400 out, 2 + 1 requests
    assert (str(day["day"]), day["n"], day["i"], day["c"], day["o"], day["r"]) == (
        "2025-08-21",
        2,
        2000,
        400,
        400,
        3,
    )


def test_two_exports_with_different_grouping_are_both_kept(warehouse):
    # The sample is grouped by project, user, key, model, batch and tier; the pages by model only.
    # Rows of different grains overlap: they are kept apart, never merged (see docs/sources.md).
    ingest_paths(warehouse, [USAGE, PAGES])
    got = rows(
        warehouse,
        "SELECT (project IS NULL) AS by_model_only, count(*) AS n FROM usage_buckets GROUP BY ALL ORDER BY 1",
    )
    assert [(r["by_model_only"], r["n"]) for r in got] == [(False, 2), (True, 2)]


def test_costs_sample(warehouse):
    summary = ingest_paths(warehouse, [COSTS])
    assert summary.aggregate_rows == {"billed_costs": 2}
    got = rows(warehouse, "SELECT * FROM billed_costs ORDER BY line_item")
    assert [(r["line_item"], r["model"], r["cost_usd"], r["currency"]) for r in got] == [
        ("gpt-4o-mini-2024-07-18, input", "gpt-4o-mini-2024-07-18", pytest.approx(0.27648), "USD"),
        ("gpt-4o-mini-2024-07-18, output", "gpt-4o-mini-2024-07-18", pytest.approx(0.127488), "USD"),
    ]
    assert {(str(r["day"]), r["project"], r["api_key"]) for r in got} == {
        ("2025-08-21", "proj_Qm3Ue9wXbV2cT8yLkN4rJ7sA", None)
    }
    # 1843200 tokens x $0.15/MTok = $0.27648 and 212480 x $0.60/MTok = $0.127488: $0.403968 that day
    (day,) = rows(warehouse, "SELECT sum(cost_usd) AS c FROM billed_costs")
    assert day["c"] == pytest.approx(0.403968)


def test_a_refetched_day_replaces_the_stored_bucket(warehouse, tmp_path):
    ingest_paths(warehouse, [COSTS])
    page = json.loads(COSTS.read_text())
    page["data"][0]["results"][0]["amount"]["value"] = 0.30  # the day was still in progress before
    refetched = tmp_path / "costs-refetched.json"
    refetched.write_text(json.dumps(page))
    ingest_paths(warehouse, [refetched])
    got = rows(warehouse, "SELECT line_item, cost_usd, source_file FROM billed_costs ORDER BY line_item")
    assert [(r["line_item"], r["cost_usd"]) for r in got] == [
        ("gpt-4o-mini-2024-07-18, input", 0.30),
        ("gpt-4o-mini-2024-07-18, output", 0.127488),
    ]
    assert {r["source_file"] for r in got} == {str(refetched)}


def test_aggregates_survive_later_call_ingests_and_reach_the_analyst_file(warehouse, jsonl):
    ingest_paths(
        warehouse,
        [
            jsonl(
                [
                    {
                        "ts": "2025-08-21T10:00:00Z",
                        "model": "gpt-4o-mini",
                        "input_tokens": 10,
                        "output_tokens": 1,
                    }
                ]
            )
        ],
    )
    assert rows(warehouse, "SELECT * FROM usage_buckets") == []  # the view exists, empty, before any report
    ingest_paths(warehouse, [USAGE, COSTS])
    ingest_paths(
        warehouse,
        [
            jsonl(
                [
                    {
                        "ts": "2025-08-22T10:00:00Z",
                        "model": "gpt-4o-mini",
                        "input_tokens": 20,
                        "output_tokens": 2,
                    }
                ],
                name="more.jsonl",
            )
        ],
    )
    # the analyst file is rewritten when a side file first appears, and the files are carried over
    con = duckdb.connect(str(warehouse.catalog_path), read_only=True)
    try:
        counts = con.execute(
            "SELECT (SELECT count(*) FROM usage_buckets), (SELECT count(*) FROM billed_costs), "
            "(SELECT count(*) FROM calls)"
        ).fetchall()
    finally:
        con.close()
    assert counts == [(2, 2, 2)]


def test_empty_views_have_the_declared_columns(warehouse, jsonl):
    from llmfinops import schema

    ingest_paths(
        warehouse,
        [
            jsonl(
                [
                    {
                        "ts": "2025-08-21T10:00:00Z",
                        "model": "gpt-4o-mini",
                        "input_tokens": 1,
                        "output_tokens": 1,
                    }
                ]
            )
        ],
    )
    from llmfinops.store import connect

    con = connect(warehouse)
    try:
        for table in schema.SIDE_TABLES.values():
            described = con.execute(f"DESCRIBE {table.name}").fetchall()
            assert [(d[0], d[1].replace("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ")) for d in described] == [
                (c.name, c.duckdb_type) for c in table.columns
            ]
    finally:
        con.close()
