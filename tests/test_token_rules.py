"""Each provider token-counting rule against a real-shaped record, through a real ingest.

Expected values are worked out by hand from the record (cases/ are copies of the
real-shaped samples) and from the pinned catalog's list prices, written next to them.
"""

from __future__ import annotations

import pytest
from helpers import case, rows

from llmfinops.ingest.pipeline import ingest_paths

TS = "2026-11-16T12:00:00Z"


def ingest_one(warehouse, jsonl, record: dict) -> dict:
    ingest_paths(warehouse, [jsonl([record])])
    (row,) = rows(warehouse)
    return row


def test_openai_chat_cached_tokens_are_inside_prompt_tokens(warehouse, jsonl):
    row = ingest_one(warehouse, jsonl, {"ts": TS, "response": case("openai.chat.reasoning.json")})
    # usage: prompt_tokens 2406 (cached_tokens 1920 INSIDE it), completion_tokens 842 (reasoning 768 inside)
    assert (row["input_tokens"], row["cached_input_tokens"], row["cache_write_tokens"]) == (2406, 1920, 0)
    assert (row["output_tokens"], row["reasoning_tokens"]) == (842, 768)
    assert row["call_id"] == "chatcmpl-C9xQ2kR7bZt1mYp4LwV8sN3aEfGh"
    assert (row["provider"], row["model"], row["model_tier"]) == ("openai", "o4-mini-2025-04-16", "budget")
    # o4-mini: $1.10 in, $0.275 cached, $4.40 out per MTok
    # (2406-1920)*1.10 + 1920*0.275 + 842*4.40 = 534.6 + 528 + 3704.8 = 4767.4 -> $0.0047674
    assert row["cost_usd"] == pytest.approx(0.0047674)
    assert row["cost_source"] == "catalog"


def test_openai_responses_cached_tokens_are_inside_input_tokens(warehouse, jsonl):
    row = ingest_one(warehouse, jsonl, {"ts": TS, "response": case("openai.responses.cached.json")})
    # input_tokens 5120 incl. cached 4096; output_tokens 640 incl. reasoning 448
    assert (row["input_tokens"], row["cached_input_tokens"]) == (5120, 4096)
    assert (row["output_tokens"], row["reasoning_tokens"]) == (640, 448)
    # gpt-5-mini: $0.25 in, $0.025 cached, $2.00 out
    # 1024*0.25 + 4096*0.025 + 640*2 = 256 + 102.4 + 1280 = 1638.4 -> $0.0016384
    assert row["cost_usd"] == pytest.approx(0.0016384)


def test_anthropic_cache_counts_are_added_to_input(warehouse, jsonl):
    row = ingest_one(warehouse, jsonl, {"ts": TS, "response": case("anthropic.message.cache.json")})
    # input_tokens 312 EXCLUDES cache_read 18432 and cache_creation 2048: 312 + 18432 + 2048 = 20792
    assert (row["input_tokens"], row["cached_input_tokens"], row["cache_write_tokens"]) == (
        20792,
        18432,
        2048,
    )
    assert (row["cache_write_1h_tokens"], row["output_tokens"]) == (0, 157)
    assert (row["provider"], row["model_tier"]) == ("anthropic", "mid")
    # claude-sonnet-4-5: $3 in, $0.30 cache read, $3.75 5m write, $15 out
    # 312*3 + 18432*0.3 + 2048*3.75 + 157*15 = 936 + 5529.6 + 7680 + 2355 = 16500.6 -> $0.0165006
    assert row["cost_usd"] == pytest.approx(0.0165006)


