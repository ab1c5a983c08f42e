"""Ingest throughput and peak memory, next to a bare DuckDB copy of the same file.

    python benchmarks/bench_ingest.py --records 10000000

Generates N native records (tools/samplegen.py bulk), then times, each in its own process:
  bare:      duckdb  COPY (SELECT * FROM read_json(FILE)) TO 'x.parquet'
  llmfinops: llmfinops ingest FILE  (parse, validate, quarantine, dedupe, price, partition, commit)
and prints records/s for both, their ratio and each process's peak RSS; then runs
benchmarks/bench_metrics.py on the new store (all nine metrics for one month) and
benchmarks/bench_explain.py (explain of that month against the one before).
Target (issue #2): 10M records at >= 0.5x the bare copy's throughput, peak memory < 2 GB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools"))


@dataclass
class Run:
    seconds: float
    peak_mb: float


def measure(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a command in its own process; wall time and the child's peak resident memory."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return Run(elapsed, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


def bare_copy(src: Path, out: Path) -> Run:
    script = (
        "import duckdb, sys; duckdb.connect().execute("
        '"COPY (SELECT * FROM read_json(?)) TO \'" + sys.argv[2] + "\' (FORMAT parquet)", [sys.argv[1]]'
        ").fetchall()"
    )
    return measure([sys.executable, "-c", script, str(src), str(out)])


def llmfinops_ingest(src: Path, warehouse: Path) -> Run:
    return measure([sys.executable, "-m", "llmfinops", "ingest", str(src), "-w", str(warehouse), "--quiet"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--workdir", type=Path, default=None, help="keep files here (default: a temp dir)")
    parser.add_argument(
        "--skip-metrics", action="store_true", help="do not time the metrics on the new store"
    )
    args = parser.parse_args()

    import samplegen  # tools/samplegen.py

    work = args.workdir or Path(tempfile.mkdtemp(prefix="llmfinops-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / f"native-{args.records}.jsonl"
    if not src.exists():
        rate = samplegen.generate_bulk(src, args.records, seed=7, days=args.days)
        print(f"generated {args.records:,} records ({src.stat().st_size / 1e9:.2f} GB) at {rate:,.0f}/s")

    bare = bare_copy(src, work / "bare.parquet")
    shutil.rmtree(work / "wh", ignore_errors=True)
    ours = llmfinops_ingest(src, work / "wh")
    n = args.records
    print(f"records               {n:,}")
    for label, run in (("bare DuckDB copy", bare), ("llmfinops ingest", ours)):
        rate = n / run.seconds
        print(f"{label:21s} {run.seconds:7.2f} s  {rate:12,.0f} records/s  peak {run.peak_mb:7.0f} MB")
    print(f"ratio (ours / bare)   {bare.seconds / ours.seconds:7.3f}x throughput")
    again = llmfinops_ingest(src, work / "wh")
    print(f"re-ingest (no-op)     {again.seconds:7.2f} s  peak {again.peak_mb:7.0f} MB")
    if not args.skip_metrics:
        # The metrics step (issue #3): all nine metrics for one month of this store.
        subprocess.run(
            [sys.executable, str(HERE / "bench_metrics.py"), "--warehouse", str(work / "wh")], check=True
        )
        # explain (issue 12): one month against the one before, next to cost-per-action.
        subprocess.run(
            [sys.executable, str(HERE / "bench_explain.py"), "--warehouse", str(work / "wh")], check=True
        )
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
