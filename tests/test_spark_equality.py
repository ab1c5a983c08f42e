"""--engine spark gives DuckDB's numbers: every metric of the registry, on the sample and on a hazard store.

The metrics are taken from ``llmfinops.metrics.registry.METRICS``, so a metric added to the
registry is compared here without a change to this file. Spark's session time zone is
America/Los_Angeles (see the ``spark`` fixture); one case also runs with UTC.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers import REPO
from spark_support import HAZARD_SINCE, HAZARD_UNTIL, assert_same, build_hazard_store

from llmfinops.config import load_config, parse_config
from llmfinops.metrics import METRICS, compute, resolve_period
from llmfinops.period import Period
from llmfinops.store import Warehouse, connect

CONFIG = REPO / "examples" / "llmfinops.toml"
# Each metric by its default grouping and by the groupings whose values Spark computes
# differently (day and week from ts, 'none'); on the hazard store also by feature, whose NULL
# is a group. The other dimensions are plain columns like feature: left out to keep CI short.
SAMPLE_GROUPINGS = ("default", "day", "week", "none")
HAZARD_GROUPINGS = ("default", "feature", "day", "week", "none")
HAZARD_CONFIG = parse_config(
    {
        "user_tiers": {"pro": {"arpu_usd_month": 20.0, "user_ceiling_usd": 1.0}},
        # each revenue kind once, and a gate, so the metrics that read [features.*] have values
        "features": {
            "chat": {"revenue_usd_per_action": 0.5},
            "search": {"revenue_usd_month": 10.0, "gate_for": "chat"},
            "summarise": {"revenue_usd_per_task": 2.0},
        },
    }
)


def hazard_period() -> Period:
    return resolve_period(None, date.fromisoformat(HAZARD_SINCE), date.fromisoformat(HAZARD_UNTIL))


@pytest.fixture(scope="module")
def sample_wh(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    from llmfinops.cli import app
    from llmfinops.cli.app import run_app

    wh = Warehouse(tmp_path_factory.mktemp("spark-sample") / "wh")
    code = run_app(app, ["ingest", str(REPO / "sample_logs"), "-w", str(wh.root), "-c", str(CONFIG), "-q"])
    assert code == 0
    return wh


@pytest.fixture(scope="module")
def hazard_wh(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return build_hazard_store(tmp_path_factory.mktemp("spark-hazard") / "wh")


def both(spark, wh: Warehouse, name: str, group_by: str | None, period: Period, config):
    from llmfinops.spark.compute import compute as spark_compute
    from llmfinops.spark.session import register_calls

    register_calls(spark, wh)
    con = connect(wh)
    try:
        duck = compute(con, name, period=period, group_by=group_by, config=config)
    finally:
        con.close()
    return duck, spark_compute(spark, name, period=period, group_by=group_by, config=config)


def _cases(groupings: tuple[str, ...]) -> list[tuple[str, str]]:
    return [
        (name, g)
        for name, spec in sorted(METRICS.items())
        for g in groupings
        if g == "default" or (g in spec.group_bys and g != spec.default_group_by)
    ]


@pytest.mark.parametrize(("name", "group_by"), _cases(SAMPLE_GROUPINGS))
def test_sample_week_equal(spark, sample_wh, name, group_by):
    period = resolve_period("2026-W47", None, None)
    chosen = None if group_by == "default" else group_by
    duck, on_spark = both(spark, sample_wh, name, chosen, period, load_config(CONFIG))
    assert duck.num_rows > 0  # the comparison is not between two empty tables
    assert_same(duck, on_spark, f"{name} by {group_by}")


@pytest.mark.parametrize(("name", "group_by"), _cases(HAZARD_GROUPINGS))
def test_hazard_store_equal(spark, hazard_wh, name, group_by):
    chosen = None if group_by == "default" else group_by
    duck, on_spark = both(spark, hazard_wh, name, chosen, hazard_period(), HAZARD_CONFIG)
    assert_same(duck, on_spark, f"{name} by {group_by}")


@pytest.mark.parametrize("name", sorted(METRICS))
def test_empty_period_is_empty_on_both(spark, hazard_wh, name):
    period = resolve_period("2026-W50", None, None)  # the hazard store has no call that week
    duck, on_spark = both(spark, hazard_wh, name, None, period, HAZARD_CONFIG)
    # Most metrics have no row then; a metric may still list what the config names (a gate).
    assert_same(duck, on_spark, f"{name} over an empty week")


@pytest.mark.parametrize("name", sorted(METRICS))
def test_utc_session_gives_the_same(spark, hazard_wh, name):
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    try:
        by = "week" if "week" in METRICS[name].group_bys else None
        duck, on_spark = both(spark, hazard_wh, name, by, hazard_period(), HAZARD_CONFIG)
    finally:
        spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
    assert_same(duck, on_spark, f"{name} by {by or 'default'}, UTC session")


def explain_both(spark, wh: Warehouse, **kwargs):
    from llmfinops.metrics import explain
    from llmfinops.spark.compute import explain as spark_explain
    from llmfinops.spark.session import register_calls

    register_calls(spark, wh)
    con = connect(wh)
    try:
        duck = explain(con, **kwargs)
    finally:
        con.close()
    return duck, spark_explain(spark, **kwargs)


@pytest.mark.parametrize(
    ("group_by", "team"), [("feature", None), ("team", None), ("none", None), ("feature", "platform")]
)
def test_explain_equal_on_the_sample(spark, sample_wh, group_by, team):
    week, before = resolve_period("2026-W47", None, None), resolve_period("2026-W46", None, None)
    duck, on_spark = explain_both(spark, sample_wh, period=week, base=before, group_by=group_by, team=team)
    assert duck.num_rows > 0
    assert_same(duck, on_spark, f"explain by {group_by}, team {team}")


@pytest.mark.parametrize("group_by", ["feature", "none"])
def test_explain_equal_on_the_hazard_store(spark, hazard_wh, group_by):
    # W47 (six calls, one unpriced, one cache hit) against W44 (two calls, both search).
    week, before = resolve_period("2026-W47", None, None), resolve_period("2026-W44", None, None)
    duck, on_spark = explain_both(spark, hazard_wh, period=week, base=before, group_by=group_by)
    assert duck.num_rows > 0
    assert_same(duck, on_spark, f"explain by {group_by} on the hazard store")


def test_hazards_worked_by_hand(spark, hazard_wh):
    """The traps, checked against arithmetic on HAZARD_CALLS rather than against DuckDB."""
    from llmfinops.spark.compute import compute as spark_compute
    from llmfinops.spark.session import register_calls

    register_calls(spark, hazard_wh)
    period = hazard_period()

    weeks = spark_compute(spark, "spend", period=period, group_by="week").to_pylist()
    # c10,c11 (Nov 1, a Sunday) -> W44; c01-c05, c12 -> W47 (c05 is 23:59:59.999999 on Sunday);
    # c06 -> W48; c07 (Thu Dec 31), c08 (Fri Jan 1) -> 2026-W53; c09 (Mon Jan 4) -> 2027-W01.
    assert [(w["week"], w["calls"]) for w in weeks] == [
        ("2026-W44", 2),
        ("2026-W47", 6),
        ("2026-W48", 1),
        ("2026-W53", 2),
        ("2027-W01", 1),
    ]
    days = spark_compute(spark, "spend", period=period, group_by="day").to_pylist()
    # c01..c04 on Nov 16 UTC (c01, c02 at 07:30 UTC are Nov 15 in Los Angeles).
    assert ("2026-11-16", 4) in [(d["day"], d["calls"]) for d in days]
    assert "2026-11-15" not in [d["day"] for d in days]

    tasks = spark_compute(spark, "cost-per-task", period=period, group_by="feature").to_pylist()
    # t1: first call c01 (ts tie, steps NULL, call_id) -> search, 1.0 + 2.5, no outcome, last
    # call c02 ok -> success. t3 chat: 3.0 + 0.25, outcome success. t2: first call c03 (step 2
    # before NULL) -> feature NULL, 0.5 (c03 unpriced), last outcome failure.
    assert [(t["feature"], t["tasks"], t["successful_tasks"], t["cost_usd"]) for t in tasks] == [
        ("search", 1, 1, 3.5),
        ("chat", 1, 1, 3.25),
        (None, 1, 0, 0.5),
    ]
    assert tasks[2]["cost_per_successful_task"] is None and tasks[2]["unpriced_calls"] == 1

    p95 = spark_compute(spark, "p95-user-cost", period=period, group_by="none").to_pylist()
    # user-days: u1 Nov16 3.5; u3 Nov16 0.5; u2 Nov22 3.0, Nov23 0.25, Dec31 0.125, Jan1 0.375;
    # u4 Nov1 0.125, Jan4 1.5. Sorted: .125 .125 .25 .375 .5 1.5 3 3.5 (n=8). Linear
    # interpolation: p50 at 0.5*7 = 3.5 -> (0.375 + 0.5)/2 = 0.4375; p95 at 0.95*7 = 6.65 ->
    # 3 + 0.65 * (3.5 - 3) = 3.325 (an approximate percentile would give 3.0 or 3.5).
    assert p95[0]["user_days"] == 8
    assert p95[0]["p50"] == pytest.approx(0.4375, rel=1e-12)
    assert p95[0]["p95"] == pytest.approx(3.325, rel=1e-12)

    mix = spark_compute(spark, "model-tier-mix", period=period).to_pylist()
    # c12 is a cache hit (not counted). Tiers budget c01 c07 c08 c10 c11, mid c02 c09,
    # frontier c05 c06, then 'custom' (c04) before NULL (c03): array_position's 0 is not a rank.
    assert [(m["model_tier"], m["calls"]) for m in mix] == [
        ("budget", 5),
        ("mid", 2),
        ("frontier", 2),
        ("custom", 1),
        (None, 1),
    ]

    rates = spark_compute(spark, "cache-hit-rate", period=period, group_by="feature").to_pylist()
    faq = next(r for r in rates if r["feature"] == "faq")
    assert (faq["response_cache_hit_rate"], faq["prompt_cache_request_rate"]) == (1.0, None)


def test_cli_spark_engine_prints_the_duckdb_json(cli, sample_wh, spark):
    import json

    base = ["metrics", "cost-per-tier", "-w", sample_wh.root, "-c", CONFIG, "-p", "2026-W47", "-f", "json"]
    code_d, out_d, _ = cli(*base)
    code_s, out_s, _ = cli(*base, "--engine", "spark")
    assert code_d == code_s == 0
    duck, on_spark = json.loads(out_d), json.loads(out_s)
    assert len(duck) > 1
    assert [r["user_tier"] for r in on_spark] == [r["user_tier"] for r in duck]
    for d, s in zip(duck, on_spark, strict=True):
        assert d.keys() == s.keys()
        for k in d:
            if isinstance(d[k], float):
                assert s[k] == pytest.approx(d[k], rel=1e-9)
            else:
                assert s[k] == d[k]


def test_cli_explain_on_spark_prints_the_duckdb_json(cli, sample_wh, spark):
    import json

    base = ["explain", "-w", sample_wh.root, "-p", "2026-W47", "--vs", "2026-W46", "-f", "json"]
    code_d, out_d, _ = cli(*base)
    code_s, out_s, err_s = cli(*base, "--engine", "spark")
    assert code_d == code_s == 0, err_s
    duck, on_spark = json.loads(out_d), json.loads(out_s)
    assert len(duck) > 1 and [r["feature"] for r in on_spark] == [r["feature"] for r in duck]
    for d, s in zip(duck, on_spark, strict=True):
        for k in d:
            assert s[k] == (pytest.approx(d[k], rel=1e-9) if isinstance(d[k], float) else d[k]), k


def test_sql_refuses_spark(cli, sample_wh: Warehouse, tmp_path: Path):
    code, _, err = cli("sql", "SELECT 1", "--engine", "spark", "-w", sample_wh.root)
    assert code == 2
    assert "sql runs DuckDB's dialect only" in err
