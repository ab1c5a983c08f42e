"""Raw provider responses logged as they came back: pretty-printed documents or one per line.

The response cases in tests/cases are copies of the shared samples; costs use the pinned
catalog's list prices, worked by hand next to each assertion.
"""

from __future__ import annotations

import json

import pytest
from helpers import CASES, case, rows, write_jsonl

from llmfinops.ingest import registry
from llmfinops.ingest.pipeline import ingest_paths
from llmfinops.ingest.sources import discover


def one(warehouse, name: str) -> dict:
    summary = ingest_paths(warehouse, [CASES / name])
    assert summary.quarantined_total == 0
    (row,) = rows(warehouse)
    assert row["source"] == "raw_response"
    return row


def test_openai_chat_document_spanning_many_lines(warehouse):
    row = one(warehouse, "openai.chat.reasoning.json")
    # created 1755780011 = 2025-08-21T12:40:11Z; the body id is the call id
    assert (row["call_id"], row["ts"].isoformat()) == (
        "chatcmpl-C9xQ2kR7bZt1mYp4LwV8sN3aEfGh",
        "2025-08-21T12:40:11+00:00",
    )
    assert (
        row["input_tokens"],
        row["cached_input_tokens"],
        row["output_tokens"],
        row["reasoning_tokens"],
    ) == (2406, 1920, 842, 768)
    # o4-mini: $1.10 in, $0.275 cached, $4.40 out
    # (2406-1920)*1.10 + 1920*0.275 + 842*4.40 = 534.6 + 528 + 3704.8 = 4767.4 -> $0.0047674
    assert row["cost_usd"] == pytest.approx(0.0047674)
    assert row["tags"] == {"service_tier": "default"}


def test_openai_responses_document_with_metadata(warehouse):
    row = one(warehouse, "openai.responses.cached.json")
    assert row["ts"].isoformat() == "2025-08-21T12:47:32+00:00"  # created_at 1755780452
    assert (
        row["input_tokens"],
        row["cached_input_tokens"],
        row["output_tokens"],
        row["reasoning_tokens"],
    ) == (5120, 4096, 640, 448)
    # safety_identifier is the hashed end user; metadata carries feature and team
    assert (row["user_id"], row["feature"], row["team"]) == (
        "u_5f2c9a1e7b",
        "ticket-summary",
        "support-tools",
    )
    # gpt-5-mini: (5120-4096)*0.25 + 4096*0.025 + 640*2.00 = 256 + 102.4 + 1280 = 1638.4 -> $0.0016384
    assert row["cost_usd"] == pytest.approx(0.0016384)


def test_azure_response_is_azure(warehouse):
    row = one(warehouse, "azure.chat.cached.json")
    assert (row["provider"], row["model"]) == ("azure", "gpt-4o-2024-11-20")
    # azure gpt-4o: $2.50 in, $1.25 cached, $10 out
    # (1890-1536)*2.5 + 1536*1.25 + 27*10 = 885 + 1920 + 270 = 3075 -> $0.003075
    assert row["cost_usd"] == pytest.approx(0.003075)


def test_vertex_response_uses_create_time(warehouse):
    row = one(warehouse, "gemini.vertex.tooluse.json")
    assert row["ts"].isoformat() == "2025-08-21T09:14:03.518230+00:00"
    # input = promptTokenCount 3310 + toolUsePromptTokenCount 128 = 3438
    # output = candidates 41 + thoughts 300 = 341
    assert (row["input_tokens"], row["output_tokens"], row["reasoning_tokens"]) == (3438, 341, 300)
    # gemini-2.5-pro (<= 200k): 3438*1.25 + 341*10 = 4297.5 + 3410 = 7707.5 -> $0.0077075
    assert row["cost_usd"] == pytest.approx(0.0077075)


@pytest.mark.parametrize(
    "name",
    ["anthropic.message.cache.json", "gemini.response.thoughts.json", "bedrock.converse.cacheread.json"],
)
def test_bodies_without_time_are_quarantined_never_stamped_now(warehouse, name):
    summary = ingest_paths(warehouse, [CASES / name])
    assert (summary.stored, summary.quarantined) == (0, {"no timestamp": 1})
    assert rows(warehouse) == []


def test_logged_timestamp_makes_an_anthropic_message_usable(warehouse, tmp_path):
    message = case("anthropic.message.cache.json")
    path = write_jsonl(
        tmp_path / "messages.jsonl", [{**message, "ts": "2025-08-21T13:00:05Z", "feature": "contract-qa"}]
    )
    ingest_paths(warehouse, [path])
    (row,) = rows(warehouse)
    assert (row["call_id"], row["provider"], row["feature"]) == (
        "msg_01XFDUDYJgAACzvnptvVoYEL",
        "anthropic",
        "contract-qa",
    )
    # 312 + 18432 + 2048 = 20792 input tokens (cache counts are outside Anthropic's input_tokens)
    assert (row["input_tokens"], row["cached_input_tokens"], row["cache_write_tokens"]) == (
        20792,
        18432,
        2048,
    )
    # claude-sonnet-4-5: 312*3 + 18432*0.30 + 2048*3.75 + 157*15
    #   = 936 + 5529.6 + 7680 + 2355 = 16500.6 -> $0.0165006
    assert row["cost_usd"] == pytest.approx(0.0165006)
    assert row["tags"] == {"service_tier": "standard", "inference_geo": "global"}


def test_concatenated_pretty_documents_and_json_lines(warehouse, tmp_path):
    chat, responses = case("openai.chat.reasoning.json"), case("openai.responses.cached.json")
    pretty = tmp_path / "two.json"
    pretty.write_text(json.dumps(chat, indent=2) + "\n" + json.dumps(responses, indent=2) + "\n")
    lines = write_jsonl(tmp_path / "more.jsonl", [chat, responses])  # the same two calls again
    summary = ingest_paths(warehouse, [pretty, lines])
    assert (summary.stored, summary.duplicates, summary.quarantined_total) == (2, 2, 0)
    assert {r["source"] for r in rows(warehouse)} == {"raw_response"}


def test_native_record_wrapping_a_response_stays_native(tmp_path):
    path = write_jsonl(
        tmp_path / "app.jsonl",
        [{"ts": "2025-08-21T13:00:05Z", "response": case("openai.chat.reasoning.json")}],
    )
    (src,) = discover([path])
    assert registry.detect(src).name == "native"


def test_a_document_that_does_not_parse_is_quarantined_whole(warehouse, tmp_path):
    cut = tmp_path / "cut.json"
    cut.write_text((CASES / "openai.chat.reasoning.json").read_text()[:-40])  # a truncated download
    summary = ingest_paths(warehouse, [cut], source="raw_response")
    assert (summary.stored, summary.quarantined) == (0, {"malformed JSON document": 1})
