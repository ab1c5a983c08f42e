"""The figures savings opportunities are triggered by, from the ``queries/savings_*.sql`` files.

Each query aggregates in SQL (per feature, per feature and provider, per prompt version); this
module only runs them and keys their rows, so the rules in ``opportunities.py`` read like the
issue's definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from llmfinops import sqlfiles
from llmfinops.config import Config
from llmfinops.metrics import compute
from llmfinops.period import Period
from llmfinops.pricing import catalog as price_catalog

Row = dict[str, Any]


@dataclass(frozen=True)
class Signals:
    features: dict[str, Row]  # savings_features, by feature
    routes: dict[str, list[Row]]  # savings_route, per feature: one row per provider
    agents: dict[str, Row]  # savings_agents, by feature
    loops: dict[str, Row]  # the agent-loops metric, by feature
    versions: dict[str, list[Row]]  # savings_prompt_versions in the period, per feature
    versions_before: dict[str, list[Row]]  # ... in the period before
    cache: dict[str, Row]  # savings_response_cache in the period, by feature
    cache_before: dict[str, Row]  # ... in the period before


def gather(con: duckdb.DuckDBPyConnection, period: Period, config: Config) -> Signals:
    """Run every signal query for ``period`` (and the period before, where a trend is needed)."""
    sqlfiles.install_period_macro(con)
    con.register("batch_discounts", price_catalog.batch_discount_table(config))
    own_prices = not _has_relation(con, "prices")
    if own_prices:  # a bare `calls` relation: price its models as the store would have
        pairs = con.execute("SELECT DISTINCT provider, model FROM calls").fetchall()
        con.register("prices", price_catalog.build_price_table(pairs, config))
    try:
        now = {"since": period.since, "until": period.until}
        before = period.previous()
        then = {"since": before.since, "until": before.until}
        loops = compute(con, "agent-loops", period=period, group_by="feature", config=config).to_pylist()
        return Signals(
            features=_by_feature(sqlfiles.run(con, "savings_features", now).to_pylist()),
            routes=_grouped(sqlfiles.run(con, "savings_route", now).to_pylist()),
            agents=_by_feature(sqlfiles.run(con, "savings_agents", now).to_pylist()),
            loops={_group(r): r for r in loops if _group(r) is not None},
            versions=_grouped(sqlfiles.run(con, "savings_prompt_versions", now).to_pylist()),
            versions_before=_grouped(sqlfiles.run(con, "savings_prompt_versions", then).to_pylist()),
            cache=_by_feature(sqlfiles.run(con, "savings_response_cache", now).to_pylist()),
            cache_before=_by_feature(sqlfiles.run(con, "savings_response_cache", then).to_pylist()),
        )
    finally:
        con.unregister("batch_discounts")
        if own_prices:
            con.unregister("prices")


def _has_relation(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    try:
        con.execute(f"SELECT 1 FROM {sqlfiles.quote_ident(name)} LIMIT 0").fetchall()
    except duckdb.CatalogException:
        return False
    return True


def _by_feature(rows: list[Row]) -> dict[str, Row]:
    return {r["feature"]: r for r in rows}


def _grouped(rows: list[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for r in rows:
        out.setdefault(r["feature"], []).append(r)
    return out


def _group(row: Row) -> Any:
    # metrics name the group column `group` or, once named after its dimension, `feature`
    return row["feature"] if "feature" in row else row["group"]
