"""A one-week metric opens only that week's day=… files of a real hive-partitioned warehouse."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from llmfinops import schema, sqlfiles
from llmfinops.metrics import METRICS, resolve_period
from llmfinops.store import Warehouse, connect

FIRST_DAY = date(2026, 11, 9)  # Monday of 2026-W46
DAYS = 21  # W46, W47, W48: one file per day


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    wh = Warehouse(tmp_path_factory.mktemp("pruning") / "wh")
    building = wh.begin_generation()
    for i in range(DAYS):
        day = FIRST_DAY + timedelta(days=i)
        ts = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        row = dict(
            call_id=[f"c{i}"],
            ts=[ts],
            feature=["chat"],
            user_id=["u1"],
            user_tier=["pro"],
            task_id=[f"t{i}"],
            model_tier=["budget"],
            status=["ok"],
            input_tokens=[100],
            output_tokens=[10],
            cost_usd=[1.0],
        )
        part = building / f"day={day.isoformat()}" / "part.parquet"
        part.parent.mkdir(parents=True)
        pq.write_table(schema.conform(pa.table(row)), part)
    wh.publish(building)
    return wh


def files_read(profile: str) -> int:
    return sum(int(n) for n in re.findall(r"Total Files Read: (\d+)", profile))


@pytest.mark.parametrize(
    ("name", "group_by"),
    # every metric by its default and by week, where it can be grouped by week
    [
        (n, g)
        for n in sorted(METRICS)
        for g in ("default", "week")
        if g != "week" or "week" in METRICS[n].group_bys
    ],
)
def test_one_week_reads_seven_of_twenty_one_files(warehouse, name, group_by):
    con = connect(warehouse)
    period = resolve_period("2026-W47", None, None)
    spec = METRICS[name]
    sql = sqlfiles.load(spec.query)
    chosen = spec.default_group_by if group_by == "default" else group_by
    params = sqlfiles.bind(sql, {"since": period.since, "until": period.until, "group_by": chosen})
    profile = con.execute("EXPLAIN ANALYZE " + sql, params).fetchall()[0][1]
    assert files_read(profile) == 7, profile
    assert "Scanning Files: 7/21" in profile
    # the pruned range is exactly Monday to Sunday: the next Monday's file is not opened
    assert "day BETWEEN '2026-11-16'::DATE AND '2026-11-22'::DATE" in profile


def test_analyst_macro_prunes_too(warehouse):
    con = connect(warehouse)
    profile = con.execute(
        "EXPLAIN ANALYZE SELECT * FROM metric_spend(TIMESTAMPTZ '2026-11-16 00:00:00+00', "
        "TIMESTAMPTZ '2026-11-23 00:00:00+00')"
    ).fetchall()[0][1]
    assert files_read(profile) == 7, profile


def test_the_pruned_week_still_has_the_right_total(warehouse):
    con = connect(warehouse)
    rows = con.execute(
        "SELECT calls, cost_usd FROM metric_spend(TIMESTAMPTZ '2026-11-16 00:00:00+00', "
        "TIMESTAMPTZ '2026-11-23 00:00:00+00', group_by := 'none')"
    ).fetchall()
    assert rows == [(7, 7.0)]  # one 1.00 call on each of the week's 7 days
