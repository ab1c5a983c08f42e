"""Small session files read by DuckDB itself store exactly what the Python line reader stores.

The same generated projects folder - plain session files, resumed sessions and subagents, plus
the awkward ones the direct reader hands back to Python (CRLF, a byte-order mark, gzip, invalid
UTF-8, a malformed line, a too-deeply-nested line) - is ingested twice, once with the direct
read turned off; calls, quarantine and the files manifest must be equal row for row.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import duckdb
import pytest
from helpers import REPO

from llmfinops.ingest import batching
from llmfinops.ingest.pipeline import ingest_paths
from llmfinops.store import Warehouse

sys.path.insert(0, str(REPO / "benchmarks"))
from bench_claude_code import make_projects  # the benchmark's generator


def _awkward(projects: Path) -> None:
    folder = projects / "-home-dev-work-odd"
    folder.mkdir(parents=True)
    plain = next(projects.rglob("*.jsonl")).read_bytes()
    lines = plain.splitlines()
    (folder / "crlf.jsonl").write_bytes(b"\r\n".join(lines) + b"\r\n")
    (folder / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines[:20]) + b"\n")
    (folder / "zipped.jsonl.gz").write_bytes(gzip.compress(b"\n".join(lines[20:40]) + b"\n"))
    (folder / "latin1.jsonl").write_bytes(b"\n".join(lines[:10]) + b'\n{"x": "caf\xe9"}\n')
    broken = [*lines[:5], b'{"type": "assistant", "message": {', *lines[5:12]]
    (folder / "broken.jsonl").write_bytes(b"\n".join(broken))  # no final newline either
    deep = json.dumps({"type": "user", "sessionId": "s", "parentUuid": None, "x": "[" * 3}).encode()
    nested = b'{"type": "user", "x": ' + b"[" * 1500 + b"]" * 1500 + b"}"
    (folder / "deep.jsonl").write_bytes(b"\n".join([*lines[:8], deep, nested, *lines[8:12]]) + b"\n")
    (folder / "empty.jsonl").write_bytes(b"")


def _snapshot(root: Path, tmp: Path, direct: bool, monkeypatch) -> Path:
    monkeypatch.setattr(batching, "DIRECT_READ", direct)
    wh = Warehouse.at(tmp / f"wh-{direct}")
    summary = ingest_paths(wh, [root / "projects"])
    assert summary.files_read > 0
    return wh.root


def _table(con: duckdb.DuckDBPyConnection, root: Path, kind: str) -> str:
    files = sorted(str(p) for p in root.glob(f"generations/*/{kind}"))
    return f"read_parquet({files!r}, union_by_name = true)"


def test_direct_read_stores_the_same_rows_as_the_line_reader(tmp_path, monkeypatch):
    counts = make_projects(tmp_path, 3_000)
    assert counts["subagent"] and counts["resumed"]
    _awkward(tmp_path / "projects")
    python_read = _snapshot(tmp_path, tmp_path, False, monkeypatch)
    direct_read = _snapshot(tmp_path, tmp_path, True, monkeypatch)
    con = duckdb.connect()
    for kind, drop in (
        ("day=*/*.parquet", ""),
        ("_quarantine.parquet", " EXCLUDE (run_at)"),
        ("_files.parquet", ""),
    ):
        a = f"SELECT *{drop} FROM {_table(con, python_read, kind)}"
        b = f"SELECT *{drop} FROM {_table(con, direct_read, kind)}"
        total, only_a, only_b = con.execute(
            f"SELECT (SELECT count(*) FROM ({a})), (SELECT count(*) FROM ({a} EXCEPT ALL {b})), "
            f"(SELECT count(*) FROM ({b} EXCEPT ALL {a}))"
        ).fetchall()[0]
        assert (only_a, only_b) == (0, 0), kind
        assert total > 0, kind
    reasons = dict(
        con.execute(
            f"SELECT reason, count(*) FROM {_table(con, direct_read, '_quarantine.parquet')} GROUP BY ALL"
        ).fetchall()
    )
    # broken.jsonl line 6 and deep.jsonl line 10; latin1's last line is JSON once its byte is
    # replaced, and not a call (no assistant message): skipped, not quarantined
    assert reasons == {"malformed JSON": 1, "too deeply nested": 1}


@pytest.mark.parametrize("direct", [True, False])
def test_resumed_and_streamed_copies_count_once_either_way(tmp_path, monkeypatch, direct):
    make_projects(tmp_path, 2_000)
    root = _snapshot(tmp_path, tmp_path, direct, monkeypatch)
    con = duckdb.connect()
    dup = con.execute(
        f"SELECT count(*) - count(DISTINCT call_id) FROM {_table(con, root, 'day=*/*.parquet')}"
    ).fetchall()[0][0]
    assert dup == 0
