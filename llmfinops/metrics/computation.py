"""Run one metric for one period: the library call behind ``llmfinops metrics`` and the reports."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from llmfinops import sqlfiles
from llmfinops.config import Config
from llmfinops.errors import QueryError
from llmfinops.metrics.registry import MetricSpec, get
from llmfinops.period import Period

TIER_ECONOMICS_VARIABLE = "tier_economics"
FEATURE_ECONOMICS_VARIABLE = "feature_economics"
AGENT_BUDGET_VARIABLE = "agents_task_budget_usd"
GROUP_COLUMN = "group"  # what the SQL files call the grouping key


def compute(
    con: duckdb.DuckDBPyConnection,
    name: str,
    *,
    period: Period,
    group_by: str | None = None,
    config: Config | None = None,
) -> pa.Table:
    """Metric ``name`` over ``period``, one row per group, as an Arrow table.

    The grouping key is named after its dimension (``{"feature": "chat", ...}``); grouped
    by ``none`` there is no key column.

    ``con`` needs a ``calls`` relation (``llmfinops.store.connect`` gives one). ``config``
    supplies the user tiers' revenue for cost-per-tier and the features' revenue and gates for
    inference-margin and gate-intercept; without it those figures are NULL (or no gates).
    """
    spec, chosen = resolve(name, group_by)
    set_variables(con, config)
    sqlfiles.install_period_macro(con)  # a no-op on warehouse connections, which already have it
    table = sqlfiles.run(con, spec.query, parameters(period, chosen))
    return name_group_column(table, chosen)


def resolve(name: str, group_by: str | None) -> tuple[MetricSpec, str]:
    """The metric called ``name`` and the grouping to use (its default when None), checked."""
    spec = get(name)
    chosen = (group_by or spec.default_group_by).strip().lower()
    if chosen not in spec.group_bys:
        raise QueryError(
            f"{spec.name} cannot be grouped by {chosen!r}; use one of: {', '.join(spec.group_bys)}"
        )
    return spec, chosen


def parameters(period: Period, group_by: str) -> dict[str, Any]:
    """The values every metric query may bind (each binds the ones it uses)."""
    return {"since": period.since, "until": period.until, "group_by": group_by}


def set_variables(con: duckdb.DuckDBPyConnection, config: Config | None) -> None:
    """Every session variable a metric may read (``getvariable``), from the config.

    The Spark engine calls this too, on a scratch DuckDB connection, and copies the values
    into Spark session variables: one place decides what a variable holds.
    """
    set_economics(con, config)


def name_group_column(table: pa.Table, group_by: str) -> pa.Table:
    """The SQL's ``group`` column named after its dimension: ``feature``, ``user_id``, ``week``.

    The SQL cannot do this itself: a DuckDB table macro's column names are fixed when the
    macro is created, not taken from a bound value, so the analyst macros keep ``group``.
    ``none`` has no dimension and loses the column (its one value is ``'all'``); where the
    result already has a column of that name (model-tier-mix by model_tier, equal by
    definition) that column stays and ``group`` goes.
    """
    if GROUP_COLUMN not in table.column_names:
        return table
    index = table.column_names.index(GROUP_COLUMN)
    if group_by == "none" or group_by in table.column_names:
        return table.remove_column(index)
    return table.rename_columns([group_by if i == index else n for i, n in enumerate(table.column_names)])


def set_economics(con: duckdb.DuckDBPyConnection, config: Config | None) -> None:
    """Every session variable the metrics read the config through: tiers, features, agents."""
    set_tier_economics(con, config)
    set_feature_economics(con, config)
    set_agent_budget(con, config)


def set_feature_economics(con: duckdb.DuckDBPyConnection, config: Config | None) -> None:
    """The config's [features.*] (revenue, gate_for) as the session variable feature_economics.

    A variable for the same reason as tier_economics: the metric macros are created on
    connections that have no config.
    """
    features = config.features if config else {}
    rows = pa.table(
        {
            "feature": pa.array(list(features), pa.string()),
            "revenue_usd_month": pa.array([f.revenue_usd_month for f in features.values()], pa.float64()),
            "revenue_usd_per_action": pa.array(
                [f.revenue_usd_per_action for f in features.values()], pa.float64()
            ),
            "revenue_usd_per_task": pa.array(
                [f.revenue_usd_per_task for f in features.values()], pa.float64()
            ),
            "gate_for": pa.array([f.gate_for for f in features.values()], pa.string()),
        }
    )
    _set_rows_variable(con, FEATURE_ECONOMICS_VARIABLE, rows)


def set_agent_budget(con: duckdb.DuckDBPyConnection, config: Config | None) -> None:
    """``[agents] task_budget_usd`` for agent-loops, as a session variable (unset: the SQL's 0.50)."""
    budget = config.analysis.task_budget_usd if config else None
    con.execute(f"SET VARIABLE {AGENT_BUDGET_VARIABLE} = CAST($b AS DOUBLE)", {"b": budget})


def set_tier_economics(con: duckdb.DuckDBPyConnection, config: Config | None) -> None:
    """Hand the config's per-tier revenue and ceilings to SQL as data, in a session variable.

    A variable rather than a table because DuckDB binds a macro's tables when the macro is
    created: ``metric_cost_per_tier`` must install on a connection that has no config, and
    ``getvariable`` of an unset variable is simply NULL (no revenue known).
    """
    tiers = config.user_tiers if config else {}
    rows = pa.table(
        {
            "user_tier": pa.array(list(tiers), pa.string()),
            "arpu_usd_month": pa.array([t.arpu_usd_month for t in tiers.values()], pa.float64()),
            "user_ceiling_usd": pa.array([t.user_ceiling_usd for t in tiers.values()], pa.float64()),
        }
    )
    _set_rows_variable(con, TIER_ECONOMICS_VARIABLE, rows)


def _set_rows_variable(con: duckdb.DuckDBPyConnection, variable: str, rows: pa.Table) -> None:
    """Session variable ``variable`` = the rows as a list of structs, in order of the first column
    (an empty list, not NULL, when there are none)."""
    con.register("_llmfinops_rows", rows)
    try:
        fields = ", ".join(rows.column_names)  # the callers' own column names, never user input
        con.execute(
            f"SET VARIABLE {variable} = (SELECT coalesce(list(struct_pack({fields}) "
            f"ORDER BY {rows.column_names[0]}), []) FROM _llmfinops_rows)"
        )
    finally:
        con.unregister("_llmfinops_rows")
