"""How the native format reads the values applications actually log: statuses, outcomes, flags."""

from __future__ import annotations

import pytest
from helpers import rows

from llmfinops.ingest.pipeline import ingest_paths

BASE = {"ts": "2026-11-16T10:00:00Z", "model": "gpt-4o-mini", "input_tokens": 10, "output_tokens": 1}


@pytest.mark.parametrize(
    ("logged", "status"),
    [
        ("ok", "ok"),
        ("success", "ok"),
        ("200", "ok"),
        (None, "ok"),
        ("ERROR", "error"),
        ("failed", "error"),
        ("timeout", "error"),
        ("503", "error"),
        ("canceled", "error"),
    ],
)
def test_status(warehouse, jsonl, logged, status):
    ingest_paths(warehouse, [jsonl([{**BASE, "status": logged}])])
    assert rows(warehouse)[0]["status"] == status


@pytest.mark.parametrize(
    ("logged", "outcome"),
    [
        ("success", "success"),
        ("Succeeded", "success"),
        ("completed", "success"),
        ("failure", "failure"),
        ("error", "failure"),
        ("timeout", "failure"),
        ("maybe", None),
        (None, None),
    ],
)
def test_task_outcome(warehouse, jsonl, logged, outcome):
    ingest_paths(warehouse, [jsonl([{**BASE, "task_outcome": logged}])])
    assert rows(warehouse)[0]["task_outcome"] == outcome


@pytest.mark.parametrize(
    ("logged", "flag"), [(True, True), ("true", True), (1, True), (False, False), (None, False)]
)
def test_boolean_flags(warehouse, jsonl, logged, flag):
    ingest_paths(warehouse, [jsonl([{**BASE, "batch": logged, "cache_hit": logged}])])
    row = rows(warehouse)[0]
    assert (row["batch"], row["response_cache_hit"]) == (flag, flag)


def test_provider_is_normalised_or_inferred(warehouse, jsonl):
    ingest_paths(
        warehouse,
        [
            jsonl(
                [
                    {**BASE, "request_id": "a", "provider": "OpenAI"},
                    {**BASE, "request_id": "b", "model": "claude-3-5-haiku-20241022"},
                    {**BASE, "request_id": "c", "model": "models/gemini-2.5-flash"},
                    {
                        **BASE,
                        "request_id": "d",
                        "provider": "bedrock",
                        "model": "us.anthropic.claude-sonnet-4-20250514-v1:0",
                    },
                ]
            )
        ],
    )
    got = {r["call_id"]: (r["provider"], r["model"]) for r in rows(warehouse)}
    assert got == {
        "a": ("openai", "gpt-4o-mini"),
        "b": ("anthropic", "claude-3-5-haiku-20241022"),
        "c": ("google", "gemini-2.5-flash"),
        "d": ("aws", "claude-sonnet-4-20250514"),
    }
