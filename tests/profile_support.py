"""Which store columns a whatif run reads, from DuckDB's JSON profile (whatif runs as one statement)."""

from __future__ import annotations

import json
from pathlib import Path

from llmfinops.config import Config
from llmfinops.period import Period
from llmfinops.store import Warehouse, connect
from llmfinops.whatif import Scenario, whatif


def whatif_columns_read(
    store: Warehouse, scenario: Scenario, period: Period, config: Config, tmp_path: Path
) -> set[str]:
    """Every store column a Parquet scan of the whatif statement (its last statement) reads."""
    profile = tmp_path / "profile.json"
    con = connect(store)
    try:
        con.execute("PRAGMA enable_profiling = 'json'")
        con.execute(f"PRAGMA profiling_output = '{profile}'")
        whatif(con, scenario, period=period, config=config)
    finally:
        con.close()

    def scans(node: dict) -> list[dict]:
        own = [node] if node.get("extra_info", {}).get("Function") == "READ_PARQUET" else []
        return own + [s for child in node.get("children", []) for s in scans(child)]

    found = scans(json.loads(profile.read_text())["operator"][0])
    assert found, "no Parquet scan in the profile"
    return {c for scan in found for c in scan["extra_info"]["Projections"]}
