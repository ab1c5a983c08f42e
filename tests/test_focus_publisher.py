"""Who made a model (FOCUS PublisherName), whoever served it, and the provider ingest infers.

One list of model families (queries/ingest_macros.sql, model_family_maker) feeds both ingest's
infer_provider and the FOCUS export's model_publisher, so the two cannot drift apart. Model ids
as the providers document them: Amazon Bedrock model ids ("Supported foundation models in Amazon
Bedrock": meta.llama3-1-70b-instruct-v1:0, cohere.command-r-plus-v1:0, cohere.embed-english-v3,
mistral.mistral-large-2407-v1:0, amazon.nova-pro-v1:0, ai21.jamba-1-5-large-v1:0, and the
cross-region profile us.anthropic.claude-3-5-haiku-20241022-v1:0), OpenAI's (dall-e-3, whisper-1,
tts-1), Cohere's (embed-english-v3.0, rerank-v3.5), Mistral's (voxtral-mini-2507), Google's
(imagen-4.0-generate-001), xAI's (grok-4), OpenRouter's slug (cohere/command-r-plus).
"""

from __future__ import annotations

import duckdb
import pytest

from llmfinops import sqlfiles
from llmfinops.config import Config
from llmfinops.focus import focus_rows
from llmfinops.ingest.pipeline import ingest_paths
from llmfinops.metrics import resolve_period
from llmfinops.store import connect

# logged model id -> (the provider ingest infers, the maker FOCUS names)
IDS = {
    "meta.llama3-1-70b-instruct-v1:0": ("aws", "meta"),
    "cohere.command-r-plus-v1:0": ("aws", "cohere"),
    "cohere.embed-english-v3": ("aws", "cohere"),
    "mistral.mistral-large-2407-v1:0": ("aws", "mistral"),
    "amazon.nova-pro-v1:0": ("aws", "aws"),
    "ai21.jamba-1-5-large-v1:0": ("aws", "ai21"),
    "us.anthropic.claude-3-5-haiku-20241022-v1:0": ("anthropic", "anthropic"),
    "dall-e-3": ("openai", "openai"),
    "whisper-1": ("openai", "openai"),
    "tts-1": ("openai", "openai"),
    "o4-mini": ("openai", "openai"),
    "embed-english-v3.0": ("cohere", "cohere"),
    "rerank-v3.5": ("cohere", "cohere"),
    "voxtral-mini-2507": ("mistral", "mistral"),
    "imagen-4.0-generate-001": ("google", "google"),
    "grok-4": ("x-ai", "x-ai"),
    "mystery-model-9": (None, None),
}


@pytest.mark.parametrize(("logged", "expected"), IDS.items())
def test_infer_provider_and_model_publisher(logged, expected):
    con = duckdb.connect()
    sqlfiles.execute_script(con, "ingest_macros")
    got = con.execute(
        "SELECT infer_provider(m), model_publisher(m) FROM (SELECT normalize_model($id) AS m)", {"id": logged}
    ).fetchone()
    assert got == expected


def test_focus_publisher_is_the_maker_and_provider_the_seller(warehouse, jsonl):
    # Reported costs, so each call has a FOCUS row whatever the catalog prices.
    def call(rid: str, provider: str, model: str) -> dict:
        return {"request_id": rid, "provider": provider, "model": model, "ts": "2026-11-17T10:00:00Z",
                "input_tokens": 1_000, "output_tokens": 100, "cost_usd": 0.01}  # fmt: skip

    records = [
        call("l", "bedrock", "meta.llama3-1-70b-instruct-v1:0"),
        call("c", "bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0"),
        call("o", "openrouter", "cohere/command-r-plus"),
        call("m", "acme", "mystery-model-9"),
    ]
    ingest_paths(warehouse, [jsonl(records)])
    con = connect(warehouse)
    try:
        table = focus_rows(con, resolve_period("2026-W47", None, None), Config(), version="1.2").table
    finally:
        con.close()
    got = {(r["x_Model"], r["ProviderName"], r["PublisherName"]) for r in table.to_pylist()}
    assert got == {
        ("meta.llama3-1-70b-instruct", "Amazon Web Services", "Meta"),
        ("claude-3-5-haiku-20241022", "Amazon Web Services", "Anthropic"),
        ("cohere/command-r-plus", "OpenRouter", "Cohere"),
        ("mystery-model-9", "acme", "acme"),  # no family known: the provider
    }
