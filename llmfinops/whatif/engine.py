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
from llmfinops.metrics.computation import name_group_column
from llmfinops.metrics.registry import DIMENSIONS
from llmfinops.period import Period
from llmfinops.pricing import catalog as price_catalog
from llmfinops.pricing import modifiers as price_modifiers
from llmfinops.schema import CALL_COLUMNS
from llmfinops.sqlfiles import quote_ident
from llmfinops.whatif.scenario import SCOPE_DIMENSIONS, Scenario

WHATIF_GROUP_BYS: tuple[str, ...] = (*DIMENSIONS, "none")
_NO_TARGETS = pa.table(
    {
        "ord": pa.array([], pa.int32()),
        "model": pa.array([], pa.string()),
        "provider": pa.array([], pa.string()),
    }
)
_VIEWS = (
    "whatif_rules",
    "whatif_targets",
    "whatif_scope_rules",
    "aliases",
    "batch_discounts",
    "price_table",
    "modifier_rows",
)


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
    column is named after the dimension (``feature``, ``team``, ...); ``none`` gives one row
    without a key column, as the metrics do.
    """
    config = config or Config()
    chosen = group_by.strip().lower()
    if chosen not in WHATIF_GROUP_BYS:
        raise QueryError(f"whatif cannot be grouped by {chosen!r}; use one of: {', '.join(WHATIF_GROUP_BYS)}")
    sqlfiles.install_period_macro(con)
    sqlfiles.install_price_macros(con)  # the price join's
    routes = any(r.kind == "route" for r in scenario.rules)
    if routes:
        sqlfiles.execute_script(con, "ingest_macros")  # normalize_model & co., to resolve targets
    con.register("whatif_rules", scenario.table())
    con.register("aliases", _aliases(config))
    con.register("batch_discounts", price_catalog.batch_discount_table(config))
    try:
        targets = sqlfiles.run(con, "whatif_targets") if routes else _NO_TARGETS
        _check_targets(scenario, targets, config)
        con.register("whatif_targets", targets)
        params = {
            "since": period.since,
            "until": period.until,
            "group_by": chosen,
            "w": Decimal(str(config.analysis.cache_writes_per_read)),
            "has_step_cap": any(r.kind == "step_cap" for r in scenario.rules),
            **{
                f"scope_{dim}": sorted({r.scope.value for r in scenario.rules if r.scope.dim == dim})
                for dim in SCOPE_DIMENSIONS
            },
        }
        # resolved first, on its own: the main statement's planner then sees how few rows it has
        # (planned inside it, it was estimated large and hashed the calls to probe it)
        con.register("whatif_scope_rules", sqlfiles.run(con, "whatif_scopes", params))
        pairs = _model_pairs(con, targets)
        con.register("price_table", price_catalog.build_price_table(pairs, config))
        # the price join reads the modifier table too (the calls carry their stored modifier columns)
        modifier_rows = price_modifiers.modifier_table(pairs, config.modifiers)
        con.register("modifier_rows", modifier_rows)
        # a regional_processing row multiplies a call by one of its tags: pass those tags through
        # (only then: reading the tags of every call in scope costs more than the re-pricing)
        params["regional_tags"] = price_modifiers.regional_tags(modifier_rows)
        # two columns the re-pricing reads only when they can matter (~0.25 s CPU a 10M-call month)
        params["prices_change"] = _one(sqlfiles.run(con, "whatif_price_changes", params))
        params["parts_stored"] = _parts_stored(con, period)
        sql = _statement(con)
        table = sqlfiles.fetch_arrow(con, sql, sqlfiles.bind(sql, params))
    finally:
        for name in _VIEWS:
            with contextlib.suppress(duckdb.Error):  # a view an early failure never registered
                con.unregister(name)
    return name_group_column(table, chosen)  # `feature`, `team`, ...; none: no key column, as metrics


# The price join prices these; every other canonical column it passes straight through, so four
# of those carry each call's whatif facts to queries/whatif_totals.sql (see its header).
_CARRIED = {
    "feature": "grp",
    "latency_ms": "stored_cost",
    "status": "change",
    "task_outcome": "CASE WHEN not_applicable THEN 'not_applicable' END",
}


def _statement(con: duckdb.DuckDBPyConnection) -> str:
    """One statement, so the changed calls stream through the price join once: whatif_changes as
    a CTE, the price join's input over it, price_calls (the join ingest and reprice run), then
    whatif_totals' own CTEs and result. Each file's text is used as it is."""
    totals = sqlfiles.load("whatif_totals")
    body = "\n".join(line for line in totals.splitlines() if not line.startswith("--"))
    if not body.startswith("WITH "):
        raise QueryError("queries/whatif_totals.sql must start (after its header) with WITH")
    return (
        f"WITH whatif_changed AS (\n{sqlfiles.load('whatif_changes')}\n),\n"
        f"unpriced AS (SELECT {_price_join_input(con)} FROM whatif_changed),\n"
        f"new_calls AS (\n{sqlfiles.load('price_calls')}\n),\n{body[len('WITH ') :]}"
    )


# Columns whatif_changes leaves out (queries/whatif_changes.sql, `picked`): no price reads them.
# (`tags` it passes, cut to the keys a regional_processing row reads, or NULL when none does.)
_NOT_PASSED = frozenset(
    {
        "call_id", "user_id", "user_tier", "team", "feature", "task_id", "action_id", "session_id",
        "step", "status", "task_outcome", "latency_ms", "prompt_version", "source", "source_file",
        "model_tier", "cost_source", "price_version", "catalog_cost_usd", "price_flags", "day",
    }
)  # fmt: skip


def _price_join_input(con: duckdb.DuckDBPyConnection) -> str:
    """The canonical call columns the price join reads: what whatif_changes passes (every stored
    column a price can depend on), the carried facts, NULL for the rest."""
    stored = {r[0] for r in con.execute("DESCRIBE SELECT * FROM calls").fetchall()}
    columns = []
    for c in CALL_COLUMNS:
        if c.name in _CARRIED:
            columns.append(f"CAST({_CARRIED[c.name]} AS {c.duckdb_type}) AS {quote_ident(c.name)}")
        elif c.name in stored and c.name not in _NOT_PASSED:
            columns.append(quote_ident(c.name))
        else:
            columns.append(f"CAST(NULL AS {c.duckdb_type}) AS {quote_ident(c.name)}")
    return ", ".join(columns)


def _one(table: pa.Table) -> object:
    """The value of a one-row, one-column result."""
    return table.column(0)[0].as_py()


def _parts_stored(con: duckdb.DuckDBPyConnection, period: Period) -> bool:
    """Whether a call of the period can carry per-modality parts, from the day files' footers."""
    try:
        files = sqlfiles.run(con, "period_day_files", {"since": period.since, "until": period.until})
    except duckdb.CatalogException:  # a bare `calls` relation (tests, analysts): no footers to ask
        return True
    paths = files["path"].to_pylist()
    # no file for the period: no call to read either, so reading costs nothing and cannot be wrong
    return not paths or bool(_one(sqlfiles.run(con, "whatif_parts", {"files": paths})))


def _model_pairs(con: duckdb.DuckDBPyConnection, targets: pa.Table) -> list[tuple[str | None, str]]:
    """Every (provider, model) a changed call can be priced as: the ones stored in the period's
    scope (the warehouse's price table lists them all), and the route targets."""
    pairs = [(r["provider"], r["model"]) for r in targets.to_pylist()]
    try:
        pairs += con.execute("SELECT DISTINCT provider, model FROM prices").fetchall()
    except duckdb.CatalogException:  # a bare `calls` relation (tests, analysts): ask the calls
        pairs += con.execute("SELECT DISTINCT provider, model FROM calls").fetchall()
    return pairs


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
