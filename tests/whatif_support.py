"""whatif in tests: its rows by feature, and DuckDB's JSON profile of a run (the last statement)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from llmfinops.config import Config
from llmfinops.period import Period
from llmfinops.store import Warehouse, connect
from llmfinops.whatif import Scenario, parse_rules, whatif


def whatif_by_feature(
    store: Warehouse, period: Period, config: Config, **options: list[str]
) -> dict[str, dict]:
    """whatif's rows over ``period`` under the scenario the options give, by feature."""
    con = connect(store)
    try:
        table = whatif(con, parse_rules(**options), period=period, config=config)
    finally:
        con.close()
    return {r["feature"]: r for r in table.to_pylist()}


def whatif_profile(
    store: Warehouse, scenario: Scenario, period: Period, config: Config, tmp_path: Path
) -> dict[str, Any]:
    """The profile of the whatif statement."""
    profile = tmp_path / "profile.json"
    con = connect(store)
    try:
        con.execute("PRAGMA enable_profiling = 'json'")
        con.execute(f"PRAGMA profiling_output = '{profile}'")
        whatif(con, scenario, period=period, config=config)
    finally:
        con.close()
    return json.loads(profile.read_text())


def operators(profile: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operator of the plan."""

    def walk(node: dict[str, Any]) -> list[dict[str, Any]]:
        return [node] + [o for child in node.get("children", []) for o in walk(child)]

    return [o for top in profile["operator"] for o in walk(top)]


def whatif_columns_read(
    store: Warehouse, scenario: Scenario, period: Period, config: Config, tmp_path: Path
) -> set[str]:
    """Every store column a Parquet scan of the whatif statement reads."""
    scans = [
        o
        for o in operators(whatif_profile(store, scenario, period, config, tmp_path))
        if o.get("extra_info", {}).get("Function") == "READ_PARQUET"
    ]
    assert scans, "no Parquet scan in the profile"
    return {c for scan in scans for c in scan["extra_info"]["Projections"]}
