"""Usage dialects beyond tests/test_realworld.py, each on a public record (provenance per test).

Costs worked by hand from genai-prices 0.2.3's list prices (USD per million tokens).
"""

from __future__ import annotations

import pytest
from helpers import CASES, rows

from llmfinops.ingest.pipeline import ingest_paths

COLUMNS = "provider, model, input_tokens, output_tokens, cost_usd, cost_source, price_flags"


def one(warehouse, name: str) -> tuple:
    summary = ingest_paths(warehouse, [CASES / name])
    assert summary.quarantined_total == 0, summary.quarantined
    (row,) = rows(warehouse, f"SELECT {COLUMNS} FROM calls")
    return tuple(row.values())


def test_cohere_v2_chat_bills_billed_units(warehouse):
    # pydantic/pydantic-ai@f077d56:
    #   tests/models/cassettes/test_cohere/test_request_simple_success_with_vcr.yaml
    # (POST https://api.cohere.com/v2/chat, recorded 2026-03-06; logger-style ts and model added).
    # usage.billed_units (1 in, 9 out) is what Cohere bills, not usage.tokens (496 / 11).
    # genai-prices 0.2.3: cohere/command-r7b $0.0375 in, $0.15 out: 1*0.0375 + 9*0.15 = 1.3875
    got = one(warehouse, "cohere.chat.billed_units.json")
    assert got[:4] == ("cohere", "command-r7b-12-2024", 1, 9)
    assert got[4] == pytest.approx(1.3875e-6, rel=1e-6)
    assert got[5:] == ("catalog", [])


def test_cohere_v2_chat_with_cached_tokens(warehouse):
    # pydantic/pydantic-ai@5fffc9e:
    #   tests/models/cassettes/test_cohere/test_request_usage_with_cached_tokens.yaml
    # (model from the request; the cassette has no time: a logger-style ts added, command-r7b has one
    # undated price). billed 2406 in / 2 out: 2406*0.0375 + 2*0.15 = 90.225 + 0.3 = 90.525
    got = one(warehouse, "cohere.chat.cached.json")
    assert got[:4] == ("cohere", "command-r7b-12-2024", 2406, 2)
    assert got[4] == pytest.approx(90.525e-6, rel=1e-6)


def test_embeddings_response_is_priced_without_an_output_price(warehouse):
    # The CreateEmbeddingResponse of the OpenAI API reference (developers.openai.com/api/reference,
    # embeddings: object "list", usage {prompt_tokens, total_tokens}), with the example values of
    # OpenRouter's SDK reference (CreateEmbeddingsResponseBody: 8 / 8 tokens, text-embedding-3-small).
    # No completion_tokens and total = prompt: output 0. genai-prices 0.2.3: openai/text-embedding-3-small
    # has only an input price, $0.02: 8*0.02 = 0.16 -> priced, not unpriced
    got = one(warehouse, "openai.embeddings.reference.json")
    assert got[:4] == ("openai", "text-embedding-3-small", 8, 0)
    assert got[4] == pytest.approx(0.16e-6, rel=1e-6)
    assert got[5:] == ("catalog", [])
