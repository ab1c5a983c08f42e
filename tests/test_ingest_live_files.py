"""Logs that are still being written: an ingest from cron can catch a file's last line half-written.

A last line without its line end is read as it stands (a record that is complete is stored at
once), but a later run of the grown file reads it again, whole: a record written in two flushes
is stored, and the quarantine row of its first half goes. Before, the two halves were each
quarantined as malformed JSON and the record was lost.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import rows

from llmfinops.ingest import batching
from llmfinops.ingest.pipeline import ingest_paths
from llmfinops.store import Warehouse


def _native(i: int) -> str:
    return json.dumps(
        {
            "request_id": f"r{i}",
            "ts": "2026-10-05T10:00:00Z",
            "model": "gpt-4o-mini",
            "input_tokens": 1000 * (i + 1),
            "output_tokens": 10,
        }
    )


def _claude(i: int) -> str:
    return json.dumps(
        {
            "type": "assistant",
            "sessionId": "s1",
            "parentUuid": None,
            "timestamp": "2025-06-11T11:29:53.782Z",
            "requestId": f"req_{i}",
            "message": {
                "id": f"msg_{i}",
                "model": "claude-sonnet-4-20250514",
                "usage": {"input_tokens": 10 * (i + 1), "output_tokens": 5},
            },
        }
    )


def _stored(wh: Warehouse) -> list[tuple[str, int]]:
    return [
        (r["call_id"], r["input_tokens"])
        for r in rows(wh, "SELECT call_id, input_tokens FROM calls ORDER BY 1")
    ]


def _quarantine(wh: Warehouse) -> list[tuple[str, int, str]]:
    return [(r["source_file"], r["line"], r["reason"]) for r in rows(wh, "FROM quarantine ORDER BY line")]


def _manifest(wh: Warehouse, path: Path) -> tuple[int, int]:
    got = rows(wh, "SELECT bytes_read, lines_read FROM ingested_files WHERE path = $p", {"p": str(path)})
    return got[0]["bytes_read"], got[0]["lines_read"]


def test_a_record_written_in_two_flushes_is_stored_once_the_writer_finishes_it(tmp_path):
    log = tmp_path / "app.jsonl"
    whole = [_native(i) for i in range(5)]
    first = "\n".join(whole[:3]) + "\n"
    log.write_text(first + whole[3][:30])  # the 4th record cut off mid-write
    wh = Warehouse.at(tmp_path / "wh")

    ingest_paths(wh, [log])
    assert _stored(wh) == [("r0", 1000), ("r1", 2000), ("r2", 3000)]
    assert _quarantine(wh) == [(str(log), 4, "malformed JSON")]
    assert _manifest(wh, log) == (len(first), 3)  # the next run starts at line 4

    with log.open("a") as out:
        out.write(whole[3][30:] + "\n" + whole[4] + "\n")
    summary = ingest_paths(wh, [log])
    assert (summary.records_read, summary.stored, summary.duplicates) == (2, 2, 0)
    assert _stored(wh) == [("r0", 1000), ("r1", 2000), ("r2", 3000), ("r3", 4000), ("r4", 5000)]
    assert _quarantine(wh) == []  # line 4 was read again, whole
    assert _manifest(wh, log) == (log.stat().st_size, 5)


def test_a_last_record_without_a_line_end_is_stored_and_not_counted_twice(tmp_path):
    log = tmp_path / "app.jsonl"
    log.write_text(_native(0) + "\n" + _native(1))  # complete, but no final newline
    wh = Warehouse.at(tmp_path / "wh")
    ingest_paths(wh, [log])
    assert _stored(wh) == [("r0", 1000), ("r1", 2000)]
    assert ingest_paths(wh, [log]).files_unchanged == 1  # nothing new: not read again

    with log.open("a") as out:  # the writer ends the line and goes on
        out.write("\n" + _native(2) + "\n")
    summary = ingest_paths(wh, [log])
    assert (summary.records_read, summary.stored, summary.duplicates) == (2, 1, 1)  # r1 again, r2
    assert _stored(wh) == [("r0", 1000), ("r1", 2000), ("r2", 3000)]
    assert _quarantine(wh) == []


@pytest.mark.parametrize("direct", [True, False])
def test_a_session_line_caught_half_written_is_read_whole_next_time(tmp_path, monkeypatch, direct):
    monkeypatch.setattr(batching, "DIRECT_READ", direct)
    session = tmp_path / "projects" / "-home-dev-app" / "s1.jsonl"
    session.parent.mkdir(parents=True)
    lines = [_claude(i) for i in range(3)]
    session.write_text(lines[0] + "\n" + lines[1][:40])
    wh = Warehouse.at(tmp_path / "wh")

    ingest_paths(wh, [tmp_path / "projects"])
    assert _stored(wh) == [("msg_0:req_0", 10)]
    assert _quarantine(wh) == [(str(session), 2, "malformed JSON")]
    assert _manifest(wh, session) == (len(lines[0]) + 1, 1)

    with session.open("a") as out:
        out.write(lines[1][40:] + "\n" + lines[2] + "\n")
    ingest_paths(wh, [tmp_path / "projects"])
    assert _stored(wh) == [("msg_0:req_0", 10), ("msg_1:req_1", 20), ("msg_2:req_2", 30)]
    assert _quarantine(wh) == []
    assert _manifest(wh, session) == (session.stat().st_size, 3)


def _three_files(folder: Path, name: str, record) -> list[Path]:
    """Three one-record files, ``name`` formatted with 0, 1, 2, holding ``record(i)``."""
    folder.mkdir(parents=True)
    files = [folder / name.format(i) for i in range(3)]
    for i, path in enumerate(files):
        path.write_text(record(i) + "\n")
    return files


def _three_sessions(folder: Path) -> list[Path]:
    return _three_files(folder, "s{}.jsonl", _claude)


def _three_logs(folder: Path) -> list[Path]:
    return _three_files(folder, "app-{}.jsonl", _native)


def test_a_log_rotated_away_before_it_is_sniffed_is_named_and_the_rest_stored(tmp_path, monkeypatch):
    from llmfinops.ingest import planning

    logs = _three_logs(tmp_path / "logs")
    found = planning.discover

    def discover_then_rotate(paths):
        files = found(paths)
        logs[1].rename(tmp_path / "app-1.jsonl.1")  # logrotate, between finding and reading
        return files

    monkeypatch.setattr(planning, "discover", discover_then_rotate)
    wh = Warehouse.at(tmp_path / "wh")
    summary = ingest_paths(wh, [tmp_path / "logs"])
    assert summary.files_vanished == [str(logs[1])]
    assert summary.files_read == 2
    assert any(str(logs[1]) in w and "gone before they could be read" in w for w in summary.warnings)
    assert _stored(wh) == [("r0", 1000), ("r2", 3000)]
    assert str(logs[1]) not in {r["path"] for r in rows(wh, "SELECT path FROM ingested_files")}


@pytest.mark.parametrize("direct", [True, False])
def test_a_session_file_gone_before_its_batch_is_read_is_named_and_the_rest_stored(
    tmp_path, monkeypatch, direct
):
    monkeypatch.setattr(batching, "DIRECT_READ", direct)
    sessions = _three_sessions(tmp_path / "projects" / "-home-dev-app")
    add = batching.SmallFiles.add

    def rotated_first(self, src, *args, **kwargs):
        if src.path == sessions[0]:
            sessions[0].unlink()  # sniffed, then rotated away before it is read
        return add(self, src, *args, **kwargs)

    monkeypatch.setattr(batching.SmallFiles, "add", rotated_first)
    wh = Warehouse.at(tmp_path / "wh")
    summary = ingest_paths(wh, [tmp_path / "projects"])
    assert summary.files_vanished == [str(sessions[0])]
    assert summary.files_read == 2
    assert _stored(wh) == [("msg_1:req_1", 20), ("msg_2:req_2", 30)]


def test_a_large_log_gone_before_it_is_opened_is_named_and_the_rest_stored(tmp_path, monkeypatch):
    from llmfinops.ingest import native

    monkeypatch.setattr(batching, "SMALL_FILE_BYTES", 0)  # each file read on its own, as a large one is
    logs = _three_logs(tmp_path / "logs")
    read = native.INGESTER.read

    def rotated_first(src, ctx):
        if src.path == logs[2]:
            logs[2].unlink()
        return read(src, ctx)

    monkeypatch.setattr(native.INGESTER, "read", rotated_first)
    wh = Warehouse.at(tmp_path / "wh")
    summary = ingest_paths(wh, [tmp_path / "logs"])
    assert summary.files_vanished == [str(logs[2])]
    assert _stored(wh) == [("r0", 1000), ("r1", 2000)]


def test_a_session_file_gone_while_duckdb_reads_its_group_is_named_and_the_rest_stored(tmp_path, monkeypatch):
    from llmfinops.ingest import claude_code

    sessions = _three_sessions(tmp_path / "projects" / "-home-dev-app")
    stage = claude_code.ClaudeCodeIngester.stage_text_lines

    def gone_between_check_and_read(self, ctx):
        if sessions[1].exists():
            sessions[1].unlink()  # after the group's lines were counted, before they are staged
        return stage(self, ctx)

    monkeypatch.setattr(claude_code.ClaudeCodeIngester, "stage_text_lines", gone_between_check_and_read)
    wh = Warehouse.at(tmp_path / "wh")
    summary = ingest_paths(wh, [tmp_path / "projects"])
    assert summary.files_vanished == [str(sessions[1])]
    assert _stored(wh) == [("msg_0:req_0", 10), ("msg_2:req_2", 30)]
