"""Bad bytes that used to lose every good record of a file: byte-order marks, huge and deeply
nested lines, CR line ends, NUL bytes, broken gzip, CSV with a BOM and quoted newlines.

Each case keeps the good records (checked by call_id), puts one quarantine row per bad line with
its file, line and reason, and shows no traceback. Big inputs are generated here in tmp_path.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from helpers import rows

from llmfinops.config import Config, parse_config
from llmfinops.errors import ConfigError
from llmfinops.ingest.lines import CORRUPT_GZIP, LineLimits, line_chunks, nesting_depth
from llmfinops.ingest.pipeline import ingest_paths


def good(name: str) -> str:
    return json.dumps(
        {
            "call_id": name,
            "ts": "2026-11-16T10:00:00Z",
            "model": "gpt-4o-mini",
            "input_tokens": 100,
            "output_tokens": 10,
        }
    )


MISSING_TS = '{"call_id": "bad", "model": "gpt-4o-mini", "input_tokens": 1, "output_tokens": 1}'


def stored_ids(warehouse) -> set[str]:
    return {r["call_id"] for r in rows(warehouse)}


def quarantine(warehouse) -> list[tuple[str, int, str]]:
    return [
        (Path(q["source_file"]).name, q["line"], q["reason"])
        for q in rows(
            warehouse, "SELECT source_file, line, reason FROM quarantine ORDER BY source_file, line"
        )
    ]


def run_cli(*args: object) -> subprocess.CompletedProcess:
    """The real command in its own process (a crash or a traceback would show here)."""
    return subprocess.run(
        [sys.executable, "-m", "llmfinops", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
    )


# --- byte-order marks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")],
    ids=["utf-8", "utf-16-le", "utf-16-be"],
)
def test_a_file_with_a_byte_order_mark_is_read_line_1_included(warehouse, tmp_path, bom, encoding):
    path = tmp_path / "export.jsonl"
    text = "\n".join([good("first"), MISSING_TS, good("third"), "{broken"]) + "\n"
    path.write_bytes(bom + text.encode(encoding))
    summary = ingest_paths(warehouse, [path])
    assert stored_ids(warehouse) == {"first", "third"}
    assert quarantine(warehouse) == [("export.jsonl", 2, "missing ts"), ("export.jsonl", 4, "malformed JSON")]
    assert summary.files_unrecognised == []


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_csv_with_a_byte_order_mark_and_quoted_newlines(warehouse, tmp_path, encoding):
    path = tmp_path / "spreadsheet.csv"
    text = (
        "call_id,ts,model,input_tokens,output_tokens,feature\r\n"
        'csv-1,2026-11-16T10:00:00Z,gpt-4o-mini,100,10,"two\r\nlines"\r\n'
        "csv-2,2026-11-16T11:00:00Z,gpt-4o-mini,lots,10,chat\r\n"
        "csv-3,2026-11-16T12:00:00Z,gpt-4o-mini,100,10,chat\r\n"
    )
    path.write_bytes(text.encode(encoding))  # both codecs write their byte-order mark
    ingest_paths(warehouse, [path])
    got = {r["call_id"]: r for r in rows(warehouse)}
    assert set(got) == {"csv-1", "csv-3"}  # the header's first name is call_id, not "\ufeffcall_id"
    assert got["csv-1"]["feature"] == "two\r\nlines"
    # CSV line numbers count records (the header is line 1), as DuckDB's reader reports them:
    # csv-2 is the third record although the quoted newline puts it on physical line 4.
    assert quarantine(warehouse) == [("spreadsheet.csv", 3, "negative or non-numeric token count")]


# --- huge and deeply nested lines ----------------------------------------------------------------


def test_a_60_mb_line_is_quarantined_and_the_run_goes_on(tmp_path):
    path = tmp_path / "logged_requests.jsonl"
    doc = '{"ts": "2026-11-16T10:00:00Z", "model": "gpt-4o", "input_tokens": 1, "output_tokens": 1, "doc": "'
    with open(path, "w") as fh:
        fh.write(good("before") + "\n")
        fh.write(doc + "x" * 60_000_000 + '"}\n')
        fh.write(good("after") + "\n")
    wh = tmp_path / "wh"
    done = run_cli("ingest", path, "-w", wh)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "line over 16 MB" in done.stdout
    assert "1 record(s) quarantined" in done.stderr
    from llmfinops.store import Warehouse

    assert stored_ids(Warehouse.at(wh)) == {"before", "after"}
    assert quarantine(Warehouse.at(wh)) == [("logged_requests.jsonl", 2, "line over 16 MB")]


def test_a_line_nested_20000_deep_is_quarantined_first_line_or_not(tmp_path):
    deep_array = "[" * 20_000 + "]" * 20_000
    deep_object = '{"a":' * 20_000 + "1" + "}" * 20_000
    first = tmp_path / "logs" / "deep_first.jsonl"
    middle = tmp_path / "logs" / "deep_middle.jsonl"
    first.parent.mkdir()
    first.write_text("\n".join([deep_array, good("f2")]) + "\n")
    middle.write_text("\n".join([good("m1"), deep_object, good("m3")]) + "\n")
    wh = tmp_path / "wh"
    done = run_cli("ingest", tmp_path / "logs", "-w", wh)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "too deeply nested" in done.stdout
    from llmfinops.store import Warehouse

    assert stored_ids(Warehouse.at(wh)) == {"f2", "m1", "m3"}
    assert quarantine(Warehouse.at(wh)) == [
        ("deep_first.jsonl", 1, "too deeply nested"),
        ("deep_middle.jsonl", 2, "too deeply nested"),
    ]


def test_limits_are_settings(warehouse, tmp_path):
    path = tmp_path / "calls.jsonl"
    nested_20 = '{"ts": "2026-11-16T10:00:00Z", "x": ' + "[" * 20 + "]" * 20 + "}"
    path.write_text("\n".join([good("ok"), "[" + " " * 2_000_000 + "]", nested_20, good("ok2")]) + "\n")
    config = parse_config({"ingest": {"max_line_mb": 1, "max_depth": 10}})
    ingest_paths(warehouse, [path], config=config)
    assert stored_ids(warehouse) == {"ok", "ok2"}
    assert quarantine(warehouse) == [
        ("calls.jsonl", 2, "line over 1 MB"),
        ("calls.jsonl", 3, "too deeply nested"),
    ]
    assert (Config().max_line_mb, Config().max_depth) == (16, 1000)
    with pytest.raises(ConfigError, match=r"ingest\.max_depth must be a positive whole number"):
        parse_config({"ingest": {"max_depth": 2.5}})
    with pytest.raises(ConfigError, match=r"ingest\.max_line_mb must be a positive number"):
        parse_config({"ingest": {"max_line_mb": 0}})


def test_memory_stays_bounded_for_a_line_of_any_length(tmp_path):
    # A 30 MB line read in 1 MB blocks with a 1 MB limit: never held whole.
    path = tmp_path / "one_long_line.jsonl"
    path.write_bytes(b'{"a": "' + b"y" * 30_000_000 + b'"}\n' + good("z").encode() + b"\n")
    tracemalloc.start()
    chunks = list(line_chunks(path, chunk_bytes=1 << 20, limits=LineLimits(max_line_mb=1)))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 8 * (1 << 20), f"peak {peak:,} bytes"
    lines = [r for c in chunks for r in c.lines.to_pylist()]
    assert [(r["line_no"], r["raw"][:12]) for r in lines] == [(1, ""), (2, good("z")[:12])]
    assert [r for c in chunks for r in c.rejects] == [(1, "line over 1 MB")]


def test_nesting_depth_ignores_brackets_inside_strings():
    assert nesting_depth('{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert nesting_depth('"just [ text"') == 0
    assert nesting_depth("[" * 50 + "]" * 50) == 50


# --- line ends, NUL bytes ------------------------------------------------------------------------


def _lines_of(path: Path, chunk_bytes: int) -> list[tuple[int, str]]:
    return [
        (r["line_no"], r["raw"])
        for c in line_chunks(path, chunk_bytes=chunk_bytes)
        for r in c.lines.to_pylist()
    ]


@pytest.mark.parametrize("ending", [b"\r", b"\r\n", b"\n"], ids=["CR", "CRLF", "LF"])
def test_every_line_end_at_every_block_boundary_reads_the_same_lines(tmp_path, ending):
    records = [good("a"), good("bb"), MISSING_TS, good("dddd")]
    path = tmp_path / "ends.jsonl"
    path.write_bytes(ending.join(r.encode() for r in records) + ending)
    want = list(enumerate(records, start=1))
    for chunk_bytes in range(len(records[0]) - 2, len(records[0]) + 4):  # cuts before, in and after the end
        assert _lines_of(path, chunk_bytes) == want, chunk_bytes


def test_a_lone_cr_inside_a_record_is_whitespace_at_every_block_boundary(tmp_path):
    # JSON allows CR between tokens; in a file with LF line ends it does not end the line
    path = tmp_path / "cr_inside.jsonl"
    path.write_bytes(b'{"a":\r1}\n{"b":\r\n2}\r\n{"c": 3}\n')
    want = [(1, '{"a": 1}'), (2, '{"b":'), (3, "2}"), (4, '{"c": 3}')]
    for chunk_bytes in range(2, 12):
        assert _lines_of(path, chunk_bytes) == want, chunk_bytes


def test_a_file_with_lone_cr_line_ends_keeps_its_records(warehouse, tmp_path):
    path = tmp_path / "classic_mac.jsonl"
    path.write_bytes(b"\r".join([good("r1").encode(), MISSING_TS.encode(), good("r3").encode()]) + b"\r")
    ingest_paths(warehouse, [path])
    assert stored_ids(warehouse) == {"r1", "r3"}
    assert quarantine(warehouse) == [("classic_mac.jsonl", 2, "missing ts")]


def test_nul_bytes_quarantine_their_line_only(warehouse, tmp_path):
    path = tmp_path / "preallocated.jsonl"
    path.write_bytes(
        good("n1").encode()
        + b"\n"
        + b'{"call_id": "x",\x00 "ts": 1}\n'
        + b"\x00" * 64
        + b"\n"
        + good("n4").encode()
        + b"\n"
    )
    ingest_paths(warehouse, [path])
    assert stored_ids(warehouse) == {"n1", "n4"}
    assert quarantine(warehouse) == [
        ("preallocated.jsonl", 2, "malformed JSON"),
        ("preallocated.jsonl", 3, "malformed JSON"),
    ]


# --- broken gzip ---------------------------------------------------------------------------------


def test_gzip_member_followed_by_garbage_keeps_the_member(tmp_path):
    path = tmp_path / "rotated.jsonl.gz"
    member = gzip.compress(("\n".join([good("g1"), good("g2")]) + "\n").encode())
    second = gzip.compress((good("g3") + "\n").encode())
    path.write_bytes(member + second + b"not gzip at all \x00\x01\x02")
    wh = tmp_path / "wh"
    done = run_cli("ingest", path, "-w", wh)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    from llmfinops.store import Warehouse

    assert stored_ids(Warehouse.at(wh)) == {"g1", "g2", "g3"}  # both members read
    assert quarantine(Warehouse.at(wh)) == [("rotated.jsonl.gz", 4, CORRUPT_GZIP)]


def test_truncated_gzip_keeps_what_was_readable(warehouse, tmp_path):
    path = tmp_path / "cut.jsonl.gz"
    whole = gzip.compress(("\n".join(good(f"t{i}") for i in range(2000)) + "\n").encode())
    path.write_bytes(whole[: len(whole) * 3 // 4])  # the last quarter of the stream is gone
    ingest_paths(warehouse, [path])
    ids = stored_ids(warehouse)
    assert ids == {f"t{i}" for i in range(len(ids))} and len(ids) > 100  # every line before the cut
    reasons = quarantine(warehouse)
    # the cut-off last line (if the cut fell inside one) is malformed; then the gzip error
    assert reasons[-1] == ("cut.jsonl.gz", len(ids) + len(reasons), CORRUPT_GZIP)
    assert all(r == "malformed JSON" for _, _, r in reasons[:-1])
