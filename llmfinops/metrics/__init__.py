"""Unit economics of LLM spend: metrics computed by the SQL files in ``queries/``.

from llmfinops.metrics import compute, resolve_period
from llmfinops.store import Warehouse, connect

con = connect(Warehouse.at("llmfinops-data"))
table = compute(con, "cost-per-task", period=resolve_period("2026-W47", None, None), group_by="team")
"""

from llmfinops.metrics.compute import compute
from llmfinops.metrics.explain import EFFECTS, EXPLAIN_GROUP_BYS, explain
from llmfinops.metrics.readonly import run_sql
from llmfinops.metrics.registry import DIMENSIONS, GROUP_BYS, METRICS, MetricSpec
from llmfinops.period import Period, resolve_period

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
