"""A store written by the previous release keeps working after the pricing-fidelity upgrade.

The previous release (main at 5b18350) wrote day files with exactly the 32 columns listed in
PARENT_COLUMNS below. The store here is built by an ingest and its day files are then rewritten
with that column list, as the parent commit wrote them (checked against a store built by
`git worktree add … 5b18350` when this test was written: same Parquet schema).
"""

from __future__ import annotations

import pyarrow.parquet as pq
from helpers import rows, write_jsonl

from llmfinops.config import Config
from llmfinops.ingest.pipeline import ingest_paths
from llmfinops.pricing.reprice import reprice
from llmfinops.store.compat import ADDED_COLUMNS

PARENT_COLUMNS = [
    "call_id",
    "ts",
    "provider",
    "model",
    "model_tier",
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cost_usd",
    "cost_source",
    "price_version",
    "user_id",
    "user_tier",
    "team",
    "feature",
    "task_id",
    "action_id",
    "session_id",
    "step",
    "status",
    "task_outcome",
    "response_cache_hit",
    "batch",
    "latency_ms",
    "prompt_version",
    "source",
    "source_file",
    "tags",
]

# gemini-2.5-flash with 100 audio prompt tokens of 1,000: genai-prices 0.2.3 google/gemini-2.5-flash
# $0.30 text in, $1.00 audio in, $2.50 out: 900*0.3 + 100*1 + 10*2.5 = 270 + 100 + 25 = 395 -> $0.000395
AUDIO_CALL = {
    "ts": "2026-11-16T10:00:00Z",
    "call_id": "old-1",
    "model": "gemini-2.5-flash",
    "usage": {
        "promptTokenCount": 1000,
        "candidatesTokenCount": 10,
        "promptTokensDetails": [
            {"modality": "TEXT", "tokenCount": 900},
            {"modality": "AUDIO", "tokenCount": 100},
        ],
    },
}
# gpt-4o-mini $0.15 in, $0.60 out: 100*0.15 + 10*0.6 = 15 + 6 = 21 -> $0.000021
NEW_CALL = {
    "ts": "2026-11-17T10:00:00Z",
    "call_id": "new-1",
    "model": "gpt-4o-mini",
    "input_tokens": 100,
    "output_tokens": 10,
}


def downgrade_day_files(warehouse) -> int:
    """Rewrite every day file with the parent release's columns only."""
    files = [f for fs in warehouse.day_files().values() for f in fs]
    for f in files:
        table = pq.read_table(f).select(PARENT_COLUMNS)
        pq.write_table(table, f, compression="zstd")
    return len(files)


def test_parent_store_reads_new_columns_as_null_and_ingest_says_once(warehouse, tmp_path):
    old_log = write_jsonl(tmp_path / "old.jsonl", [AUDIO_CALL])
    ingest_paths(warehouse, [old_log])
    assert downgrade_day_files(warehouse) == 1
    assert set(ADDED_COLUMNS).isdisjoint(pq.read_schema(warehouse.day_files()["2026-11-16"][0]).names)

    # the parent's day file reads the new columns as NULL; its stored cost is left as it was
    (old,) = rows(
        warehouse, "SELECT cost_usd, catalog_cost_usd, price_flags, extra_units, service_tier FROM calls"
    )
    assert old == {
        "cost_usd": 395e-6,
        "catalog_cost_usd": None,
        "price_flags": None,
        "extra_units": None,
        "service_tier": None,
    }

    # a new day: stored with the new columns; the notice comes once, not on every nightly run
    first = ingest_paths(warehouse, [write_jsonl(tmp_path / "new.jsonl", [NEW_CALL])])
    notices = [w for w in first.warnings if "--full" in w]
    assert len(notices) == 1 and "1 day files" in notices[0] and "catalog_cost_usd" in notices[0]
    second = ingest_paths(
        warehouse, [write_jsonl(tmp_path / "newer.jsonl", [{**NEW_CALL, "call_id": "new-2"}])]
    )
    assert not [w for w in second.warnings if "--full" in w]

    got = rows(warehouse, "SELECT call_id, catalog_cost_usd, price_flags FROM calls ORDER BY call_id")
    assert [(r["call_id"], r["price_flags"]) for r in got] == [("new-1", []), ("new-2", []), ("old-1", None)]
    assert got[0]["catalog_cost_usd"] == 21e-6

    # metrics over the mixed store: the old row is neither unpriced nor partly priced
    (spend,) = rows(
        warehouse,
        "FROM metric_spend(TIMESTAMPTZ '2026-11-16', TIMESTAMPTZ '2026-11-18', group_by := 'none')",
    )
    assert (spend["calls"], spend["unpriced_calls"], spend["partially_priced_calls"]) == (3, 0, 0)

    # `ingest --full` re-reads the logs: the old call gets its audio unit and the audio price
    full = ingest_paths(warehouse, [old_log, tmp_path / "new.jsonl", tmp_path / "newer.jsonl"], full=True)
    assert (full.stored, full.duplicates, full.replaced) == (0, 3, 3)  # nothing new, 3 re-written
    (refilled,) = rows(
        warehouse,
        "SELECT cost_usd, catalog_cost_usd, price_flags, extra_units FROM calls WHERE call_id = 'old-1'",
    )
    assert refilled == {
        "cost_usd": 395e-6,
        "catalog_cost_usd": 395e-6,
        "price_flags": [],
        "extra_units": {"audio_input_tokens": 100},
    }
    assert [r["n"] for r in rows(warehouse, "SELECT count(*) AS n FROM calls")] == [3]  # each call once


def test_reprice_upgrades_a_parent_store(warehouse, tmp_path):
    ingest_paths(warehouse, [write_jsonl(tmp_path / "old.jsonl", [NEW_CALL])])
    downgrade_day_files(warehouse)
    result = reprice(warehouse, Config())
    assert result.rows == 1
    (row,) = rows(warehouse, "SELECT cost_usd, catalog_cost_usd, price_flags, extra_units FROM calls")
    # priced again from its tokens: 100*0.15 + 10*0.6 = 21; no extra units were stored by the parent
    assert (row["cost_usd"], row["catalog_cost_usd"], row["price_flags"], row["extra_units"]) == (
        21e-6,
        21e-6,
        [],
        None,
    )
    assert all(
        set(ADDED_COLUMNS) <= set(pq.read_schema(f).names)
        for fs in warehouse.day_files().values()
        for f in fs
    )
