"""Every metric for one month over a large store, and `llmfinops check`, next to a bare DuckDB GROUP BY.

    python benchmarks/bench_metrics.py --warehouse /tmp/bench10m/wh [--config examples/llmfinops.toml]

Point it at a warehouse made by bench_ingest.py (or any warehouse). Prints the time of each
metric for one calendar month through the library (what `llmfinops metrics` runs), the total,
a bare `SELECT feature, sum(cost_usd) ... GROUP BY feature` over the same Parquet files, and
how many day files a one-week query opens (DuckDB's EXPLAIN ANALYZE "Scanning Files"), and
the time of the nightly guardrail check (the config's rules and the built-ins) for the month's
last day and for the whole month.
"""

from __future__ import annotations

import argparse
import re
import time
from datetime import timedelta

import duckdb

from llmfinops.config import load_config
from llmfinops.guardrails.run import run_check
from llmfinops.metrics import METRICS, compute, resolve_period
from llmfinops.period import between
from llmfinops.store import Warehouse, connect


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("--month", default=None, help="YYYY-MM (default: the store's busiest month)")
    parser.add_argument(
        "--config", default=None, help="config whose [[alerts]] the check times (default: none)"
    )
    args = parser.parse_args()

    wh = Warehouse.at(args.warehouse)
    con = connect(wh)
    calls = con.execute("SELECT count(*) FROM calls").fetchall()[0][0]
    month = (
        args.month
        or con.execute(
            "SELECT strftime(day, '%Y-%m') FROM calls GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchall()[0][0]
    )
    period = resolve_period(month, None, None, None)
    print(f"store: {calls:,} calls; period {period.label}")

    total = 0.0
    for name in METRICS:
        seconds, table = timed(lambda n=name: compute(con, n, period=period))
        total += seconds
        print(f"  {name:20s} {seconds * 1000:8.0f} ms  ({table.num_rows} rows)")
    print(f"all {len(METRICS)} metrics       {total * 1000:8.0f} ms")

    glob = str(wh.calls_dir / "day=*" / "*.parquet")
    bare = duckdb.connect()
    seconds, _ = timed(
        lambda: bare.execute(
            "SELECT feature, sum(cost_usd) FROM read_parquet(?, hive_partitioning = true) GROUP BY feature",
            [glob],
        ).fetchall()
    )
    print(f"bare GROUP BY feature {seconds * 1000:8.0f} ms  (all {calls:,} rows)")

    config = load_config(args.config)
    last_day = between(period.until.date() - timedelta(days=1), period.until.date())
    for span in (last_day, period):
        seconds, result = timed(lambda s=span: run_check(con, s, config))
        print(
            f"check {span.label:15s} {seconds * 1000:8.0f} ms  "
            f"({result.rules} rules, {result.builtins} built-ins, {len(result.breaches)} breaches)"
        )

    # a full ISO week inside the month: the last one before its 15th
    week = resolve_period(None, None, None, period.since.date() + timedelta(days=14))
    plan = con.execute(
        "EXPLAIN ANALYZE FROM metric_spend($s, $u)", {"s": week.since, "u": week.until}
    ).fetchall()
    text = "\n".join(str(r[1]) for r in plan)
    scanned = re.findall(r"Scanning Files:\s*(\d+)/(\d+)", text)
    print(
        f"one week ({week.label}): metric_spend scans {scanned[0][0]}/{scanned[0][1]} day files"
        if scanned
        else "one week: no file-scan line in EXPLAIN ANALYZE"
    )


if __name__ == "__main__":
    main()
