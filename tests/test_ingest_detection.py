"""Which ingester claims which file: every provider format by its own sniffer, native logs by native."""

from __future__ import annotations

import json
import os

import pytest
from helpers import CASES, REPO, case, write_jsonl

from llmfinops.errors import InputError
from llmfinops.ingest import registry
from llmfinops.ingest.sources import discover

EXPECTED = {
    "openai.batch_output.sample.jsonl": "openai_batch",
    "openai.batch_output.errors.jsonl": "openai_batch",
    "openai.batch_input.requests.jsonl": "openai_batch",
    "aws.bedrock_log.sample.json": "bedrock",
    "aws.bedrock_log.records.jsonl": "bedrock",
    "otel.genai_spans.sample.json": "otel",
    "otel.genai_spans.deprecated.jsonl": "otel",
    "litellm.spendlogs.sample.csv": "litellm",
    "litellm.spendlogs.export.json": "litellm",
    "openai.chat.reasoning.json": "raw_response",
    "openai.responses.cached.json": "raw_response",
    "azure.chat.cached.json": "raw_response",
    "anthropic.message.cache.json": "raw_response",
    "gemini.response.thoughts.json": "raw_response",
    "gemini.vertex.tooluse.json": "raw_response",
    "bedrock.converse.cacheread.json": "raw_response",
    "openai.usage_completions.sample.json": "openai_usage",
    "openai.usage_completions.pages.jsonl": "openai_usage",
    "openai.usage_completions.hourly.json": "openai_usage",
    "openai.costs.sample.json": "openai_costs",
    "anthropic.usage_report.sample.json": "anthropic_usage",
    "anthropic.usage_report.page2.json": "anthropic_usage",
    "anthropic.cost_report.sample.json": "anthropic_costs",
    "anthropic.cost_report.bad_amount.json": "anthropic_costs",
}


def detected(path) -> str | None:
    (src,) = discover([path])
    found = registry.detect(src)
    return found.name if found else None


@pytest.mark.parametrize(("name", "ingester"), sorted(EXPECTED.items()))
def test_each_case_is_claimed_by_its_ingester(name, ingester):
    assert detected(CASES / name) == ingester


def test_claude_code_session_files():
    for src in discover([CASES / "anthropic.claude_code.sample", CASES / "anthropic.claude_code.dedup"]):
        assert registry.detect(src).name == "claude_code", src.path


@pytest.mark.parametrize("path", sorted((REPO / "sample_logs").glob("*")), ids=lambda p: p.name)
def test_native_sample_logs_stay_native(path):
    assert detected(path) == "native"


def test_native_records_that_look_like_provider_data_stay_native(tmp_path):
    records = [
        {
            "ts": "2025-08-21T10:00:00Z",
            "model": "claude-sonnet-4-5",
            "usage": case("anthropic.message.cache.json")["usage"],
        },
        {
            "ts": "2025-08-21T10:00:00Z",
            "request_id": "3c9a1f7e",
            "model": "gpt-4o",
            "input_tokens": 1,
            "output_tokens": 1,
            "session_id": "s",
            "custom_id": "c",
            "data": [1],
        },
    ]
    assert detected(write_jsonl(tmp_path / "app.jsonl", records)) == "native"
    csv = tmp_path / "gateway.csv"
    csv.write_text(
        "ts,request_id,model,input_tokens,output_tokens,spend\n2025-08-21T10:00:00Z,r1,gpt-4o,1,1,0.1\n"
    )
    assert detected(csv) == "native"


def test_documents_larger_than_the_sniffed_head(tmp_path):
    big_text = "x" * 70_000
    chat = case("openai.chat.reasoning.json")
    chat["choices"][0]["message"]["content"] = big_text
    (tmp_path / "chat.json").write_text(json.dumps(chat, indent=2))
    assert detected(tmp_path / "chat.json") == "raw_response"
    spans = json.loads((CASES / "otel.genai_spans.sample.json").read_text())
    scope = spans["resourceSpans"][0]["scopeSpans"][0]
    scope["spans"] = scope["spans"] * 200
    (tmp_path / "spans.json").write_text(json.dumps(spans, indent=2))
    assert (tmp_path / "spans.json").stat().st_size > 64 * 1024
    assert detected(tmp_path / "spans.json") == "otel"
    page = json.loads((CASES / "openai.usage_completions.sample.json").read_text())
    page["data"] = page["data"] * 60
    (tmp_path / "usage.json").write_text(json.dumps(page, indent=2))
    assert (tmp_path / "usage.json").stat().st_size > 64 * 1024
    assert detected(tmp_path / "usage.json") == "openai_usage"


def test_a_folder_with_a_link_loop_a_dangling_link_and_a_pipe_gives_its_one_log(tmp_path):
    log = tmp_path / "logs" / "a" / "app.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text('{"request_id": "r1"}\n')
    (log.parent / "back").symlink_to(tmp_path / "logs")  # a link back up the tree
    (log.parent / "gone.jsonl").symlink_to(tmp_path / "nowhere.jsonl")
    os.mkfifo(log.parent / "pipe.jsonl")  # reading it would wait forever
    assert [s.path for s in discover([tmp_path / "logs"])] == [log]
    with pytest.raises(InputError, match="not a regular file"):
        discover([log.parent / "pipe.jsonl"])


def test_a_file_whose_name_is_not_utf8_is_skipped_with_its_name_and_the_rest_is_read(tmp_path):
    from llmfinops.ingest.pipeline import ingest_paths
    from llmfinops.store import Warehouse

    folder = tmp_path / "logs"
    folder.mkdir()
    record = (
        '{"request_id": "%s", "ts": "2026-10-05T10:00:00Z", "model": "gpt-4o-mini", '
        '"input_tokens": 1, "output_tokens": 1}\n'
    )
    (folder / "ok.jsonl").write_text(record % "r1")
    # a Latin-1 name, as an archive made on Windows may carry
    with open(os.fsencode(folder) + b"/caf\xe9.jsonl", "w") as out:
        out.write(record % "r2")
    summary = ingest_paths(Warehouse.at(tmp_path / "wh"), [folder])
    assert summary.stored == 1
    assert summary.warnings == [
        "1 file(s) skipped: their names are not UTF-8, which the reader cannot open; rename them to read "
        f"them: {folder}/caf\\xe9.jsonl"
    ]
