"""Reading files as lines: line numbers and line text do not depend on chunking or line ends."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import rows, write_jsonl

from llmfinops import ingest_paths
from llmfinops.ingest.lines import line_chunks
from llmfinops.store import Warehouse

LINES = [
    b'{"a": 1}',
    b"",
    b"   ",
    b'{"b": "x\\u00e9y"}',
    b'{"c": [1, 2, 3], "d": {"e": null}}',
    b"not json",
    b'{"last": true}',
]


def read_all(path: Path, **kw) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for chunk in line_chunks(path, **kw):
        out.extend(
            zip(chunk.lines.column("line_no").to_pylist(), chunk.lines.column("raw").to_pylist(), strict=True)
        )
    return out


@pytest.mark.parametrize("ending", [b"\n", b"\r\n"])
@pytest.mark.parametrize("final_newline", [True, False])
def test_lines_are_the_text_between_line_ends(tmp_path: Path, ending: bytes, final_newline: bool) -> None:
    path = tmp_path / "f.jsonl"
    path.write_bytes(ending.join(LINES) + (ending if final_newline else b""))
    expected = [(i + 1, line.decode()) for i, line in enumerate(LINES)]
    assert read_all(path) == expected
    # Chunks of a few bytes cut most lines across reads: the result is the same.
    for size in (1, 7, 33):
        assert read_all(path, chunk_bytes=size) == expected


def test_lone_cr_is_whitespace_and_bad_utf8_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    path.write_bytes(b'{"a":\r1}\n{"b": "\xff"}\n{"c": 3}\n')
    assert read_all(path) == [(1, '{"a": 1}'), (2, '{"b": "\ufffd"}'), (3, '{"c": 3}')]


def test_crlf_log_ingests_like_lf(tmp_path: Path) -> None:
    records = [
        {
            "request_id": f"r{i}",
            "ts": "2026-10-01T10:00:00Z",
            "model": "gpt-4o-mini",
            "input_tokens": 100 + i,
            "output_tokens": 10,
        }
        for i in range(3)
    ]
    lf = write_jsonl(tmp_path / "lf.jsonl", records)
    crlf = tmp_path / "crlf.jsonl"
    crlf.write_bytes(lf.read_bytes().replace(b"\n", b"\r\n"))
    results = []
    for path in (lf, crlf):
        wh = Warehouse(tmp_path / f"wh-{path.stem}")
        summary = ingest_paths(wh, [path])
        assert summary.quarantined_total == 0
        results.append(rows(wh, "SELECT call_id, input_tokens, cost_usd FROM calls ORDER BY call_id"))
    assert results[0] == results[1]
    assert [r["input_tokens"] for r in results[0]] == [100, 101, 102]


def test_balanced_chunks_cut_a_file_into_whole_rounds():
    from llmfinops.ingest.lines import CHUNK_BYTES, balanced_chunk_bytes

    mb = 1024 * 1024
    # 356 MB with two workers: 6 chunks of 59.34 MB (3 rounds), not five of 64 MB and one of 36
    assert balanced_chunk_bytes(356 * mb, 2) == -(-356 * mb // 6)
    # 100 MB: two chunks of 50 MB (one round), not 64 + 36
    assert balanced_chunk_bytes(100 * mb, 2) == 50 * mb
    # a file within one chunk, or no workers known: the usual size
    assert balanced_chunk_bytes(10 * mb, 2) == CHUNK_BYTES
    assert balanced_chunk_bytes(356 * mb, 0) == CHUNK_BYTES
