"""tools/samplegen.py: the committed sample is reproducible, covers the scenario, and plants each bad line."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_logs"
TOKEN_FIELDS = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "output_tokens",
    "reasoning_tokens",
)


def _load_samplegen() -> Any:
    spec = importlib.util.spec_from_file_location("samplegen", REPO / "tools" / "samplegen.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["samplegen"] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


sg = _load_samplegen()


def _text(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode()


def _parse_ts(value: Any) -> datetime | None:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, UTC)
    if not isinstance(value, str):
        return None
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        return None
    return ts if ts.tzinfo else None


def _is_count(value: Any) -> bool:
    if isinstance(value, str):
        return value.isdigit()
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _classify(raw: str) -> tuple[str, dict[str, Any] | None]:
    """('ok', record) or (the malformed class, None) for one JSON line."""
    try:
        rec = json.loads(raw)
    except json.JSONDecodeError:
        return "broken_json", None
    if isinstance(rec, list):
        return "array", None
    if not rec:
        return "empty", None
    if "ts" not in rec:
        return "missing_ts", None
    if _parse_ts(rec["ts"]) is None:
        return "bad_ts", None
    if not rec.get("model") and "response" not in rec:
        return "missing_model", None
    for key in TOKEN_FIELDS:
        if key in rec:
            value = rec[key]
            if isinstance(value, str) and not value.isdigit():
                return "non_numeric_tokens", None
            if not _is_count(value):
                return "negative_tokens", None
    return "ok", rec


@pytest.fixture(scope="module")
def built() -> Any:
    return sg.build_sample(sg.SAMPLE_SEED)


@pytest.fixture(scope="module")
def committed() -> dict[str, list[tuple[int, str, str, dict[str, Any] | None]]]:
    """file -> [(line number, raw line, class, record)] for every committed sample file."""
    out: dict[str, list[tuple[int, str, str, dict[str, Any] | None]]] = {}
    for name in sg.SAMPLE_FILES:
        text = _text(SAMPLE / name)
        rows: list[tuple[int, str, str, dict[str, Any] | None]] = []
        if name.endswith(".csv"):
            reader = csv.DictReader(io.StringIO(text))
            for line_no, row in enumerate(reader, start=2):
                rec = {k: v for k, v in row.items() if v != ""}
                kind = "ok"
                if any(k in rec and not rec[k].isdigit() for k in TOKEN_FIELDS):
                    kind = "non_numeric_tokens"
                rows.append((line_no, ",".join(row.values()), kind, rec if kind == "ok" else None))
        else:
            for line_no, raw in enumerate(text.splitlines(), start=1):
                kind, rec = _classify(raw)
                rows.append((line_no, raw, kind, rec))
        out[name] = rows
    return out


def test_sample_regenerates_byte_for_byte(tmp_path: Path) -> None:
    sg.generate_sample(tmp_path, sg.SAMPLE_SEED, users_path=tmp_path / "users.csv")
    assert sorted(p.name for p in SAMPLE.iterdir()) == sorted(sg.SAMPLE_FILES)
    for name in sg.SAMPLE_FILES:
        new, old = (tmp_path / name).read_bytes(), (SAMPLE / name).read_bytes()
        if name.endswith(".gz"):
            # compare content: the compressed bytes depend on the zlib build, not on the generator
            assert gzip.decompress(new) == gzip.decompress(old), name
            assert new[4:8] == b"\0\0\0\0", "gzip mtime must be 0"
        else:
            assert new == old, name
    assert (tmp_path / "users.csv").read_bytes() == (REPO / "examples" / "users.csv").read_bytes()


def test_sample_is_small_and_counts_match(committed: dict[str, list[Any]], built: Any) -> None:
    assert sum((SAMPLE / n).stat().st_size for n in sg.SAMPLE_FILES) <= 4 * 1024 * 1024
    good = sum(1 for rows in committed.values() for _, _, kind, _ in rows if kind == "ok")
    truth = [c.truth() for c in built.calls]
    assert 20_000 <= len(truth) <= 40_000
    # every well-formed line is a truth record, plus the duplicate and the re-exported one
    assert good == len(truth) + 2


def test_sample_covers_the_scenario(committed: dict[str, list[Any]]) -> None:
    recs = [rec for rows in committed.values() for _, _, kind, rec in rows if kind == "ok"]
    weeks = {_parse_ts(r["ts"]).astimezone(UTC).isocalendar()[:2] for r in recs}  # type: ignore[union-attr]
    full_weeks = {(2026, w) for w in range(42, 48)}
    assert full_weeks <= weeks
    assert len({r["team"] for r in recs if r.get("team")}) >= 3
    features = {r["feature"] for r in recs if r.get("feature")}
    assert {"chat", "summarise", "agent", "classify", "search-answer"} <= features
    assert {r["user_tier"] for r in recs if r.get("user_tier")} == {"free", "pro", "enterprise"}
    assert len({r["user_id"] for r in recs if r.get("user_id")}) >= 300
    # the shapes the brief asks for
    assert any("usage" in r for r in recs) and any("response" in r for r in recs)
    assert any("cache_hit" in r for r in recs) and any("response_cache_hit" in r for r in recs)
    assert any(r.get("batch") in (True, "true") for r in recs)
    assert any(r.get("model") == sg.SELF_HOSTED for r in recs)
    assert any(r.get("model") == sg.FT_MODEL for r in recs)
    styles = Counter(
        "epoch" if not isinstance(r["ts"], str) or r["ts"].isdigit() else r["ts"][-1:] == "Z" for r in recs
    )
    assert styles[True] > len(recs) / 2 and styles[False] > 0 and styles["epoch"] > 0


def test_sample_plants_each_bad_line_once(committed: dict[str, list[Any]], built: Any) -> None:
    kinds = Counter(kind for rows in committed.values() for _, _, kind, _ in rows if kind != "ok")
    assert kinds == {
        "broken_json": 1,
        "array": 1,
        "empty": 1,
        "missing_ts": 1,
        "bad_ts": 1,
        "missing_model": 1,
        "negative_tokens": 1,
        "non_numeric_tokens": 1,
    }
    # one exact duplicate line inside a file, one record re-exported into a second file
    for name, rows in committed.items():
        lines = Counter(raw for _, raw, kind, _ in rows if kind == "ok")
        dups = [raw for raw, n in lines.items() if n > 1]
        assert len(dups) == (1 if name == sg.F_CUR else 0), name
    owners: dict[str, set[str]] = {}
    for name, rows in committed.items():
        for *_, rec in rows:
            rid = rec and (
                rec.get("request_id") or rec.get("call_id") or (rec.get("response") or {}).get("id")
            )
            if rid:
                owners.setdefault(rid, set()).add(name)
    assert [files for files in owners.values() if len(files) > 1] == [{sg.F_NOV, sg.F_CUR}]
    planted = {(p.file, p.line) for p in built.planted}
    found = {(name, n) for name, rows in committed.items() for n, _, kind, _ in rows if kind != "ok"}
    assert found <= planted


def test_bulk_writes_exactly_n_wellformed_unique_records(tmp_path: Path) -> None:
    path = tmp_path / "bulk.jsonl"
    rate = sg.generate_bulk(path, 30_000, seed=7, days=5, chunk=7_000)
    assert rate > 0
    lines = path.read_text().splitlines()
    assert len(lines) == 30_000
    ids = set()
    lo, hi = datetime(2026, 11, 18, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC)
    for raw in lines:
        kind, rec = _classify(raw)
        assert kind == "ok" and rec is not None, raw
        assert rec["ts"].endswith("Z") and lo <= _parse_ts(rec["ts"]) < hi  # type: ignore[operator]
        assert isinstance(rec["input_tokens"], int) and isinstance(rec["output_tokens"], int)
        ids.add(rec["request_id"])
    assert len(ids) == 30_000
    again = tmp_path / "again.jsonl"
    sg.generate_bulk(again, 30_000, seed=7, days=5)
    assert again.read_bytes() == path.read_bytes()
