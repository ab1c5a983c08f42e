"""LiteLLM proxy SpendLogs (CSV and JSON exports): spend is the reported cost, tokens by LiteLLM's rule."""

from __future__ import annotations

import pytest
from helpers import CASES, rows

from llmfinops.ingest.pipeline import ingest_paths


def test_csv_sample(warehouse):
    summary = ingest_paths(warehouse, [CASES / "litellm.spendlogs.sample.csv"])
    assert (summary.stored, summary.quarantined_total) == (2, 0)
    gpt, claude = rows(warehouse)
    assert (gpt["call_id"], gpt["ts"].isoformat()) == (
        "chatcmpl-C9yA1bC2dE3fG4hI5jK6lM7nO8pQ",
        "2025-08-21T13:00:03.120000+00:00",
    )
    assert (gpt["provider"], gpt["model"], gpt["source"]) == ("openai", "gpt-4o-mini", "litellm")
    # prompt_tokens 1544 includes the 1024 cached tokens of additional_usage_values
    assert (gpt["input_tokens"], gpt["cached_input_tokens"], gpt["output_tokens"]) == (1544, 1024, 96)
    # spend is LiteLLM's own cost, kept as reported
    assert (gpt["cost_usd"], gpt["cost_source"]) == (pytest.approx(0.0002124), "reported")
    # end_user is the customer; team alias over team_id; feature from spend_logs_metadata
    assert (gpt["user_id"], gpt["team"], gpt["feature"], gpt["session_id"]) == (
        "cust_42017",
        "Support",
        "ticket-triage",
        "sess_3c1e9a",
    )
    assert (gpt["latency_ms"], gpt["response_cache_hit"], gpt["status"]) == (1424.0, False, "ok")
    assert gpt["tags"]["tag.env"] == "prod"
    assert (gpt["tags"]["proxy_user"], gpt["tags"]["team_id"]) == ("alice@acme.example", "team-support")
    assert gpt["tags"]["api_key_alias"] == "support-bot-prod"
    # Anthropic through LiteLLM: prompt_tokens 20792 = 312 + 18432 + 2048 already; the cache
    # counts are read from additional_usage_values and NOT added again
    assert (claude["input_tokens"], claude["cached_input_tokens"], claude["cache_write_tokens"]) == (
        20792,
        18432,
        2048,
    )
    assert (claude["provider"], claude["model"]) == ("anthropic", "claude-sonnet-4-5-20250929")
    assert claude["cost_usd"] == pytest.approx(0.0165006)


def test_json_export_with_nulls_cache_hit_and_an_old_release_row(warehouse):
    summary = ingest_paths(warehouse, [CASES / "litellm.spendlogs.export.json"])
    assert (summary.stored, summary.quarantined_total) == (2, 0)
    hit, old = rows(warehouse)
    # end_user null -> the proxy user; a response-cache hit costs nothing
    assert (hit["user_id"], hit["team"], hit["feature"], hit["prompt_version"]) == (
        "bob@acme.example",
        "Ops",
        "faq-bot",
        "faq-v3",
    )
    assert (hit["response_cache_hit"], hit["cost_usd"]) == (True, 0.0)
    assert hit["session_id"] is None
    # endTime - startTime = 20 ms when request_duration_ms is null
    assert hit["latency_ms"] == 20.0
    # request tags: a bare tag -> 'true'; a repeated key keeps its last value
    assert (hit["tags"]["tag.faq"], hit["tags"]["tag.env"]) == ("true", "canary")
    # An older LiteLLM counted only cache reads in prompt_tokens: 18744 = 312 + 18432, which
    # cannot hold reads + writes (18432 + 2048), so the writes are added: 18744 + 2048 = 20792
    assert (old["input_tokens"], old["cached_input_tokens"], old["cache_write_tokens"]) == (
        20792,
        18432,
        2048,
    )
    # spend null -> priced from the catalog like any call:
    # 312*3 + 18432*0.30 + 2048*3.75 + 157*15 = 936 + 5529.6 + 7680 + 2355 = 16500.6 -> $0.0165006
    assert (old["cost_usd"], old["cost_source"]) == (pytest.approx(0.0165006), "catalog")
    # the model's "anthropic/" route prefix is dropped; team alias null -> team_id
    assert (old["model"], old["team"], old["user_id"]) == ("claude-sonnet-4-5-20250929", "team-ops", "cust_9")


def test_reingest_is_a_no_op(warehouse):
    ingest_paths(warehouse, [CASES / "litellm.spendlogs.sample.csv"])
    again = ingest_paths(warehouse, [CASES / "litellm.spendlogs.sample.csv"], full=True)
    assert (again.stored, again.duplicates) == (0, 2)
