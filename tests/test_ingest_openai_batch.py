"""OpenAI Batch API output files: one call per output line, batch-priced; failed requests quarantined.

Expected values are worked by hand from the fixtures (tests/cases/openai.batch_*) and the pinned
catalog's list prices; the batch discount is the default 50% for openai.
"""

from __future__ import annotations

import pytest
from helpers import CASES, rows

from llmfinops.ingest import registry
from llmfinops.ingest.pipeline import ingest_paths
from llmfinops.ingest.sources import discover


def test_sample_output_lines_become_batch_calls(warehouse):
    summary = ingest_paths(warehouse, [CASES / "openai.batch_output.sample.jsonl"])
    assert (summary.stored, summary.quarantined_total) == (2, 0)
    first, second = rows(warehouse)
    # call_id is response.request_id; ts is body.created 1755781203 = 2025-08-21T13:00:03Z
    assert first["call_id"] == "req_7d2b9c1e4f5a6b8c9d0e1f2a3b4c5d6e"
    assert first["ts"].isoformat() == "2025-08-21T13:00:03+00:00"
    assert (first["provider"], first["model"], first["batch"], first["source"]) == (
        "openai",
        "gpt-4o-mini-2024-07-18",
        True,
        "openai_batch",
    )
    assert (first["input_tokens"], first["cached_input_tokens"], first["output_tokens"]) == (612, 0, 11)
    # gpt-4o-mini: $0.15 in, $0.075 cached, $0.60 out per MTok; batch halves it
    # (612*0.15 + 11*0.60) / 1e6 * 0.5 = (91.8 + 6.6) / 1e6 * 0.5 = $0.0000492
    assert first["cost_usd"] == pytest.approx(0.0000492)
    assert first["tags"]["custom_id"] == "ticket-4821"
    assert first["tags"]["batch_request_id"] == "batch_req_68a6e0f1b2c34d5e6f708192a3b4c5d6"
    # prompt_tokens 1544 includes cached 1024:
    # ((1544-1024)*0.15 + 1024*0.075 + 10*0.60) / 1e6 * 0.5 = (78 + 76.8 + 6) / 1e6 * 0.5 = $0.0000804
    assert (second["input_tokens"], second["cached_input_tokens"], second["output_tokens"]) == (
        1544,
        1024,
        10,
    )
    assert second["cost_usd"] == pytest.approx(0.0000804)


def test_failed_requests_are_quarantined_not_invented(warehouse):
    summary = ingest_paths(warehouse, [CASES / "openai.batch_output.errors.jsonl"])
    (row,) = rows(warehouse)
    # A Responses API body: call_id from response.request_id, ts from body.created_at 1755790000
    assert row["call_id"] == "req_aa01"
    assert row["ts"].isoformat() == "2025-08-21T15:26:40+00:00"
    assert (row["input_tokens"], row["cached_input_tokens"]) == (2000, 512)
    assert (row["output_tokens"], row["reasoning_tokens"]) == (300, 128)
    assert (row["feature"], row["team"], row["status"]) == ("nightly-summary", "docs", "ok")
    # gpt-5-mini: $0.25 in, $0.025 cached, $2.00 out
    # ((2000-512)*0.25 + 512*0.025 + 300*2) / 1e6 * 0.5 = (372 + 12.8 + 600) / 1e6 * 0.5 = $0.0004924
    assert row["cost_usd"] == pytest.approx(0.0004924)
    reasons = rows(warehouse, "SELECT line, reason FROM quarantine ORDER BY line")
    assert [(r["line"], r["reason"]) for r in reasons] == [
        (2, "batch request failed (batch_expired)"),
        (3, "batch request failed (400)"),
        (4, "malformed JSON"),
    ]
    assert summary.quarantined_total == 3


def test_batch_input_file_is_recognised_and_yields_no_calls(warehouse):
    summary = ingest_paths(warehouse, [CASES / "openai.batch_input.requests.jsonl"])
    assert (summary.files_read, summary.stored, summary.quarantined_total) == (1, 0, 0)


def test_reingesting_is_a_no_op(warehouse):
    ingest_paths(warehouse, [CASES / "openai.batch_output.sample.jsonl"])
    again = ingest_paths(warehouse, [CASES / "openai.batch_output.sample.jsonl"], full=True)
    assert (again.stored, again.duplicates) == (0, 2)
    assert len(rows(warehouse)) == 2


def test_native_batch_log_is_not_claimed(tmp_path, jsonl):
    # A native record of a batch job (custom_id, request_id) is the application's own log.
    path = jsonl(
        [
            {
                "ts": 1791766884,
                "request_id": "batch_req_0a1",
                "model": "gpt-4o-mini",
                "input_tokens": 3,
                "output_tokens": 2,
                "batch": True,
                "custom_id": "doc-000001",
            }
        ]
    )
    (src,) = discover([path])
    assert registry.detect(src).name == "native"
