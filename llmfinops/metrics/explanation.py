"""Why spend moved: each group's cost change split into six drivers (``queries/explain.sql``).

The definition (LMDI-I over actions, calls per action, model-call share, tokens per call,
model mix and cost per token) heads the SQL file and docs/explain.md; this module only
checks the grouping, binds the two periods and names the key column.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from llmfinops import sqlfiles
from llmfinops.errors import QueryError
from llmfinops.metrics.computation import name_group_column
from llmfinops.metrics.registry import DIMENSIONS
from llmfinops.period import Period

QUERY = "explain"
# every metric dimension but the calendar ones: two periods' days and weeks differ
EXPLAIN_GROUP_BYS: tuple[str, ...] = (*(d for d in DIMENSIONS if d not in ("day", "week")), "none")
ALL_TEAMS = "*"  # explain.sql's $only_team for "no team filter"
EFFECTS: tuple[str, ...] = (
    "volume",
    "iteration",
    "response_cache",
    "tokens_per_call",
    "model_mix",
    "unit_price",
)


def explain(
    con: duckdb.DuckDBPyConnection,
    *,
    period: Period,
    base: Period | None = None,
    group_by: str = "feature",
    team: str | None = None,
) -> pa.Table:
    """One row per group: base and current cost, the change and its six effects, and the drivers.

    ``base`` defaults to ``period.previous()``. ``con`` needs a ``calls`` relation
    (``llmfinops.store.connect`` gives one). The six ``*_usd`` effects add up to ``change_usd``.
    ``team`` keeps only that team's calls (e.g. to split one team's change by feature).
    """
    chosen, params = explain_parameters(period=period, base=base, group_by=group_by, team=team)
    sqlfiles.install_period_macro(con)  # a no-op on warehouse connections, which already have it
    return name_group_column(sqlfiles.run(con, QUERY, params), chosen)


def explain_parameters(
    *, period: Period, base: Period | None = None, group_by: str = "feature", team: str | None = None
) -> tuple[str, dict[str, Any]]:
    """The grouping, checked, and the values ``explain.sql`` binds: shared by DuckDB and Spark."""
    chosen = group_by.strip().lower()
    if team == ALL_TEAMS:
        raise QueryError(f"{ALL_TEAMS!r} is not a team name")
    if chosen in ("day", "week"):
        raise QueryError(
            f"explain cannot group by {chosen}: it compares two periods, whose days and weeks differ; "
            f"use one of: {', '.join(EXPLAIN_GROUP_BYS)}"
        )
    if chosen not in EXPLAIN_GROUP_BYS:
        raise QueryError(
            f"explain cannot be grouped by {chosen!r}; use one of: {', '.join(EXPLAIN_GROUP_BYS)}"
        )
    before = base or period.previous()
    params = {
        "since": period.since,
        "until": period.until,
        "base_since": before.since,
        "base_until": before.until,
        "group_by": chosen,
        "only_team": ALL_TEAMS if team is None else team,
    }
    return chosen, params
