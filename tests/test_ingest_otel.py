"""OpenTelemetry GenAI spans (OTLP/JSON): current and deprecated attribute names, which spans are calls.

Prices: gpt-4o-mini $0.15 in / $0.075 cached / $0.60 out; claude-sonnet-4-5 $3 in / $0.30 cache
read / $3.75 cache write / $15 out (per MTok, pinned catalog).
"""

from __future__ import annotations

import json

import pytest
from helpers import CASES, rows

from llmfinops.ingest.pipeline import ingest_paths


def test_sample_spans(warehouse):
    summary = ingest_paths(warehouse, [CASES / "otel.genai_spans.sample.json"])
    assert (summary.stored, summary.quarantined_total) == (2, 0)
    gpt, claude = rows(warehouse)
    # startTimeUnixNano 1755781203120000000 -> 2025-08-21T13:00:03.12Z; end - start = 1.424 s
    assert gpt["ts"].isoformat() == "2025-08-21T13:00:03.120000+00:00"
    assert (gpt["call_id"], gpt["latency_ms"]) == ("chatcmpl-C9yA1bC2dE3fG4hI5jK6lM7nO8pQ", 1424.0)
    # gen_ai.response.model wins over gen_ai.request.model
    assert (gpt["provider"], gpt["model"]) == ("openai", "gpt-4o-mini-2024-07-18")
    assert (gpt["input_tokens"], gpt["cached_input_tokens"], gpt["output_tokens"]) == (1544, 1024, 96)
    # (1544-1024)*0.15 + 1024*0.075 + 96*0.60 = 78 + 76.8 + 57.6 = 212.4 -> $0.0002124
    assert gpt["cost_usd"] == pytest.approx(0.0002124)
    assert (gpt["user_id"], gpt["session_id"], gpt["feature"]) == (
        "u_5f2c9a1e7b",
        "conv_7f3a9c",
        "ticket-triage",
    )
    assert gpt["action_id"] == "5b8efff798038103d269b633813fc60c"  # the trace
    assert gpt["tags"]["service.name"] == "support-assistant"
    assert gpt["tags"]["deployment.environment.name"] == "production"
    assert gpt["tags"]["service_tier"] == "default"
    # input_tokens 20792 already includes cache read 18432 and cache creation 2048 (inclusive, per the spec)
    assert (claude["input_tokens"], claude["cached_input_tokens"], claude["cache_write_tokens"]) == (
        20792,
        18432,
        2048,
    )
    # (20792-18432-2048)*3 + 18432*0.30 + 2048*3.75 + 157*15
    #   = 936 + 5529.6 + 7680 + 2355 = 16500.6 -> $0.0165006
    assert claude["cost_usd"] == pytest.approx(0.0165006)
    assert (claude["feature"], claude["latency_ms"]) == ("contract-qa", 4861.0)


def test_deprecated_names_skipped_spans_and_error_span(warehouse):
    summary = ingest_paths(warehouse, [CASES / "otel.genai_spans.deprecated.jsonl"])
    # 6 spans: 2 chat calls in line 1; in line 2 a tool span, an agent span and an HTTP span are
    # skipped (not quarantined) and one failed chat span is kept
    assert (summary.stored, summary.quarantined_total) == (3, 0)
    by_id = {r["call_id"]: r for r in rows(warehouse)}
    old = by_id["otel:0af7651916cd43dd8448eb211c80319c:00f067aa0ba902b1"]  # no gen_ai.response.id
    # gen_ai.system + gen_ai.usage.prompt_tokens / completion_tokens (deprecated), intValue as a JSON number
    assert (old["provider"], old["model"], old["input_tokens"], old["output_tokens"]) == (
        "openai",
        "gpt-4o-mini",
        1000,
        200,
    )
    # 1000*0.15 + 200*0.60 = 150 + 120 = 270 -> $0.00027
    assert old["cost_usd"] == pytest.approx(0.00027)
    # user.id, session.id, app.feature, and llmfinops.team from the resource
    assert (old["user_id"], old["session_id"], old["feature"], old["team"]) == (
        "u_77",
        "s_9",
        "invoice-explain",
        "billing",
    )
    assert old["tags"]["service.name"] == "billing-bot"
    assert old["tags"]["deployment.environment"] == "staging"
    # An instrumentation that passed Anthropic's EXCLUSIVE input through: 312 < 18432 + 2048,
    # so the cache counts are added: 312 + 18432 + 2048 = 20792
    excl = by_id["msg_otel_excl_01"]
    assert (
        excl["provider"],
        excl["input_tokens"],
        excl["cached_input_tokens"],
        excl["cache_write_tokens"],
    ) == ("anthropic", 20792, 18432, 2048)
    assert excl["cost_usd"] == pytest.approx(0.0165006)
    # status code 2 and error.type, no usage: an error call with zero tokens
    failed = by_id["otel:0af7651916cd43dd8448eb211c80319c:00f067aa0ba902b6"]
    assert (failed["status"], failed["input_tokens"], failed["output_tokens"], failed["cost_usd"]) == (
        "error",
        0,
        0,
        0,
    )
    assert failed["tags"]["error.type"] == "timeout"
    assert failed["latency_ms"] == 30000.0


def test_chat_span_without_usage_is_quarantined(warehouse, tmp_path):
    span = {
        "traceId": "1" * 32,
        "spanId": "2" * 16,
        "startTimeUnixNano": "1755800000000000000",
        "endTimeUnixNano": "1755800001000000000",
        "status": {},
        "attributes": [
            {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
            {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o-mini"}},
        ],
    }
    path = tmp_path / "spans.json"
    path.write_text(json.dumps({"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": [span]}]}]}))
    summary = ingest_paths(warehouse, [path])
    assert (summary.stored, summary.quarantined) == (0, {"missing token counts": 1})
