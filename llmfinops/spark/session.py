"""The Spark session the ``--engine spark`` commands run on, and the store as its ``calls`` view.

Local by default (``local[*]``, no UI, few shuffle partitions: the sample fits in memory);
``--spark-master URL`` picks a cluster, ``SPARK_REMOTE`` a Spark Connect server, and anything
in the usual Spark configuration (``spark-defaults.conf``, ``PYSPARK_SUBMIT_ARGS``) applies.
Nothing is downloaded: no ``spark.jars.packages``.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from llmfinops.errors import QueryError
from llmfinops.store.layout import Warehouse

LOCAL_MASTER = "local[*]"
# The sample and a week of a large store are small for Spark: 200 shuffle partitions would
# mostly schedule empty tasks on a laptop. A cluster keeps its own setting.
LOCAL_SHUFFLE_PARTITIONS = "4"


def require_pyspark() -> Any:
    try:
        import pyspark
    except ImportError:
        raise QueryError(
            "--engine spark needs the Spark extra: pip install 'llmfinops[spark]' (pyspark, sqlglot)"
        ) from None
    return pyspark


def java_available() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and os.path.exists(os.path.join(home, "bin", "java"))))


def get_session(master: str | None = None) -> Any:
    """A Spark session: Spark Connect when ``SPARK_REMOTE`` is set, else ``master`` or local."""
    require_pyspark()
    from pyspark.sql import SparkSession

    remote = os.environ.get("SPARK_REMOTE")
    builder = SparkSession.builder.appName("llmfinops")
    if remote:
        return builder.remote(remote).getOrCreate()
    if not java_available():
        raise QueryError(
            "a local Spark needs Java 17: apt-get install openjdk-17-jre-headless (or set JAVA_HOME), "
            "or point --spark-master / SPARK_REMOTE at a cluster"
        )
    if master:
        builder = builder.master(master)
    elif not os.environ.get("PYSPARK_SUBMIT_ARGS"):
        builder = (
            builder.master(LOCAL_MASTER)
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", LOCAL_SHUFFLE_PARTITIONS)
            .config("spark.ui.showConsoleProgress", "false")
            # Listing a few hundred local day= folders is faster in the driver than as a job.
            .config("spark.sql.sources.parallelPartitionDiscovery.threshold", "100000")
        )
    spark = builder.getOrCreate()
    if not master:
        spark.sparkContext.setLogLevel("ERROR")  # a local run's INFO/WARN lines are noise on stderr
    return spark


def register_calls(spark: Any, wh: Warehouse | None, calls_path: str | None = None) -> str:
    """Make the store the session's ``calls`` view; returns the path it reads.

    Spark reads the day files as they are: hive ``day=`` partitions (a DATE, pruned by the
    metrics' bounds on ``day``), files starting with ``_`` (prices, quarantine) skipped.
    ``calls_path`` (e.g. ``s3a://bucket/llmfinops/calls``) is for a cluster that cannot see
    this machine's disk; by default it is this warehouse's current generation.
    """
    if calls_path is None and wh is None:
        raise QueryError("Spark needs a warehouse or --spark-calls to read")
    path = calls_path or str(wh.require())  # type: ignore[union-attr]
    kept = _frames.get(path)
    if kept is not None and kept[0] is spark:
        frame = kept[1]
    else:
        frame = spark.read.option("basePath", path).parquet(path)
        if calls_path is None:  # a generation never changes once published: its listing can be kept
            _frames[path] = (spark, frame)
    frame.createOrReplaceTempView("calls")
    return path


_frames: dict[str, tuple[Any, Any]] = {}  # generation path -> (session, its DataFrame)
