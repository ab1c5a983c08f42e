"""The best case for a pipeline that prices and partitions, next to the bare copy.

    python benchmarks/bench_ceiling.py /tmp/bench/native-10000000.jsonl

One DuckDB pass from ``read_json`` (typed as text) through llmfinops' normalisation macros and
price join (``queries/price_calls.sql``) into snappy day files — with NO validation, quarantine,
tag discovery, tags map or de-duplication. It is not an ingest (it would store bad records and
duplicates); it bounds what any ingest that prices and partitions can reach on this machine,
and is the reference the README's ingest figures are compared with. Use a file made by
``bench_ingest.py`` (tools/samplegen.py bulk records).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from llmfinops import sqlfiles
from llmfinops.config import Config
from llmfinops.pricing.catalog import batch_discount_table, build_price_table

TEXT_FIELDS = [
    "ts", "timestamp", "call_id", "request_id", "provider", "model", "input_tokens",
    "cached_input_tokens", "cache_write_tokens", "cache_write_1h_tokens", "output_tokens",
    "reasoning_tokens", "cost_usd", "user_id", "user_tier", "team", "feature", "task_id", "action_id",
    "session_id", "step", "status", "task_outcome", "response_cache_hit", "cache_hit", "batch",
    "latency_ms", "prompt_version", "env", "region",
]  # fmt: skip

NORMALISED = """
WITH r AS (SELECT * FROM read_json($f, format = 'newline_delimited', columns = $c)),
unpriced AS (
    SELECT coalesce(call_id, request_id) AS call_id, parse_ts(ts) AS ts,
        normalize_provider(provider) AS provider, normalize_model(model) AS model,
        as_count(input_tokens) AS input_tokens,
        coalesce(as_count(cached_input_tokens), 0) AS cached_input_tokens,
        coalesce(as_count(cache_write_tokens), 0) AS cache_write_tokens, 0::BIGINT AS cache_write_1h_tokens,
        as_count(output_tokens) AS output_tokens, coalesce(as_count(reasoning_tokens), 0) AS reasoning_tokens,
        TRY_CAST(cost_usd AS DOUBLE) AS cost_usd, user_id, user_tier, team, feature, task_id, action_id,
        session_id, as_count(step) AS step,
        CASE WHEN lower(status) = 'error' THEN 'error' ELSE 'ok' END AS status,
        task_outcome, coalesce(TRY_CAST(response_cache_hit AS BOOLEAN), false) AS response_cache_hit,
        coalesce(TRY_CAST(batch AS BOOLEAN), false) AS batch, TRY_CAST(latency_ms AS DOUBLE) AS latency_ms,
        prompt_version, 'native' AS source, $f AS source_file,
        json_object('env', env, 'region', region) AS tags
    FROM r
)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", type=Path)
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="llmfinops-ceiling-"))
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = false")
    sqlfiles.execute_script(con, "token_rules")
    sqlfiles.execute_script(con, "ingest_macros")
    sqlfiles.install_price_macros(con)
    f = str(args.file)
    try:
        start = time.perf_counter()
        con.execute(
            f"COPY (SELECT * FROM read_json($f)) TO '{out}/bare.parquet' (FORMAT parquet)", {"f": f}
        ).fetchall()
        bare = time.perf_counter() - start

        cols = {name: "VARCHAR" for name in TEXT_FIELDS}
        pairs = con.execute(
            "SELECT DISTINCT normalize_provider(provider), normalize_model(model) "
            "FROM read_json($f, format = 'newline_delimited', "
            "columns = {'provider': 'VARCHAR', 'model': 'VARCHAR'})",
            {"f": f},
        ).fetchall()
        con.register("price_table", build_price_table(pairs, Config()))
        con.register("batch_discounts", batch_discount_table(Config()))
        price = sqlfiles.load("price_calls")
        query = NORMALISED + price[price.index("SELECT") :]
        start = time.perf_counter()
        con.execute(
            f"COPY ({query}) TO '{out}/days' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (day))",
            {"f": f, "c": cols},
        ).fetchall()
        single = time.perf_counter() - start
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print(f"bare DuckDB copy            {bare:7.1f} s")
    print(f"single pass, no validation  {single:7.1f} s   (model list read first, not timed)")
    print(f"ratio (single / bare)       {bare / single:7.2f}x throughput")


if __name__ == "__main__":
    main()
