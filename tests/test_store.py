"""The store as other tools see it: an analyst's DuckDB file, and plain hive-partitioned Parquet."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pyarrow.dataset as ds
from helpers import write_jsonl

from llmfinops.ingest.pipeline import ingest_paths


def rec(i: int, day: int) -> dict:
    return {
        "request_id": f"r{i}",
        "ts": f"2026-11-{day:02d}T10:00:00Z",
        "model": "gpt-4o-mini",
        "input_tokens": 1000,
        "output_tokens": 100,
        "feature": "chat",
    }


def test_analyst_file_opens_read_only_from_any_directory(warehouse, tmp_path):
    ingest_paths(warehouse, [write_jsonl(tmp_path / "a.jsonl", [rec(1, 16), rec(2, 17)])])
    elsewhere = tmp_path / "notebooks"
    elsewhere.mkdir()
    script = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print(con.execute('SELECT count(*), sum(input_tokens) FROM calls').fetchall()[0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(warehouse.catalog_path)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "(2, 2000)"


def test_open_analyst_connection_does_not_fail_the_nightly_ingest(warehouse, tmp_path):
    ingest_paths(warehouse, [write_jsonl(tmp_path / "a.jsonl", [rec(1, 16)])])
    analyst = duckdb.connect(str(warehouse.catalog_path), read_only=True)
    try:
        assert analyst.execute("SELECT count(*) FROM calls").fetchall() == [(1,)]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "llmfinops",
                "ingest",
                str(write_jsonl(tmp_path / "b.jsonl", [rec(2, 17)])),
                "-w",
                str(warehouse.root),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        # The analyst's session keeps working and sees the new day through the views.
        assert analyst.execute("SELECT count(*) FROM calls").fetchall() == [(2,)]
    finally:
        analyst.close()


def test_first_ingest_with_the_file_held_open_still_stores_data(warehouse, tmp_path):
    # An analyst opened the (not yet existing) file first: the ingest warns and stores the data.
    warehouse.root.mkdir(parents=True)
    holder = duckdb.connect(str(warehouse.catalog_path))
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "llmfinops",
                "ingest",
                str(write_jsonl(tmp_path / "a.jsonl", [rec(1, 16)])),
                "-w",
                str(warehouse.root),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        holder.close()
    assert result.returncode == 0, result.stderr
    assert "open in another process" in result.stderr
    assert "Traceback" not in result.stderr
    # The next run, with the file free again, writes the views.
    ingest_paths(warehouse, [write_jsonl(tmp_path / "b.jsonl", [rec(2, 17)])])
    con = duckdb.connect(str(warehouse.catalog_path), read_only=True)
    assert con.execute("SELECT count(*) FROM calls").fetchall() == [(2,)]
    con.close()


def test_store_is_plain_hive_partitioned_parquet(warehouse, tmp_path):
    ingest_paths(warehouse, [write_jsonl(tmp_path / "a.jsonl", [rec(1, 16), rec(2, 16), rec(3, 18)])])
    # What Spark, Trino or Athena do: point at calls/ with hive partitioning, nothing else.
    dataset = ds.dataset(warehouse.calls_dir, format="parquet", partitioning="hive")
    table = dataset.to_table()
    assert table.num_rows == 3
    assert sorted({str(d) for d in table.column("day").to_pylist()}) == ["2026-11-16", "2026-11-18"]
    assert sorted(p.name for p in warehouse.calls_dir.iterdir() if p.name.startswith("day=")) == [
        "day=2026-11-16",
        "day=2026-11-18",
    ]
    # one file per day, even after a second run touches the same day
    ingest_paths(warehouse, [write_jsonl(tmp_path / "b.jsonl", [rec(4, 16)])])
    assert len(list((warehouse.calls_dir / "day=2026-11-16").glob("*.parquet"))) == 1


def test_days_interleaved_in_the_log_still_make_one_file_each(warehouse, tmp_path, monkeypatch):
    from llmfinops.store import dayfiles

    # Tiny batches and row groups, so that batches mix days and each day is written in parts.
    monkeypatch.setattr(dayfiles, "READ_BATCH_ROWS", 5)
    monkeypatch.setattr(dayfiles, "MIN_ROW_GROUP", 3)
    monkeypatch.setattr(dayfiles, "MAX_ROW_GROUP", 3)
    records = [rec(i, 16 + i % 3) for i in range(40)]  # days 16, 17, 18 in turn
    ingest_paths(warehouse, [write_jsonl(tmp_path / "mixed.jsonl", records)])
    per_day = {}
    for day, files in warehouse.day_files().items():
        assert len(files) == 1
        table = ds.dataset(files, format="parquet").to_table()
        assert {str(ts.date()) for ts in table.column("ts").to_pylist()} == {day}
        per_day[day] = sorted(table.column("call_id").to_pylist())
    # 40 records, i % 3 picks the day: 14 on the 16th, 13 on the 17th and 13 on the 18th
    counts = {d: len(ids) for d, ids in per_day.items()}
    assert counts == {"2026-11-16": 14, "2026-11-17": 13, "2026-11-18": 13}
    assert per_day["2026-11-17"] == sorted(f"r{i}" for i in range(1, 40, 3))


def test_many_days_stay_within_open_file_and_buffer_limits(warehouse, tmp_path, monkeypatch):
    from llmfinops.store import dayfiles

    # Two open files and six buffered rows at most, over five interleaved days: files get closed
    # and reopened as a day's second file, and days are written before they fill a row group.
    monkeypatch.setattr(dayfiles, "READ_BATCH_ROWS", 5)
    monkeypatch.setattr(dayfiles, "MIN_ROW_GROUP", 4)
    monkeypatch.setattr(dayfiles, "MAX_ROW_GROUP", 4)
    monkeypatch.setattr(dayfiles, "BUFFERED_ROWS", 6)
    monkeypatch.setattr(dayfiles, "MAX_OPEN_FILES", 2)
    records = [rec(i, 10 + i % 5) for i in range(50)]  # ten records on each of days 10..14
    ingest_paths(warehouse, [write_jsonl(tmp_path / "many.jsonl", records)])
    files = warehouse.day_files()
    assert sorted(files) == [f"2026-11-{d}" for d in range(10, 15)]
    assert max(len(fs) for fs in files.values()) > 1  # the open-file limit was reached
    for day, day_files in files.items():
        table = ds.dataset(day_files, format="parquet").to_table()
        assert {str(ts.date()) for ts in table.column("ts").to_pylist()} == {day}
        d = int(day[-2:])
        assert sorted(table.column("call_id").to_pylist()) == sorted(f"r{i}" for i in range(d - 10, 50, 5))
    # a later run touching a day folds that day's files back into one
    ingest_paths(warehouse, [write_jsonl(tmp_path / "more.jsonl", [rec(100, 12)])])
    assert len(warehouse.day_files()["2026-11-12"]) == 1


def test_analyst_file_lists_the_day_files(warehouse, tmp_path):
    ingest_paths(warehouse, [write_jsonl(tmp_path / "a.jsonl", [rec(1, 16), rec(2, 16), rec(3, 18)])])
    con = duckdb.connect(str(warehouse.catalog_path), read_only=True)
    try:
        got = con.execute("SELECT day, count(*) FROM day_files GROUP BY day ORDER BY day").fetchall()
        paths = [p for (p,) in con.execute("SELECT path FROM day_files").fetchall()]
    finally:
        con.close()
    assert [(str(d), n) for d, n in got] == [("2026-11-16", 1), ("2026-11-18", 1)]
    assert all(
        p.endswith(".parquet") and f"day={d}" in p for p, (d, _) in zip(sorted(paths), got, strict=True)
    )


def test_a_first_ingest_writes_an_analyst_file_whose_macros_read_the_stored_calls(warehouse, tmp_path):
    # A new warehouse's macros are written while the store is (beside an empty stand-in for
    # `calls`); once the views are in, they must read what was stored.
    assert not warehouse.catalog_path.exists()
    ingest_paths(warehouse, [write_jsonl(tmp_path / "a.jsonl", [rec(1, 16), rec(2, 17), rec(3, 17)])])
    con = duckdb.connect(str(warehouse.catalog_path), read_only=True)
    try:
        got = con.execute(
            'SELECT "group", calls, input_tokens FROM metric_spend('
            "TIMESTAMPTZ '2026-11-16', TIMESTAMPTZ '2026-11-18')"
        ).fetchall()
    finally:
        con.close()
    assert got == [("chat", 3, 3000)]


def test_an_analyst_file_deleted_from_a_warehouse_with_data_is_written_whole_again(warehouse, tmp_path):
    ingest_paths(warehouse, [write_jsonl(tmp_path / "a.jsonl", [rec(1, 16)])])
    warehouse.catalog_path.unlink()
    ingest_paths(warehouse, [write_jsonl(tmp_path / "b.jsonl", [rec(2, 17)])])
    con = duckdb.connect(str(warehouse.catalog_path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM calls").fetchall() == [(2,)]
    finally:
        con.close()
