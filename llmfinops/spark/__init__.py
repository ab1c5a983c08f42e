"""The metrics on Spark: the DuckDB ``queries/*.sql`` translated with sqlglot, run with bound values.

Needs the ``[spark]`` extra (pyspark, sqlglot) and, for a local session, Java 17; both are
imported only when a Spark function runs, so ``import llmfinops`` never needs them.

    from llmfinops.spark import run_metric
    table = run_metric(Warehouse.at("llmfinops-data"), "spend", period=resolve_period("2026-W47", None, None))
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from llmfinops.config import Config
from llmfinops.period import Period
from llmfinops.store.layout import Warehouse


def run_metric(
    wh: Warehouse | None,
    name: str,
    *,
    period: Period,
    group_by: str | None = None,
    config: Config | None = None,
    master: str | None = None,
    calls_path: str | None = None,
) -> pa.Table:
    """Metric ``name`` on a Spark session (local unless ``master``/``SPARK_REMOTE``) over the store."""
    from llmfinops.spark.compute import compute
    from llmfinops.spark.session import get_session, register_calls

    spark: Any = get_session(master)
    register_calls(spark, wh, calls_path)
    return compute(spark, name, period=period, group_by=group_by, config=config)


def run_explain(
    wh: Warehouse | None,
    *,
    period: Period,
    base: Period | None = None,
    group_by: str = "feature",
    team: str | None = None,
    master: str | None = None,
    calls_path: str | None = None,
) -> pa.Table:
    """``llmfinops explain`` on a Spark session over the store (see :func:`run_metric`)."""
    from llmfinops.spark.compute import explain
    from llmfinops.spark.session import get_session, register_calls

    spark: Any = get_session(master)
    register_calls(spark, wh, calls_path)
    return explain(spark, period=period, base=base, group_by=group_by, team=team)


__all__ = ["run_explain", "run_metric"]
