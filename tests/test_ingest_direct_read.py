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

from llmfinops.ingest import batching, claude_code
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


def _not_one_by_one(*args, **kwargs):
    raise AssertionError("a small grown file was read on its own")


def _call_line(session: str, ts: str) -> str:
    return json.dumps(
        {
            "type": "assistant",
            "sessionId": session,
            "parentUuid": None,
            "timestamp": ts,
            "requestId": "req_1",
            "message": {
                "id": "msg_1",
                "model": "claude-sonnet-4-20250514",
                "usage": {"input_tokens": 4, "cache_read_input_tokens": 100, "output_tokens": 37},
            },
        }
    )


@pytest.mark.parametrize("direct", [True, False])
def test_a_call_replayed_into_another_project_stays_with_the_first_file(tmp_path, monkeypatch, direct):
    # A resumed session replays its lines unchanged into a file of another project folder: the
    # copies tie on tokens and time, so the first file (by path) wins and the project tag is its own.
    projects = tmp_path / "projects"
    for name in ("-home-dev-a", "-home-dev-b", "-home-dev-c"):
        (projects / name).mkdir(parents=True)
        filler = [
            _call_line("s0", f"2025-06-11T11:{m:02d}:00.000Z").replace("msg_1", f"msg_{name}{m}")
            for m in range(30)
        ]
        (projects / name / f"{name}-session.jsonl").write_text(
            "\n".join([*filler, _call_line("s1", "2025-06-11T11:29:53.782Z")]) + "\n"
        )
    root = _snapshot(tmp_path, tmp_path, direct, monkeypatch)
    con = duckdb.connect()
    got = con.execute(
        f"SELECT tags['project'], source_file FROM {_table(con, root, 'day=*/*.parquet')} "
        "WHERE call_id = 'msg_1:req_1'"
    ).fetchall()
    assert got == [("-home-dev-a", str(projects / "-home-dev-a" / "-home-dev-a-session.jsonl"))]


def test_the_lines_of_small_files_carry_their_file_seq(tmp_path):
    from llmfinops import sqlfiles

    paths = []
    for i in range(3):
        path = tmp_path / f"s{i}.jsonl"
        path.write_text('{"a": 1}\n{"b": 2}\n')
        paths.append(str(path))
    con = duckdb.connect()
    con.execute("SET VARIABLE text_paths = $p", {"p": paths})
    con.execute("SET VARIABLE text_seqs = [7, 3, 11]")
    con.execute("SET VARIABLE text_offsets = [0, 0, 0]")
    con.execute("SET VARIABLE text_first_lines = [0, 0, 0]")
    con.execute("SET VARIABLE text_max_line_bytes = 1000000")
    con.execute("SET VARIABLE text_max_depth = 1000")
    con.execute(sqlfiles.load("lines_from_text_files"))
    got = con.execute("SELECT source_file, line_no, file_seq FROM lines ORDER BY ALL").fetchall()
    assert got == [
        (paths[0], 1, 7),
        (paths[0], 2, 7),
        (paths[1], 1, 3),
        (paths[1], 2, 3),
        (paths[2], 1, 11),
        (paths[2], 2, 11),
    ]


@pytest.mark.parametrize("direct", [True, False])
def test_grown_session_files_are_read_from_where_the_last_run_stopped(tmp_path, monkeypatch, direct):
    make_projects(tmp_path, 2_000)
    root = _snapshot(tmp_path, tmp_path, direct, monkeypatch)
    a, b = sorted((tmp_path / "projects").rglob("*.jsonl"))[:2]
    lines_a = a.read_bytes().count(b"\n")
    lines_b = b.read_bytes().count(b"\n")
    call = _call_line("s9", "2025-06-11T11:29:53.782Z")
    with a.open("a") as out:  # a call, a line cut off mid-write, another call
        out.write(call.replace("msg_1", "msg_grown_a1") + "\n")
        out.write('{"type": "assistant", "message": {\n')
        out.write(call.replace("msg_1", "msg_grown_a2") + "\n")
    with b.open("ab") as raw:  # CRLF from here on: read by the Python reader, from the offset
        raw.write(call.replace("msg_1", "msg_grown_b1").encode() + b"\r\n")
    # read with the other small files, not one staging query per grown file
    monkeypatch.setattr(claude_code.ClaudeCodeIngester, "read", _not_one_by_one)
    summary = ingest_paths(Warehouse.at(root), [tmp_path / "projects"])
    assert summary.files_read == 2
    con = duckdb.connect()
    stored = con.execute(
        f"SELECT call_id, source_file FROM {_table(con, root, 'day=*/*.parquet')} "
        "WHERE call_id LIKE 'msg_grown%' ORDER BY call_id"
    ).fetchall()
    assert stored == [
        ("msg_grown_a1:req_1", str(a)),
        ("msg_grown_a2:req_1", str(a)),
        ("msg_grown_b1:req_1", str(b)),
    ]
    quarantine = con.execute(
        f"SELECT source_file, line, reason FROM {_table(con, root, '_quarantine.parquet')}"
    ).fetchall()
    assert quarantine == [(str(a), lines_a + 2, "malformed JSON")]  # numbered on from the first run
    files = dict(
        (path, (bytes_read, lines_read))
        for path, bytes_read, lines_read in con.execute(
            f"SELECT path, bytes_read, lines_read FROM {_table(con, root, '_files.parquet')}"
        ).fetchall()
    )
    assert files[str(a)] == (a.stat().st_size, lines_a + 3)
    assert files[str(b)] == (b.stat().st_size, lines_b + 1)