def test_anthropic_one_hour_cache_writes_cost_twice_input(warehouse, jsonl):
    usage = {
        "input_tokens": 100,
        "output_tokens": 10,
        "cache_read_input_tokens": 0,
        "cache_creation_input_tokens": 3000,
        "cache_creation": {"ephemeral_5m_input_tokens": 1000, "ephemeral_1h_input_tokens": 2000},
    }
    row = ingest_one(warehouse, jsonl, {"ts": TS, "model": "claude-sonnet-4-20250514", "usage": usage})
    assert (row["input_tokens"], row["cache_write_tokens"], row["cache_write_1h_tokens"]) == (
        3100,
        3000,
        2000,
    )
    # claude-sonnet-4-0: $3 in; 5m writes 1.25x = $3.75; 1h writes 2x = $6; $15 out
    # 100*3 + 1000*3.75 + 2000*6 + 10*15 = 300 + 3750 + 12000 + 150 = 16200 -> $0.0162
    assert row["cost_usd"] == pytest.approx(0.0162)


def test_gemini_thoughts_are_billed_as_output_outside_candidates(warehouse, jsonl):
    row = ingest_one(warehouse, jsonl, {"ts": TS, "response": case("gemini.response.thoughts.json")})
    # promptTokenCount 10750 INCLUDES cachedContentTokenCount 8192;
    # thoughtsTokenCount 594 is NOT inside candidatesTokenCount 84: output = 84 + 594 = 678
    assert (row["input_tokens"], row["cached_input_tokens"]) == (10750, 8192)
    assert (row["output_tokens"], row["reasoning_tokens"]) == (678, 594)
    assert (row["provider"], row["model"], row["call_id"]) == (
        "google",
        "gemini-2.5-flash",
        "kOWmaP2fBOqHkdUPq7W4iQo",
    )
    # gemini-2.5-flash: $0.30 in, $0.03 cached, $2.50 out
    # 2558*0.3 + 8192*0.03 + 678*2.5 = 767.4 + 245.76 + 1695 = 2708.16 -> $0.00270816
    assert row["cost_usd"] == pytest.approx(0.00270816)


def test_gemini_tool_use_prompt_is_input(warehouse, jsonl):
    row = ingest_one(warehouse, jsonl, {"ts": TS, "response": case("gemini.vertex.tooluse.json")})
    # promptTokenCount 3310 + toolUsePromptTokenCount 128 = 3438; candidates 41 + thoughts 300 = 341
    # (the record's totalTokenCount 3779 = 3438 + 341)
    assert (row["input_tokens"], row["output_tokens"], row["reasoning_tokens"]) == (3438, 341, 300)


def test_bedrock_converse_cache_reads_are_outside_input(warehouse, jsonl):
    record = {"ts": TS, "provider": "bedrock", "model": "us.anthropic.claude-sonnet-4-20250514-v1:0"}
    record["usage"] = case("bedrock.converse.cacheread.json")["usage"]
    row = ingest_one(warehouse, jsonl, record)
    # inputTokens 41 + cacheReadInputTokens 4310 + cacheWriteInputTokens 0 = 4351
    # (= totalTokens 4374 - 23 output tokens)
    assert (row["input_tokens"], row["cached_input_tokens"], row["output_tokens"]) == (4351, 4310, 23)
    assert (row["provider"], row["model"]) == ("aws", "claude-sonnet-4-20250514")


def test_azure_openai_follows_openai_rule(warehouse, jsonl):
    record = {"ts": TS, "provider": "azure", "response": case("azure.chat.cached.json")}
    row = ingest_one(warehouse, jsonl, record)
    # prompt_tokens 1890 includes cached_tokens 1536; completion 27
    assert (row["input_tokens"], row["cached_input_tokens"], row["output_tokens"]) == (1890, 1536, 27)
    # gpt-4o on Azure: $2.50 in, $1.25 cached, $10 out
    # 354*2.5 + 1536*1.25 + 27*10 = 885 + 1920 + 270 = 3075 -> $0.003075
    assert row["cost_usd"] == pytest.approx(0.003075)


def test_top_level_counts_win_over_embedded_usage(warehouse, jsonl):
    record = {
        "ts": TS,
        "model": "gpt-4o-mini",
        "input_tokens": 10,
        "output_tokens": 5,
        "usage": {"prompt_tokens": 999, "completion_tokens": 999},
    }
    row = ingest_one(warehouse, jsonl, record)
    assert (row["input_tokens"], row["output_tokens"]) == (10, 5)
