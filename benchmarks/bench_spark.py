"""The metrics on DuckDB (the baseline) and on a local Spark, over the same store.

    python benchmarks/bench_spark.py --records 1000000 --workdir /tmp/bench-spark
    python benchmarks/bench_spark.py --warehouse /tmp/bench/wh        # an existing store

Builds a store of generated native records (tools/samplegen.py, then `llmfinops ingest`) unless
--warehouse is given, then times every metric of the registry over the WHOLE store (every day,
so each metric reads all calls): DuckDB through the library (what `llmfinops metrics` runs),
then `--engine spark` on a local session, warm (one untimed query first). Prints the session's
start-up, each metric's time on both engines and their ratio, and checks the results are equal
(counts and strings exact, floats within 1e-9 relative).
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "tools"))

from llmfinops.metrics import METRICS, compute, resolve_period  # noqa: E402
from llmfinops.store import Warehouse, connect  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def build(records: int, days: int, work: Path) -> Warehouse:
    import samplegen  # tools/samplegen.py

    src = work / f"native-{records}.jsonl"
    if not src.exists():
        samplegen.generate_bulk(src, records, seed=7, days=days)
    wh = work / f"wh-{records}"
    if not (wh / "calls").exists():
        seconds, _ = timed(
            lambda: subprocess.run(
                [sys.executable, "-m", "llmfinops", "ingest", str(src), "-w", str(wh), "-q"], check=True
            )
        )
        print(f"ingested {records:,} records in {seconds:.1f} s")
    return Warehouse.at(wh)


def max_rel_diff(a, b) -> float:
    """Largest relative float difference; raises if counts, strings or order differ."""
    worst = 0.0
    assert a.column_names == b.column_names and a.num_rows == b.num_rows
    for ra, rb in zip(a.to_pylist(), b.to_pylist(), strict=True):
        for k, va in ra.items():
            vb = rb[k]
            if isinstance(va, float) and isinstance(vb, float):
                if va != vb:
                    worst = max(worst, abs(va - vb) / max(abs(va), abs(vb)))
            else:
                assert (float(va) if va is not None and not isinstance(va, str) else va) == (
                    float(vb) if vb is not None and not isinstance(vb, str) else vb
                ), (k, va, vb)
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--warehouse", type=Path, default=None, help="time this store instead")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="llmfinops-bench-spark-"))
    work.mkdir(parents=True, exist_ok=True)
    wh = Warehouse.at(args.warehouse) if args.warehouse else build(args.records, args.days, work)
    con = connect(wh)
    calls, first, last = con.execute("SELECT count(*), min(day), max(day) FROM calls").fetchall()[0]
    period = resolve_period(None, first, last + timedelta(days=1))
    print(f"store: {calls:,} calls, {period.label} (every metric reads all of them)")

    from llmfinops.spark.compute import compute as spark_compute
    from llmfinops.spark.session import get_session, register_calls

    start_s, spark = timed(get_session)
    register_calls(spark, wh)
    warm_s, _ = timed(lambda: spark_compute(spark, "spend", period=period))
    print(f"Spark local session: start {start_s:.1f} s, first query (untimed below) {warm_s:.1f} s")
    print(f"{'metric':20s} {'DuckDB':>10s} {'Spark':>10s} {'Spark/DuckDB':>13s}  max float diff")
    total_d = total_s = 0.0
    for name in METRICS:
        d_s, d_table = timed(lambda n=name: compute(con, n, period=period))
        s_s, s_table = timed(lambda n=name: spark_compute(spark, n, period=period))
        total_d += d_s
        total_s += s_s
        diff = max_rel_diff(d_table, s_table)
        print(f"{name:20s} {d_s * 1000:8.0f}ms {s_s * 1000:8.0f}ms {s_s / d_s:12.1f}x  {diff:.1e}")
    ratio = total_s / total_d if total_d else math.nan
    print(f"{'all metrics':20s} {total_d:9.2f}s {total_s:9.2f}s {ratio:12.1f}x")
    spark.stop()


if __name__ == "__main__":
    main()
