"""Shared fixtures: a fresh warehouse, a JSONL writer, and a CLI runner with fixed width and no colour."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from helpers import write_jsonl

# Captured CLI output must be the same on a laptop and in CI.
os.environ.setdefault("COLUMNS", "120")
os.environ["NO_COLOR"] = "1"
os.environ.pop("LLMFINOPS_WAREHOUSE", None)
os.environ.pop("LLMFINOPS_CONFIG", None)


@pytest.fixture
def warehouse(tmp_path: Path):
    from llmfinops.store import Warehouse

    return Warehouse.at(tmp_path / "wh")


@pytest.fixture
def jsonl(tmp_path: Path) -> Callable[..., Path]:
    def make(records: Iterable[dict[str, Any] | str], name: str = "calls.jsonl") -> Path:
        return write_jsonl(tmp_path / "logs" / name, records)

    return make


@pytest.fixture
def cli(capsys):
    """Run the CLI in-process through its real entry point (error boundary included).

    Returns (exit_code, stdout, stderr).
    """
    from llmfinops.cli import app
    from llmfinops.cli.app import run_app

    def invoke(*args: object) -> tuple[int, str, str]:
        capsys.readouterr()
        code = run_app(app, [str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


@pytest.fixture(scope="session")
def spark():
    """One local Spark session for every Spark test (it takes ~10 s to start).

    Its session time zone is America/Los_Angeles, not UTC: the translated SQL must take UTC
    days and ISO weeks whatever the session says.
    """
    from spark_support import spark_unavailable

    reason = spark_unavailable()
    if reason:
        pytest.skip(reason)
    from llmfinops.spark.session import get_session

    session = get_session()
    session.conf.set("spark.sql.shuffle.partitions", "2")
    session.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
    yield session
    session.stop()
