"""Gateway, trace and session logs carry prompts and answers: none of that text may reach the store.

The cases plant MARKER in every text field their format has (messages, bodies, span content
attributes, tool arguments, error messages); after ingesting all of them, no written byte and no
decoded value of any table — calls, quarantine, aggregates — contains it.
"""

from __future__ import annotations

import json

import duckdb
from helpers import CASES, case, rows, write_jsonl

from llmfinops.ingest.pipeline import ingest_paths

MARKER = "SECRET-PROMPT-MARKER-7f3a"
MARKED_CASES = [
    "openai.batch_output.errors.jsonl",
    "openai.batch_input.requests.jsonl",
    "aws.bedrock_log.records.jsonl",
    "otel.genai_spans.deprecated.jsonl",
    "litellm.spendlogs.export.json",
    "anthropic.claude_code.dedup",
]


def marked_litellm_csv(tmp_path):
    lines = (CASES / "litellm.spendlogs.sample.csv").read_text().splitlines()
    # the messages / response / proxy_server_request columns hold "{}" in the sample
    payload = '"{""content"": ""' + MARKER + '""}"'
    marked = [lines[0]] + [
        line.replace(",{},{},", f",{payload},{payload},").removesuffix(",{}") + f",{payload}"
        for line in lines[1:]
    ]
    path = tmp_path / "spendlogs.csv"
    path.write_text("\n".join(marked) + "\n")
    return path


def marked_responses(tmp_path):
    chat = case("openai.chat.reasoning.json")
    chat["choices"][0]["message"]["content"] = MARKER
    message = case("anthropic.message.cache.json")
    message["content"][0]["text"] = MARKER
    no_time = case("gemini.response.thoughts.json")  # quarantined: no timestamp
    no_time["candidates"][0]["content"]["parts"][0]["text"] = MARKER
    return write_jsonl(
        tmp_path / "responses.jsonl", [chat, {**message, "ts": "2025-08-21T13:00:05Z"}, no_time]
    )


def test_no_prompt_or_response_text_is_stored(warehouse, tmp_path):
    inputs = [CASES / name for name in MARKED_CASES] + [
        marked_litellm_csv(tmp_path),
        marked_responses(tmp_path),
    ]
    for path in inputs:  # the marker really is in every input
        text = "".join(p.read_text() for p in ([path] if path.is_file() else path.rglob("*.jsonl")))
        assert MARKER in text, path
    summary = ingest_paths(warehouse, inputs)
    assert summary.stored >= 15 and summary.quarantined_total >= 3

    dump = []
    for view in ("calls", "quarantine", "usage_buckets", "billed_costs", "ingested_files"):
        dump += [r["v"] for r in rows(warehouse, f"SELECT CAST(t AS VARCHAR) AS v FROM {view} AS t")]
    assert dump and not [v for v in dump if MARKER in v]
    written = [p for p in warehouse.root.rglob("*") if p.is_file()]
    assert not [p for p in written if MARKER.encode() in p.read_bytes()]
    con = duckdb.connect()
    try:  # decoded, not just compressed bytes
        for p in written:
            if p.suffix == ".parquet":
                values = con.execute(
                    "SELECT CAST(t AS VARCHAR) FROM read_parquet($p) AS t", {"p": str(p)}
                ).fetchall()
                assert not [v for (v,) in values if MARKER in v], p
    finally:
        con.close()
    assert json.dumps(summary.quarantine_examples).find(MARKER) < 0
