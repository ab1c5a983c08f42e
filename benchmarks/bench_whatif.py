"""whatif --route over a month of a large store, next to the spend metric over the same month.

    python benchmarks/bench_whatif.py --records 1000000 --workdir /tmp/bench-whatif
    python benchmarks/bench_whatif.py --warehouse /tmp/bench/wh        # a store bench_ingest.py built

Without --warehouse it generates N native records (tools/samplegen.py bulk, as bench_ingest.py
does) and ingests them. Then, for the store's busiest calendar month, it times through the
library (what the commands run), best of --repeat runs each:
  spend:   compute(con, "spend", period=month)                      (the baseline)
  whatif:  whatif(con, --route <the month's costliest feature>=gpt-4o-mini, period=month)
and prints both, their ratio, and the issue's target (whatif <= 3x spend).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools"))

TARGET_RATIO = 3.0


def best_of(repeat: int, fn) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def build_store(records: int, days: int, workdir: Path) -> Path:
    import samplegen  # tools/samplegen.py

    workdir.mkdir(parents=True, exist_ok=True)
    src = workdir / f"native-{records}.jsonl"
    if not src.exists():
        rate = samplegen.generate_bulk(src, records, seed=7, days=days)
        print(f"generated {records:,} records at {rate:,.0f} records/s -> {src}")
    wh = workdir / f"wh-{records}"
    if not (wh / "calls").exists():
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "llmfinops", "ingest", str(src), "-w", str(wh), "-q"], check=True
        )
        print(f"ingested in {time.perf_counter() - start:.1f} s -> {wh}")
    return wh


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", default=None)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--workdir", default="/tmp/bench-whatif")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from llmfinops.config import Config
    from llmfinops.metrics import compute, resolve_period
    from llmfinops.store import Warehouse, connect
    from llmfinops.whatif import parse_rules, whatif

    path = (
        Path(args.warehouse) if args.warehouse else build_store(args.records, args.days, Path(args.workdir))
    )
    con = connect(Warehouse.at(path))
    calls = con.execute("SELECT count(*) FROM calls").fetchall()[0][0]
    month = con.execute(
        "SELECT strftime(day, '%Y-%m') FROM calls GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    ).fetchall()[0][0]
    period = resolve_period(month, None, None, None)
    in_month = con.execute(
        "SELECT count(*) FROM calls WHERE ts >= $s AND ts < $u", {"s": period.since, "u": period.until}
    ).fetchall()[0][0]
    spend_s, spend = best_of(args.repeat, lambda: compute(con, "spend", period=period))
    costliest = spend.to_pylist()[0]["feature"]  # type: ignore[attr-defined]
    scenario = parse_rules(route=[f"{costliest}=gpt-4o-mini"])
    whatif_s, table = best_of(args.repeat, lambda: whatif(con, scenario, period=period, config=Config()))
    row = next(r for r in table.to_pylist() if r["feature"] == costliest)  # type: ignore[attr-defined]
    con.close()

    print(f"store: {calls:,} calls; month {month}: {in_month:,} calls; costliest feature {costliest!r}")
    print(f"  spend metric (baseline)                 {spend_s * 1000:8.0f} ms")
    print(
        f"  whatif --route {costliest}=gpt-4o-mini   {whatif_s * 1000:8.0f} ms  "
        f"({row['calls_affected']:,} calls re-priced, saves ${row['savings_usd']:,.2f})"
    )
    ratio = whatif_s / spend_s
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    target = f"target <= {TARGET_RATIO:.0f}x: {verdict}"
    print(f"  ratio {ratio:.2f}x the spend metric ({target}); best of {args.repeat}")


if __name__ == "__main__":
    main()
