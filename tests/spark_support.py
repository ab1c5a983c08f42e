"""For the Spark tests: why Spark cannot run here, the hazard store, and DuckDB-vs-Spark equality.

Equality (issue 16): the same column names, the same number of rows in the same order, counts
and strings exactly equal, floats within 1e-9 relative (sums are added in another order).
"""

from __future__ import annotations

import importlib.util
import math
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from llmfinops import schema
from llmfinops.store import Warehouse

REL_TOL = 1e-9


def spark_unavailable() -> str | None:
    """Why a local Spark cannot start here, or None. On CI (root + apt) `make test` installs both."""
    from llmfinops.spark.session import java_available

    missing = [m for m in ("pyspark", "sqlglot") if importlib.util.find_spec(m) is None]
    if missing:
        return f"{', '.join(missing)} not installed (make test installs the [spark] extra)"
    if not java_available():
        return "no Java: make test installs openjdk-17-jre-headless with apt-get, which needs root"
    return None


def iceberg_unavailable() -> str | None:
    missing = [
        m for m in ("pyiceberg", "pyiceberg_core", "sqlalchemy") if importlib.util.find_spec(m) is None
    ]
    if missing:
        return f"{', '.join(missing)} not installed (make test installs the [iceberg] extra)"
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):  # DuckDB's HUGEINT sums arrive as decimals
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def assert_same(duck: pa.Table, spark: pa.Table, what: str) -> None:
    assert spark.column_names == duck.column_names, what
    d_rows = [[_plain(v) for v in r.values()] for r in duck.to_pylist()]
    s_rows = [[_plain(v) for v in r.values()] for r in spark.to_pylist()]
    assert len(s_rows) == len(d_rows), f"{what}: {len(s_rows)} rows on Spark, {len(d_rows)} on DuckDB"
    for i, (d_row, s_row) in enumerate(zip(d_rows, s_rows, strict=True)):
        for name, d, s in zip(duck.column_names, d_row, s_row, strict=True):
            where = f"{what}: row {i} column {name}: DuckDB {d!r}, Spark {s!r}"
            if isinstance(d, float) or isinstance(s, float):
                assert d is not None and s is not None, where
                assert math.isclose(d, s, rel_tol=REL_TOL, abs_tol=0.0), where
            else:
                assert d == s and type(d) is type(s), where


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# The hazard store: each call is here for a trap that runs on Spark but gives other numbers.
# Spark's session time zone in the tests is America/Los_Angeles (UTC-8 in November).
HAZARD_CALLS: list[dict[str, Any]] = [
    # Task t1: two calls at the SAME ts with NULL steps -> DuckDB's first/last order falls
    # through to call_id: c01 (search, error) first, c02 (chat, ok) last. 07:30 UTC is still
    # Nov 15 in Los Angeles: a UTC day taken in the session zone would move both.
    dict(
        call_id="c01",
        ts="2026-11-16T07:30:00+00:00",
        task_id="t1",
        step=None,
        feature="search",
        status="error",
        user_id="u1",
        user_tier="pro",
        team="growth",
        model_tier="budget",
        cost_usd=1.0,
        input_tokens=100,
        cached_input_tokens=50,
        output_tokens=10,
        action_id="a1",
        cost_source="catalog",
        price_flags=[],  # an empty list: fully priced
    ),
    dict(
        call_id="c02",
        ts="2026-11-16T07:30:00+00:00",
        task_id="t1",
        step=None,
        feature="chat",
        status="ok",
        user_id="u1",
        user_tier="pro",
        team="growth",
        model_tier="mid",
        cost_usd=2.5,
        input_tokens=200,
        cached_input_tokens=0,
        output_tokens=30,
        action_id="a1",
        cost_source="catalog",
        price_flags=["audio_input_tokens"],  # partly priced: DuckDB len() of a list, Spark size()
    ),
    # Task t2: tied ts; step 2 beats a NULL step (NULLS LAST) -> c03 (feature NULL) first.
    # Its only outcome is 'failure'. c03 is unpriced (cost NULL).
    dict(
        call_id="c03",
        ts="2026-11-16T10:00:00+00:00",
        task_id="t2",
        step=2,
        feature=None,
        status="ok",
        task_outcome="failure",
        user_id="u3",
        team=None,
        model_tier=None,
        cost_usd=None,
        input_tokens=300,
        cached_input_tokens=300,
        output_tokens=5,
    ),
    dict(
        call_id="c04",
        ts="2026-11-16T10:00:00+00:00",
        task_id="t2",
        step=None,
        feature="chat",
        status="ok",
        user_id="u3",
        team="growth",
        model_tier="custom",
        cost_usd=0.5,
        input_tokens=50,
        output_tokens=50,
    ),
    # Task t3 straddles the W47/W48 boundary by one microsecond.
    dict(
        call_id="c05",
        ts="2026-11-22T23:59:59.999999+00:00",
        task_id="t3",
        step=1,
        feature="chat",
        status="ok",
        task_outcome="success",
        user_id="u2",
        user_tier="free",
        team="docs",
        model_tier="frontier",
        cost_usd=3.0,
        input_tokens=1000,
        output_tokens=100,
    ),
    dict(
        call_id="c06",
        ts="2026-11-23T00:00:00+00:00",
        task_id="t3",
        step=2,
        feature="chat",
        status="error",
        user_id="u2",
        user_tier="free",
        team="docs",
        model_tier="frontier",
        cost_usd=0.25,
        input_tokens=400,
        output_tokens=40,
    ),
    # ISO years: Thu 2026-12-31 and Fri 2027-01-01 are 2026-W53; Mon 2027-01-04 00:15 UTC is
    # 2027-W01 (in Los Angeles it is still Sunday, 2026-W53).
    dict(
        call_id="c07",
        ts="2026-12-31T23:30:00+00:00",
        feature="summarise",
        status="ok",
        user_id="u2",
        user_tier="free",
        model_tier="budget",
        cost_usd=0.125,
        input_tokens=10,
        output_tokens=1,
    ),
    dict(
        call_id="c08",
        ts="2027-01-01T00:30:00+00:00",
        feature="summarise",
        status="ok",
        user_id="u2",
        user_tier="free",
        model_tier="budget",
        cost_usd=0.375,
        input_tokens=10,
        output_tokens=3,
    ),
    dict(
        call_id="c09",
        ts="2027-01-04T00:15:00+00:00",
        feature="summarise",
        status="ok",
        user_id="u4",
        user_tier="pro",
        model_tier="mid",
        cost_usd=1.5,
        input_tokens=20,
        output_tokens=2,
    ),
    # The repeated hour of the US DST change (01:30 PDT, then 01:30 PST): both Nov 1 in UTC.
    dict(
        call_id="c10",
        ts="2026-11-01T08:30:00+00:00",
        feature="search",
        status="ok",
        user_id="u4",
        user_tier="pro",
        model_tier="budget",
        cost_usd=0.0625,
        input_tokens=5,
        output_tokens=5,
    ),
    dict(
        call_id="c11",
        ts="2026-11-01T09:30:00+00:00",
        feature="search",
        status="ok",
        user_id="u4",
        user_tier="pro",
        model_tier="budget",
        cost_usd=0.0625,
        input_tokens=5,
        output_tokens=5,
    ),
    # Only response-cache hits in feature faq: no model call, so its rates divide by zero (NULL).
    dict(
        call_id="c12",
        ts="2026-11-18T12:00:00+00:00",
        feature="faq",
        status="ok",
        response_cache_hit=True,
        user_id=None,
        model_tier=None,
        cost_usd=0.0,
        input_tokens=70,
        output_tokens=7,
    ),
]
HAZARD_SINCE = "2026-10-26"  # Monday of 2026-W44
HAZARD_UNTIL = "2027-01-11"  # Monday after 2027-W01


def build_hazard_store(root: Path) -> Warehouse:
    """A real hive-partitioned generation of the calls above, one Parquet file per UTC day."""
    wh = Warehouse(root)
    building = wh.begin_generation()
    by_day: dict[str, list[dict[str, Any]]] = {}
    for call in HAZARD_CALLS:
        row = {**call, "ts": _ts(call["ts"])}
        by_day.setdefault(row["ts"].date().isoformat(), []).append(row)
    keys = sorted(set().union(*HAZARD_CALLS))
    for day, calls in sorted(by_day.items()):
        part = building / f"day={day}" / "part-hazard.parquet"
        part.parent.mkdir(parents=True)
        table = pa.Table.from_pylist([{k: c.get(k) for k in keys} for c in calls])
        pq.write_table(schema.conform(table), part)
    wh.publish(building)
    return wh
