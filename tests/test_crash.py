"""A killed ingest leaves the store as it was; re-running completes it.

The ingest runs as a real process and is SIGKILLed at several points: while reading, once the
next generation's directory is created, and while the next generation is being written.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import rows, write_jsonl

from llmfinops.store import Warehouse

N_BIG = 300_000


def big_file(path: Path) -> Path:
    with open(path, "w") as fh:
        for i in range(N_BIG):
            fh.write(
                json.dumps(
                    {
                        "request_id": f"big-{i}",
                        "ts": f"2026-10-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
                        "model": "gpt-4o-mini",
                        "input_tokens": 500 + i % 1000,
                        "output_tokens": 50,
                        "feature": f"f{i % 7}",
                        "user_id": f"u{i % 500}",
                    }
                )
                + "\n"
            )
    return path


def start_ingest(path: Path, wh: Warehouse) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "llmfinops", "ingest", str(path), "-w", str(wh.root), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def run_ingest(path: Path, wh: Warehouse) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "llmfinops", "ingest", str(path), "-w", str(wh.root), "-q"],
        check=False,
        capture_output=True,
        text=True,
    )


def wait_for(predicate, proc: subprocess.Popen, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    return False


def count(wh: Warehouse) -> int:
    return rows(wh, "SELECT count(*) AS n FROM calls")[0]["n"]


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    return big_file(tmp_path_factory.mktemp("big") / "big.jsonl")


KILL_POINTS = {
    "while reading": lambda wh: any(wh.staging_dir.rglob("f*.parquet")),
    "as the generation is begun": lambda wh: any(wh.generations_dir.glob("*.building")),
    "while writing the generation": lambda wh: any(wh.generations_dir.glob("*.building/day=*")),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_kill_leaves_previous_state_and_rerun_completes(tmp_path, big, point):
    wh = Warehouse.at(tmp_path / "wh")
    base = write_jsonl(
        tmp_path / "base.jsonl",
        [
            {
                "request_id": f"base-{i}",
                "ts": "2026-10-05T10:00:00Z",
                "model": "gpt-4o-mini",
                "input_tokens": 10,
                "output_tokens": 1,
            }
            for i in range(5)
        ],
    )
    assert run_ingest(base, wh).returncode == 0
    before = rows(wh, "SELECT call_id, cost_usd FROM calls ORDER BY call_id")

    proc = start_ingest(big, wh)
    reached = wait_for(lambda: KILL_POINTS[point](wh), proc)
    assert reached, f"the ingest ended before it was {point}; make the input larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # Killed: exactly the previous state is visible.
    assert rows(wh, "SELECT call_id, cost_usd FROM calls ORDER BY call_id") == before

    rerun = run_ingest(big, wh)
    assert rerun.returncode == 0, rerun.stderr
    assert count(wh) == 5 + N_BIG
    assert not wh.staging_dir.exists()
    assert not list(wh.generations_dir.glob("*.building"))
    if proc.stderr:
        proc.stderr.close()


def test_a_killed_first_ingest_leaves_an_analyst_file_the_rerun_completes(tmp_path, big):
    # A new warehouse's analyst file is begun (its macros) while the store is written: killed
    # then, the file exists with an empty stand-in for `calls`; the re-run must make it whole.
    wh = Warehouse.at(tmp_path / "wh")
    proc = start_ingest(big, wh)
    reached = wait_for(lambda: KILL_POINTS["while writing the generation"](wh), proc)
    assert reached, "the ingest ended before it wrote the generation; make the input larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    if proc.stderr:
        proc.stderr.close()
    rerun = run_ingest(big, wh)
    assert rerun.returncode == 0, rerun.stderr
    script = (
        "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); print(con.execute("
        '"SELECT (SELECT count(*) FROM calls), (SELECT sum(calls) FROM metric_spend('
        "TIMESTAMPTZ '2026-10-01', TIMESTAMPTZ '2026-11-01', group_by := 'none'))\").fetchall()[0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(wh.catalog_path)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"({N_BIG}, {N_BIG})"
