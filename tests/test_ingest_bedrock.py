"""AWS Bedrock model-invocation logs: one pretty record, records per line, concatenated, gzipped.

Token rule: inputTokenCount EXCLUDES cache reads and writes. Prices: the pinned catalog's aws
claude-sonnet-4 ($3 in, $0.30 cache read, $3.75 cache write, $15 out per MTok).
"""

from __future__ import annotations

import gzip
import json

import pytest
from helpers import CASES, rows

from llmfinops.ingest.pipeline import ingest_paths

SAMPLE = CASES / "aws.bedrock_log.sample.json"
RECORDS = CASES / "aws.bedrock_log.records.jsonl"


def test_sample_record(warehouse):
    summary = ingest_paths(warehouse, [SAMPLE])
    assert (summary.stored, summary.quarantined_total) == (1, 0)
    (row,) = rows(warehouse)
    assert (row["call_id"], row["ts"].isoformat()) == (
        "3c9a1f7e-5b2d-4e8a-9c61-0d4b7e2f8a15",
        "2025-08-21T10:42:17+00:00",
    )
    # "us.anthropic.claude-sonnet-4-20250514-v1:0" -> the vendor's model id
    assert (row["provider"], row["model"], row["source"]) == ("aws", "claude-sonnet-4-20250514", "bedrock")
    # 27 uncached + 0 cache read + 4310 cache write = 4337 input tokens
    assert (row["input_tokens"], row["cached_input_tokens"], row["cache_write_tokens"]) == (4337, 0, 4310)
    assert row["output_tokens"] == 212
    # 27*3 + 4310*3.75 + 212*15 = 81 + 16162.5 + 3180 = 19423.5 -> $0.0194235
    assert row["cost_usd"] == pytest.approx(0.0194235)
    assert (row["team"], row["feature"], row["latency_ms"], row["status"]) == (
        "sre-platform",
        "runbook-summary",
        3184.0,
        "ok",
    )
    assert (
        row["tags"]["identity.arn"]
        == "arn:aws:sts::123456789012:assumed-role/support-bot-ecs-task/9f2c6d1e8a7b4c3d"
    )
    assert row["tags"]["tenant_id"] == "acme-corp"
    assert (row["tags"]["region"], row["tags"]["inference_region"]) == ("us-east-1", "us-west-2")


def test_missing_and_null_optional_fields_and_a_failed_invocation(warehouse):
    summary = ingest_paths(warehouse, [RECORDS])
    assert (summary.stored, summary.quarantined_total) == (2, 0)
    minimal, throttled = rows(warehouse)
    # ARN of an inference profile -> model; cacheReadInputTokenCount null, no cache write, no metadata
    assert (minimal["model"], minimal["input_tokens"], minimal["cached_input_tokens"]) == (
        "claude-sonnet-4-20250514",
        1000,
        0,
    )
    # 1000*3 + 100*15 = 3000 + 1500 = 4500 -> $0.0045
    assert minimal["cost_usd"] == pytest.approx(0.0045)
    assert "identity.arn" not in minimal["tags"]
    # errorCode set, no token counts: stored as an error with zero tokens, costing nothing
    assert (throttled["status"], throttled["input_tokens"], throttled["output_tokens"]) == ("error", 0, 0)
    assert throttled["cost_usd"] == 0
    assert (throttled["feature"], throttled["user_id"]) == ("runbook-summary", "u_ops_7")
    assert throttled["tags"]["error_code"] == "ThrottlingException"


@pytest.mark.parametrize("layout", ["concatenated", "lines"])
def test_gzipped_files_with_several_records(warehouse, tmp_path, layout):
    records = [json.loads(SAMPLE.read_text())] + [
        json.loads(line) for line in RECORDS.read_text().splitlines()
    ]
    if layout == "concatenated":  # pretty-printed records one after another, as some exports write them
        text = "".join(json.dumps(r, indent=2) for r in records)
    else:
        text = "".join(json.dumps(r) + "\n" for r in records)
    path = tmp_path / "AWSLogs" / "123456789012" / "BedrockModelInvocationLogs" / "part.json.gz"
    path.parent.mkdir(parents=True)
    path.write_bytes(gzip.compress(text.encode()))
    summary = ingest_paths(warehouse, [path])
    assert (summary.stored, summary.quarantined_total) == (3, 0)
    # $0.0194235 + $0.0045 + $0 = $0.0239235
    (total,) = rows(warehouse, "SELECT sum(cost_usd) AS c FROM calls")
    assert total["c"] == pytest.approx(0.0239235)


def test_record_without_timestamp_is_quarantined(warehouse, tmp_path):
    record = json.loads(SAMPLE.read_text())
    del record["timestamp"]
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record))
    summary = ingest_paths(warehouse, [path])
    assert (summary.stored, summary.quarantined) == (0, {"missing ts": 1})
