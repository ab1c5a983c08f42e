"""Ingest split by day across two warehouses, next to one warehouse: time, and equal metrics.

    python benchmarks/bench_split.py --records 1000000 --workdir /tmp/bench-split

Ingest is one process per warehouse. When one machine is too slow, the input is split so that
no call can land in two parts (here: by the UTC day of ts, first half of the days / second
half) and each part is ingested into its own warehouse, as two machines would. This prints the
single ingest's time (the baseline), each part's time, the two parts run at once on this
machine, and checks that every metric over the union of the two stores equals the single store's.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import duckdb

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "tools"))

from llmfinops.metrics import METRICS, compute, resolve_period  # noqa: E402
from llmfinops.store import Warehouse, connect  # noqa: E402
from llmfinops.store.catalog import quote_literal  # noqa: E402


def ingest_cmd(src: Path, wh: Path) -> list[str]:
    return [sys.executable, "-m", "llmfinops", "ingest", str(src), "-w", str(wh), "-q"]


def run(cmds: list[list[str]]) -> float:
    """Run the commands at the same time; wall seconds until the last one ends."""
    start = time.perf_counter()
    procs = [subprocess.Popen(c) for c in cmds]
    for p in procs:
        if p.wait() != 0:
            raise SystemExit(f"failed: {' '.join(p.args)}")  # type: ignore[arg-type]
    return time.perf_counter() - start


def split_by_day(src: Path, work: Path, days: int) -> tuple[Path, Path, str]:
    """Two JSONL files: calls before the middle UTC day, and from it on (whole days each)."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "CREATE TABLE lines AS SELECT json AS line, "
        "CAST(CAST(json_extract_string(json, '$.ts') AS TIMESTAMPTZ) AS DATE) AS day "
        "FROM read_ndjson_objects(?)",
        [str(src)],
    )
    first, last = con.execute("SELECT min(day), max(day) FROM lines").fetchall()[0]
    middle = first + (last - first) / 2
    parts = (work / "part-a.jsonl", work / "part-b.jsonl")
    for path, cond in zip(parts, ("day < $m", "day >= $m"), strict=True):
        con.execute(
            f"COPY (SELECT line FROM lines WHERE {cond}) TO '{path}' "
            "(FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\t')".replace(
                "$m", f"DATE '{middle}'"
            )
        )
    return parts[0], parts[1], str(middle)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the warehouses of a previous run: only compare the metrics"
    )
    args = parser.parse_args()

    import samplegen  # tools/samplegen.py

    work = args.workdir or Path(tempfile.mkdtemp(prefix="llmfinops-bench-split-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / f"native-{args.records}.jsonl"
    if not src.exists():
        samplegen.generate_bulk(src, args.records, seed=7, days=args.days)
    if not args.reuse:
        part_a, part_b, middle = split_by_day(src, work, args.days)
        for name in ("wh-one", "wh-a", "wh-b", "wh-a2", "wh-b2"):
            subprocess.run(["rm", "-rf", str(work / name)], check=True)
        one = run([ingest_cmd(src, work / "wh-one")])
        a = run([ingest_cmd(part_a, work / "wh-a")])
        b = run([ingest_cmd(part_b, work / "wh-b")])
        both = run([ingest_cmd(part_a, work / "wh-a2"), ingest_cmd(part_b, work / "wh-b2")])
        n = args.records
        print(f"{n:,} records over {args.days} days, split at UTC day {middle}")
        print(f"one warehouse (baseline)      {one:6.1f} s  {n / one:10,.0f} records/s")
        print(f"part A alone / part B alone   {a:6.1f} s / {b:.1f} s  (two machines: {max(a, b):.1f} s wall)")
        print(f"both parts at once, this host {both:6.1f} s  (2 cores shared by the two processes)")

    single = connect(Warehouse.at(work / "wh-one"))
    calls, first, last = single.execute("SELECT count(*), min(day), max(day) FROM calls").fetchall()[0]
    period = resolve_period(None, first, last + timedelta(days=1))
    union = duckdb.connect()
    union.execute("SET TimeZone = 'UTC'")
    # A view cannot hold bound parameters: the two globs (this script's own folders) are quoted in.
    globs = ", ".join(
        quote_literal(str(work / w / "calls" / "day=*" / "*.parquet")) for w in ("wh-a", "wh-b")
    )
    union.execute(
        f"CREATE VIEW calls AS SELECT * FROM read_parquet([{globs}], hive_partitioning = true, "
        "hive_types = {'day': DATE})"
    )
    equal = 0
    for name in METRICS:
        x = compute(single, name, period=period).to_pylist()
        y = compute(union, name, period=period).to_pylist()
        same = len(x) == len(y) and all(
            all(
                (abs(u - v) <= 1e-9 * max(abs(u), abs(v))) if isinstance(u, float) else u == v
                for u, v in zip(r.values(), s.values(), strict=True)
            )
            for r, s in zip(x, y, strict=True)
        )
        equal += same
        if not same:
            print(f"  {name}: the union of the parts differs from the single store")
    print(f"metrics over the union of A and B equal to the single store's: {equal} of {len(METRICS)}")
    print(f"({calls:,} calls stored)")


if __name__ == "__main__":
    main()
