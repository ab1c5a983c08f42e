"""``--engine`` and the Spark options the metric commands share."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


EngineOpt = Annotated[
    Engine,
    typer.Option(
        "--engine",
        "-e",
        help="duckdb (this machine) or spark (local Spark, --spark-master or SPARK_REMOTE): same SQL files.",
        case_sensitive=False,
    ),
]
SparkMasterOpt = Annotated[
    str | None,
    typer.Option(
        "--spark-master",
        help="Spark master URL, e.g. spark://host:7077 or yarn (default: local[*]; SPARK_REMOTE wins).",
        show_default=False,
    ),
]
SparkCallsOpt = Annotated[
    str | None,
    typer.Option(
        "--spark-calls",
        help="Where Spark reads the day files, e.g. s3a://bucket/llmfinops/calls "
        "(default: the warehouse's current generation).",
        show_default=False,
    ),
]
