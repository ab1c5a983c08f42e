"""Unit economics of LLM spend: metrics computed by the SQL files in ``queries/``.

from llmfinops.metrics import compute, resolve_period
from llmfinops.store import Warehouse, connect

con = connect(Warehouse.at("llmfinops-data"))
table = compute(con, "cost-per-task", period=resolve_period("2026-W47", None, None), group_by="team")
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from llmfinops.metrics.registry import DIMENSIONS, GROUP_BYS, METRICS, MetricSpec
from llmfinops.period import Period, resolve_period

if TYPE_CHECKING:
    from llmfinops.metrics.computation import compute
    from llmfinops.metrics.explanation import EFFECTS, EXPLAIN_GROUP_BYS, explain
    from llmfinops.metrics.readonly import run_sql

__all__ = [
    "DIMENSIONS",
    "EFFECTS",
    "EXPLAIN_GROUP_BYS",
    "GROUP_BYS",
    "METRICS",
    "MetricSpec",
    "Period",
    "compute",
    "explain",
    "resolve_period",
    "run_sql",
]

# The DuckDB side loads on first use: a command's --help (metrics, sql) names the metrics and
# periods but must not import DuckDB. (The modules are not named after the functions, so the
# package attribute stays the function once a module is imported.)
_LAZY = {
    "compute": "llmfinops.metrics.computation",
    "explain": "llmfinops.metrics.explanation",
    "EFFECTS": "llmfinops.metrics.explanation",
    "EXPLAIN_GROUP_BYS": "llmfinops.metrics.explanation",
    "run_sql": "llmfinops.metrics.readonly",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
