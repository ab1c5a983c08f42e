"""``reprice``: price the whole stored history again with today's catalog and overrides.

Cost is derived from tokens, so it must follow the prices: after an override changes (a new
negotiated discount, a self-hosted model's price) or the catalog is upgraded, every stored row
is priced again through the same ``queries/price_calls.sql`` the ingest uses. Reported costs
stay as reported. The new history is published as one generation, atomically.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow.parquet as pq

from llmfinops import sqlfiles
from llmfinops.config import Config
from llmfinops.pricing import catalog as price_catalog
from llmfinops.pricing import modifiers as price_modifiers
from llmfinops.pricing.catalog import price_version
from llmfinops.store import compat
from llmfinops.store.layout import PRICES_FILE, Warehouse
from llmfinops.store.writer import SideTables, write_generation


@dataclass(frozen=True)
class RepriceSummary:
    rows: int
    changed_rows: int
    cost_before: float
    cost_after: float
    unpriced_rows: int
    price_version: str
    warnings: tuple[str, ...] = ()


def reprice(wh: Warehouse, config: Config, *, memory_limit: str = "1GB") -> RepriceSummary:
    with wh.writer_lock():
        current = wh.require()
        con = duckdb.connect(":memory:")
        try:
            con.execute("SET TimeZone = 'UTC'")
            con.execute("SET memory_limit = $m", {"m": memory_limit})
            con.execute("SET preserve_insertion_order = false")
            con.execute("SET enable_progress_bar = false")
            sqlfiles.install_price_macros(con)
            glob = str(current / "day=*" / "*.parquet").replace("'", "''")
            # union_by_name: day files of an earlier release lack the newer columns (store/compat.py)
            source = f"read_parquet('{glob}', union_by_name = true)"
            cols = compat.select_list(compat.present_columns(con, source))
            con.execute(f"CREATE TEMP VIEW stored AS SELECT {cols} FROM {source}")
            # Only a reported cost survives: every other cost is derived again from tokens.
            con.execute(
                "CREATE TEMP VIEW unpriced AS SELECT * REPLACE "
                "(CASE WHEN cost_source = 'reported' THEN cost_usd END AS cost_usd) FROM stored"
            )
            pairs = con.execute("SELECT DISTINCT provider, model FROM stored").fetchall()
            if (current / PRICES_FILE).exists():
                old = pq.read_table(current / PRICES_FILE, columns=["provider", "model"]).to_pylist()
                pairs.extend((r["provider"], r["model"]) for r in old)
            prices = price_catalog.build_price_table(pairs, config)
            con.register("price_table", prices)
            con.register("modifier_rows", price_modifiers.modifier_table(pairs, config.modifiers))
            con.register("batch_discounts", price_catalog.batch_discount_table(config))
            con.execute(f"CREATE TEMP VIEW new_calls AS {sqlfiles.load('price_calls')}")
            before = con.execute("SELECT count(*), coalesce(sum(cost_usd), 0) FROM stored").fetchall()[0]
            after = con.execute(
                "SELECT coalesce(sum(cost_usd), 0), count(*) FILTER (WHERE cost_source = 'unpriced') "
                "FROM new_calls"
            ).fetchall()[0]
            changed = con.execute(
                "SELECT count(*) FROM new_calls n JOIN stored s USING (call_id) "
                "WHERE n.cost_usd IS DISTINCT FROM s.cost_usd OR n.model_tier IS DISTINCT FROM s.model_tier"
            ).fetchall()[0][0]
            write_generation(wh, con, run_id="reprice", merge_existing=False, side=SideTables(prices=prices))
        finally:
            con.close()
        warning = None
        if config.publish_iceberg:
            from llmfinops.iceberg import sync_after_ingest

            # A repriced day keeps its file name: every file is registered again.
            warning = sync_after_ingest(
                wh, config.publish_iceberg, config.publish_table, full=True, data_uri=config.publish_data_uri
            )
    return RepriceSummary(
        rows=int(before[0]),
        changed_rows=int(changed),
        cost_before=float(before[1]),
        cost_after=float(after[0]),
        unpriced_rows=int(after[1]),
        price_version=price_version(config),
        warnings=(warning,) if warning else (),
    )
