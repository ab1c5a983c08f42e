"""On Spark too, one week of a metric reads only that week's day files (hive partition pruning)."""

from __future__ import annotations

import pytest
from helpers import REPO

from llmfinops.metrics import METRICS, resolve_period
from llmfinops.metrics.computation import parameters
from llmfinops.store import Warehouse

CONFIG = REPO / "examples" / "llmfinops.toml"


@pytest.fixture(scope="module")
def sample_wh(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    from llmfinops.cli import app
    from llmfinops.cli.app import run_app

    wh = Warehouse(tmp_path_factory.mktemp("spark-pruning") / "wh")
    code = run_app(app, ["ingest", str(REPO / "sample_logs"), "-w", str(wh.root), "-c", str(CONFIG), "-q"])
    assert code == 0
    return wh


def files_read(spark, text: str, args: dict) -> list[int]:
    """Run the query; the "number of files read" of each of its Parquet scans (Spark does not
    keep a CTE's rows, so a CTE used twice is scanned twice)."""
    frame = spark.sql(text, args=args)
    frame.collect()
    plan = frame._jdf.queryExecution().executedPlan()
    leaves = plan.collectLeaves()
    counts = []
    for i in range(leaves.size()):
        metrics = leaves.apply(i).metrics()
        if metrics.contains("numFiles"):
            counts.append(int(metrics.apply("numFiles").value()))
    return counts


@pytest.mark.parametrize("name", sorted(METRICS))
def test_one_week_scans_seven_of_forty_four_files(spark, sample_wh, name):
    from llmfinops.spark import translate
    from llmfinops.spark.compute import set_spark_variables
    from llmfinops.spark.session import register_calls

    assert len(sample_wh.day_files()) == 44  # the sample spans 44 UTC days
    register_calls(spark, sample_wh)
    query = translate.query(METRICS[name].query)
    set_spark_variables(spark, query.variables, None)
    spec = METRICS[name]
    by = "week" if "week" in spec.group_bys else spec.default_group_by
    values = parameters(resolve_period("2026-W47", None, None), by)
    # Adaptive execution hides the scans behind query stages; without it the plan's leaves are
    # the scans themselves, with their metrics.
    spark.conf.set("spark.sql.adaptive.enabled", "false")
    try:
        read = files_read(spark, query.text, {k: values[k] for k in query.params})
    finally:
        spark.conf.set("spark.sql.adaptive.enabled", "true")
    assert read and set(read) == {7}, read
