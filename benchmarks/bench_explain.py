"""explain of one period against the previous, next to cost-per-action over the same two periods.

    python benchmarks/bench_explain.py --warehouse /tmp/bench/wh

Point it at a warehouse made by bench_ingest.py (or any warehouse). The current period is the
store's busiest calendar month (or --period), the base the one before it (Period.previous()).
Prints, best of --repeat runs each, through the library (what the CLI runs):
  explain by feature   current vs base, one query (explain.sql)
  cost-per-action      the same two periods, one run each (the baseline: the target is <= 2x)
  cost-per-action      one run over both periods at once (for reference)
and a bare DuckDB GROUP BY over the same rows.
Target (issue 12): explain <= 2x cost-per-action over the same two periods.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import duckdb

from llmfinops.metrics import compute, explain, resolve_period
from llmfinops.period import Period
from llmfinops.store import Warehouse, connect


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs (the machine is shared: the minimum is the least noisy)."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("--period", default=None, help="current period (default: the busiest month)")
    parser.add_argument("--by", default="feature")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    con = connect(Warehouse.at(args.warehouse))
    calls = con.execute("SELECT count(*) FROM calls").fetchall()[0][0]
    label = (
        args.period
        or con.execute(
            "SELECT strftime(day, '%Y-%m') FROM calls GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchall()[0][0]
    )
    current = resolve_period(label, None, None, None)
    base = current.previous()
    both = Period(base.since, current.until, f"{base.label}..{current.label}")
    in_both = con.execute(
        "SELECT count(*) FILTER (WHERE ts >= $a AND ts < $b), count(*) FILTER (WHERE ts >= $b AND ts < $c) "
        "FROM calls",
        {"a": base.since, "b": current.since, "c": current.until},
    ).fetchall()[0]
    print(f"store: {calls:,} calls; {current.label}: {in_both[1]:,} calls, base {base.label}: {in_both[0]:,}")

    ours, table = best(lambda: explain(con, period=current, base=base, group_by=args.by), args.repeat)
    per_period, _ = best(
        lambda: [compute(con, "cost-per-action", period=p, group_by=args.by) for p in (base, current)],
        args.repeat,
    )
    spanning, _ = best(lambda: compute(con, "cost-per-action", period=both, group_by=args.by), args.repeat)
    print(f"explain --by {args.by:12s}        {ours * 1000:8.0f} ms  ({table.num_rows} rows)")
    print(f"cost-per-action, both periods   {per_period * 1000:8.0f} ms  (one run per period)")
    print(f"cost-per-action, one span       {spanning * 1000:8.0f} ms  ({both.label} in one run)")
    print(f"ratio explain / cost-per-action {ours / per_period:8.2f}x  (target <= 2x)")

    glob = str(Warehouse.at(args.warehouse).calls_dir / "day=*" / "*.parquet")
    bare = duckdb.connect()
    seconds, _ = best(
        lambda: bare.execute(
            "SELECT feature, model, sum(cost_usd), count(DISTINCT coalesce(action_id, task_id, call_id)) "
            "FROM read_parquet(?, hive_partitioning = true) WHERE ts >= ? AND ts < ? GROUP BY ALL",
            [glob, base.since, current.until],
        ).fetchall(),
        args.repeat,
    )
    print(
        f"bare GROUP BY feature, model    {seconds * 1000:8.0f} ms  (sum and distinct actions, both periods)"
    )


if __name__ == "__main__":
    main()
