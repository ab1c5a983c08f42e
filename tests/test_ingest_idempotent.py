"""Re-ingesting adds nothing; overlapping files add only what is new; a grown file is read from
where the last run stopped; splitting the input differently never changes the totals."""

from __future__ import annotations

import itertools
import json
import shutil

from helpers import rows, write_jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmfinops.ingest.pipeline import ingest_paths
from llmfinops.store import Warehouse


def rec(i: int, **kw) -> dict:
    return {
        "request_id": f"req-{i}",
        "ts": f"2026-11-{10 + i % 5:02d}T10:00:00Z",
        "model": "gpt-4o-mini",
        "input_tokens": 1000 * (i + 1),
        "output_tokens": 100 + i,
        **kw,
    }


def totals(warehouse) -> tuple:
    (t,) = rows(
        warehouse, "SELECT count(*) AS n, sum(input_tokens) AS i, round(sum(cost_usd), 10) AS c FROM calls"
    )
    return t["n"], t["i"], t["c"]


def test_same_file_twice_is_a_no_op(warehouse, jsonl):
    path = jsonl([rec(i) for i in range(10)])
    first = ingest_paths(warehouse, [path])
    generation = warehouse.current_generation()
    second = ingest_paths(warehouse, [path])
    assert (first.stored, second.stored, second.files_unchanged) == (10, 0, 1)
    assert warehouse.current_generation() == generation  # nothing was rewritten
    forced = ingest_paths(warehouse, [path], full=True)
    assert (forced.stored, forced.duplicates) == (0, 10)
    assert totals(warehouse)[0] == 10


def test_overlapping_export_adds_only_new_calls(warehouse, jsonl):
    ingest_paths(warehouse, [jsonl([rec(i) for i in range(0, 6)], name="a.jsonl")])
    summary = ingest_paths(warehouse, [jsonl([rec(i) for i in range(4, 9)], name="b.jsonl")])
    assert (summary.stored, summary.duplicates) == (3, 2)  # 6, 7, 8 new; 4, 5 already stored
    assert totals(warehouse)[0] == 9


def test_duplicates_inside_one_run_keep_the_first_copy(warehouse, jsonl):
    summary = ingest_paths(warehouse, [jsonl([rec(1, feature="first"), rec(1, feature="second")])])
    assert (summary.stored, summary.duplicates) == (1, 1)
    assert rows(warehouse)[0]["feature"] == "first"


def test_records_without_an_id_are_deduplicated_by_content(warehouse, jsonl):
    r = {k: v for k, v in rec(1).items() if k != "request_id"}
    summary = ingest_paths(warehouse, [jsonl([r, r, {**r, "output_tokens": 1}])])
    assert (summary.stored, summary.duplicates) == (2, 1)


def test_grown_file_is_read_from_where_it_stopped(warehouse, tmp_path):
    path = write_jsonl(tmp_path / "app.jsonl", [rec(0), rec(1)])
    ingest_paths(warehouse, [path])
    with open(path, "a") as fh:
        fh.write(json.dumps(rec(2)) + "\n{broken\n")
    summary = ingest_paths(warehouse, [path])
    # only the 2 appended lines were read; the broken one is line 4 of the file
    assert (summary.records_read, summary.stored) == (2, 1)
    assert [(q["line"], q["reason"]) for q in rows(warehouse, "FROM quarantine")] == [(4, "malformed JSON")]
    (manifest,) = rows(warehouse, "FROM ingested_files")
    assert (manifest["lines_read"], manifest["bytes_read"]) == (4, path.stat().st_size)


def test_rewritten_file_is_read_again_in_full(warehouse, tmp_path):
    path = write_jsonl(tmp_path / "app.jsonl", [rec(0), rec(1)])
    ingest_paths(warehouse, [path])
    write_jsonl(path, [rec(5), rec(0), rec(1), rec(6)])  # grew, but not by appending
    summary = ingest_paths(warehouse, [path])
    assert (summary.records_read, summary.stored, summary.duplicates) == (4, 2, 2)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cuts=st.lists(st.integers(min_value=0, max_value=30), max_size=4),
    twice=st.booleans(),
)
def test_splitting_the_input_never_changes_totals(tmp_path_factory, cuts, twice):
    records = [rec(i, feature=f"f{i % 3}") for i in range(30)] + [rec(3)]  # one duplicate
    base = tmp_path_factory.mktemp("split")
    one = Warehouse.at(base / "one")
    ingest_paths(one, [write_jsonl(base / "all.jsonl", records)])

    bounds = sorted({0, *cuts, len(records)})
    parts = [records[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    split = Warehouse.at(base / "split")
    for k, part in enumerate(parts):
        ingest_paths(split, [write_jsonl(base / f"part-{k}.jsonl", part)])
    if twice:
        ingest_paths(split, [base / f"part-{k}.jsonl" for k in range(len(parts))], full=True)
    assert totals(one) == totals(split)
    assert totals(one)[0] == 30
    shutil.rmtree(base)
