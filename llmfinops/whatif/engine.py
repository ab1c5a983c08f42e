"""Re-price a period's stored calls under a scenario, in SQL, through the one price join.

Three named queries and the price join ingest and ``reprice`` use:
``whatif_targets`` resolves each ``--route`` model as ingest resolves a logged one;
``whatif_changes`` applies the rules (step cap -> context cap -> output cap -> cache -> route ->
batch) and keeps only the calls they change; ``price_calls`` prices those; ``whatif_totals``
adds them up per group next to the stored costs. No Python touches a call.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal

import duckdb
import pyarrow as pa

from llmfinops import sqlfiles
from llmfinops.config import Config
from llmfinops.errors import QueryError
from llmfinops.metrics.period import Period
from llmfinops.metrics.registry import DIMENSIONS
from llmfinops.pricing import catalog as price_catalog
from llmfinops.whatif.scenario import Scenario

WHATIF_GROUP_BYS: tuple[str, ...] = (*DIMENSIONS, "none")
_VIEWS = ("whatif_rules", "whatif_targets", "aliases", "batch_discounts", "price_table")


def whatif(
    con: duckdb.DuckDBPyConnection,
    scenario: Scenario,
    *,
    period: Period,
    group_by: str = "feature",
    config: Config | None = None,
) -> pa.Table:
    """The period's cost per group as stored and under ``scenario``: one row per group.

    ``con`` needs a ``calls`` relation (``llmfinops.store.connect`` gives one). The group
    column is named after the dimension (``feature``, ``team``, ...; ``none`` gives ``all``).
    """
    config = config or Config()
    chosen = group_by.strip().lower()
    if chosen not in WHATIF_GROUP_BYS:
        raise QueryError(f"whatif cannot be grouped by {chosen!r}; use one of: {', '.join(WHATIF_GROUP_BYS)}")
    sqlfiles.install_period_macro(con)
    sqlfiles.execute_script(con, "ingest_macros")  # normalize_model & co., to resolve --route targets
    con.register("whatif_rules", scenario.table())
    con.register("aliases", _aliases(config))
    con.register("batch_discounts", price_catalog.batch_discount_table(config))
    try:
        targets = sqlfiles.run(con, "whatif_targets")
        _check_targets(scenario, targets, config)
        con.register("whatif_targets", targets)
        params = {
            "since": period.since,
            "until": period.until,
            "group_by": chosen,
            "w": Decimal(str(config.analysis.cache_writes_per_read)),
        }
        sql = sqlfiles.load("whatif_changes")
        con.execute(f"CREATE OR REPLACE TEMP TABLE whatif_changed AS {sql}", sqlfiles.bind(sql, params))
        pairs = con.execute("SELECT DISTINCT provider, model FROM whatif_changed WHERE changed").fetchall()
        con.register("price_table", price_catalog.build_price_table(pairs, config))
        con.execute(
            "CREATE OR REPLACE TEMP VIEW unpriced AS SELECT * FROM whatif_changed "
            "WHERE changed AND NOT dropped AND NOT coalesce(response_cache_hit, false)"
        )
        con.execute(f"CREATE OR REPLACE TEMP VIEW new_calls AS {sqlfiles.load('price_calls')}")
        table = sqlfiles.run(con, "whatif_totals", params)
    finally:
        for name in ("new_calls", "unpriced"):
            con.execute(f"DROP VIEW IF EXISTS {name}")
        con.execute("DROP TABLE IF EXISTS whatif_changed")
        for name in _VIEWS:
            with contextlib.suppress(duckdb.Error):  # a view an early failure never registered
                con.unregister(name)
    label = chosen if chosen != "none" else "group"
    return table.rename_columns([label if c == "group" else c for c in table.column_names])


def _aliases(config: Config) -> pa.Table:
    return pa.table(
        {"alias": list(config.aliases), "model": list(config.aliases.values())},
        schema=pa.schema([("alias", pa.string()), ("model", pa.string())]),
    )


def _check_targets(scenario: Scenario, targets: pa.Table, config: Config) -> None:
    """A route to a model nobody prices would turn every routed call unpriced: refuse it."""
    routes = [r for r in scenario.rules if r.kind == "route"]
    for rule, row in zip(routes, targets.to_pylist(), strict=True):
        model, provider = row["model"], row["provider"]
        if not model:
            raise QueryError(f"--route {rule.scope}={rule.model}: no model named")
        rows = price_catalog.price_rows(provider, model, config)
        if all(r.price_source == "unpriced" for r in rows):
            raise QueryError(
                f"--route {rule.scope}={rule.model}: neither the price catalog nor the config prices "
                f"{provider + ':' if provider else ''}{model}"
            )
