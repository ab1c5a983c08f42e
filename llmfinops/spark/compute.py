"""Run a metric on Spark: the same ``queries/metric_*.sql`` text, translated, with bound values."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from llmfinops.config import Config
from llmfinops.metrics.computation import name_group_column, parameters, resolve, set_variables
from llmfinops.period import Period
from llmfinops.spark import translate

VARIABLE_VIEW_PREFIX = "_llmfinops_variable_"


def compute(
    spark: Any,
    name: str,
    *,
    period: Period,
    group_by: str | None = None,
    config: Config | None = None,
) -> pa.Table:
    """Metric ``name`` over ``period`` on Spark, as an Arrow table with DuckDB's rows and order.

    ``spark`` needs a ``calls`` view (``llmfinops.spark.session.register_calls``).
    """
    spec, chosen = resolve(name, group_by)
    return name_group_column(run_query(spark, spec.query, parameters(period, chosen), config), chosen)


def explain(
    spark: Any,
    *,
    period: Period,
    base: Period | None = None,
    group_by: str = "feature",
    team: str | None = None,
) -> pa.Table:
    """``llmfinops.metrics.explain`` on Spark: ``queries/explain.sql`` translated, same bindings."""
    from llmfinops.metrics.explanation import QUERY, explain_parameters

    chosen, values = explain_parameters(period=period, base=base, group_by=group_by, team=team)
    return name_group_column(run_query(spark, QUERY, values), chosen)


def run_query(spark: Any, query_name: str, values: dict[str, Any], config: Config | None = None) -> pa.Table:
    """Run ``queries/<query_name>.sql`` on Spark, binding the values it uses (``args=``)."""
    q = translate.query(query_name)
    set_spark_variables(spark, q.variables, config)
    args = {k: values[k] for k in q.params}
    return spark.sql(q.text, args=args).toArrow()


def set_spark_variables(spark: Any, names: tuple[str, ...], config: Config | None) -> None:
    """Declare and set each Spark session variable to the value DuckDB's session would hold.

    The value goes through Arrow and a temporary view, never into the SQL text.
    """
    if not names:
        return
    con = duckdb.connect(":memory:")
    try:
        set_variables(con, config)
        for name in names:
            value = con.sql("SELECT getvariable($name) AS v", params={"name": name}).to_arrow_table()
            view = VARIABLE_VIEW_PREFIX + name
            frame = spark.createDataFrame(value)
            frame.createOrReplaceTempView(view)
            spark_type = frame.schema["v"].dataType.simpleString()
            ident = _quote(name)
            spark.sql(f"DECLARE OR REPLACE VARIABLE {ident} {spark_type}")
            spark.sql(f"SET VARIABLE {ident} = (SELECT v FROM {_quote(view)})")
    finally:
        con.close()


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"
