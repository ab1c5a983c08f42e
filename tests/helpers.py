"""Helpers for tests: real-shaped cases, JSONL writing, and reading the warehouse through its views."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

CASES = Path(__file__).parent / "cases"
REPO = Path(__file__).parent.parent


def case(name: str) -> dict[str, Any]:
    """A real-shaped provider record from tests/cases/."""
    return json.loads((CASES / name).read_text())


def write_jsonl(path: Path, records: Iterable[dict[str, Any] | str]) -> Path:
    """Write records (dicts, or raw strings for deliberately broken lines) one per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write((rec if isinstance(rec, str) else json.dumps(rec)) + "\n")
    return path


def rows(warehouse, sql: str = "SELECT * FROM calls ORDER BY ts, call_id", params: dict | None = None):
    """Query the warehouse through the same views the CLI and analysts use."""
    from llmfinops.store import connect

    con = connect(warehouse)
    try:
        cur = con.execute(sql, params or {})
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    finally:
        con.close()
