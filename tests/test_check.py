"""Guardrails: the built-in checks and [[alerts]] rules on hand-built fixtures (every expected
figure worked by hand), the config's errors, and the exit codes through the real CLI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from test_metrics_sql import W47, make_connection
from test_metrics_units import CONFIG as UNITS_CONFIG
from test_metrics_units import UNITS

from llmfinops.config import Config, parse_config
from llmfinops.errors import ConfigError
from llmfinops.guardrails.breach import Breach
from llmfinops.guardrails.builtins import builtin_breaches
from llmfinops.guardrails.rules import AlertRule, CheckSettings, parse_alerts
from llmfinops.guardrails.run import rule_breaches, run_check
from llmfinops.period import resolve_period

DAY = resolve_period("yesterday", None, None, date(2026, 11, 23))  # 2026-11-22, a Sunday
N = None


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def nov(n: int) -> date:
    return date(2026, 11, n)


def builtin_rows() -> list[dict]:
    rows: list[dict] = []

    def add(day: date, cost: float | None, feature: str | None, team: str | None, source: str) -> None:
        n = len(rows)
        rows.append(
            dict(call_id=f"b{n}", ts=at(day), cost_usd=cost, feature=feature, team=team, source=source)
        )

    for d in range(1, 23):  # Nov 1 .. Nov 22, the period's day included
        add(nov(d), 1.00, "chat", "growth", "native")  # growth: flat $1.00 a day
        add(nov(d), 0.50, "summarise", "docs", "native")  # docs: flat $0.50 a day
        add(nov(d), 5.00 if d == 22 else 0.50, "search", N, "native")  # search: spikes on the 22nd
    for d in range(15, 22):  # litellm: every one of the 7 days before, none on the 22nd
        add(nov(d), 0.0, N, N, "litellm")
    for d in (15, 16, 17, 19, 20, 21):  # otel: 6 of the 7 days before (not the 18th), none on the 22nd
        add(nov(d), 0.0, N, N, "otel")
    add(nov(22), N, "chat", "growth", "native")  # one unpriced call in the period
    return rows


@pytest.fixture(scope="module")
def con():
    con = make_connection(builtin_rows())
    con.execute(
        "CREATE TABLE quarantine (source_file VARCHAR, line BIGINT, source VARCHAR, reason VARCHAR, "
        "run_at TIMESTAMPTZ)"
    )
    con.execute(
        "INSERT INTO quarantine VALUES "  # the nightly run after the 22nd, then an earlier one
        "('a.jsonl', 3, 'native', 'missing ts', TIMESTAMPTZ '2026-11-23 01:00:00+00'),"
        "('a.jsonl', 9, 'native', 'broken JSON', TIMESTAMPTZ '2026-11-23 01:00:00+00'),"
        "('b.jsonl', 1, 'native', 'missing ts', TIMESTAMPTZ '2026-11-20 01:00:00+00')"
    )
    return con


BUDGETS = dict(team_budgets={"growth": 20.0, "docs": 12.0, "ops": 5.0}, feature_budgets={"chat": 40.0})


def breach(rule: str, severity: str, metric: str, column: str, scope: str, value, op, threshold) -> Breach:
    return Breach(rule, severity, metric, column, scope, value, op, threshold, "2026-11-22")


def test_every_builtin_breaches_on_the_fixture(con):
    # Budgets, month to date as of the end of the 22nd: 22 of November's 30 days elapsed.
    #   growth: 22 x 1.00 = 22.00 > 20.00: already over -> critical (mtd_usd).
    #   docs: 22 x 0.50 = 11.00 <= 12.00, projected 11 / 22 x 30 = 15.00 > 12.00 -> warning.
    #   ops (no spend, 5.00) and feature chat (22.00, projected 30.00 <= 40.00): on track.
    # Anomaly: search costs 5.00 on the 22nd against 21 days at 0.50 (MAD 0, |4.50| >= $1): spike.
    #   growth's and docs's flat days do not move.
    # Unpriced: 1 call in the period > 0. Quarantine: the 01:00 run on the 23rd set aside 2
    #   records (> 0); the run on the 20th is not one of the period's ingests.
    # (Budgets come in the report's order: teams, then features, by name.)
    # Silent: litellm had calls on each of Nov 15..21 and none on the 22nd; otel missed the 18th.
    config = Config(**BUDGETS)
    assert builtin_breaches(con, DAY, config) == [
        breach("budget projected over", "warning", "budgets", "projected_usd", "team=docs", 15.0, ">", 12.0),
        breach("budget over", "critical", "budgets", "mtd_usd", "team=growth", 22.0, ">", 20.0),
        breach(
            "spend anomaly",
            "warning",
            "anomalies",
            "cost_usd",
            "feature=search day=2026-11-22",
            5.0,
            ">",
            0.5,
        ),
        breach("unpriced calls", "warning", "spend", "unpriced_calls", "all", 1, ">", 0),
        breach("quarantined records", "warning", "quarantine", "records", "all", 2, ">", 0),
        breach("silent source", "warning", "sources", "calls_in_period", "source=litellm", 0, "<", 1),
    ]


def test_no_builtin_breaches_within_the_limits(con):
    # Budgets that hold (growth 22.00 projected 30.00 <= 30; docs 15.00 <= 15), one unpriced call
    # and two quarantined records allowed; anomaly and silent-source checks switched off.
    config = Config(
        team_budgets={"growth": 30.0, "docs": 15.0},
        check=CheckSettings(
            max_unpriced_calls=1, max_quarantined_records=2, disable=("spend anomaly", "silent source")
        ),
    )
    assert builtin_breaches(con, DAY, config) == []


def test_a_day_without_anomaly_unpriced_or_quarantine(con):
    # The 21st: every source had calls (litellm too), search was at its 0.50, nothing unpriced,
    # and no ingest ran from the 21st to the 22nd (runs on the 20th and the 23rd only).
    day = resolve_period("yesterday", None, None, nov(22))
    assert builtin_breaches(con, day, Config()) == []


def test_budget_over_alone_can_be_switched_off(con):
    config = Config(**BUDGETS, check=CheckSettings(disable=("budget over",), max_unpriced_calls=5))
    rules = {b.rule for b in builtin_breaches(con, DAY, config)}
    assert "budget over" not in rules and "budget projected over" in rules


def test_run_check_puts_critical_first_and_sets_the_exit_code(con):
    result = run_check(con, DAY, Config(**BUDGETS))
    assert [b.severity for b in result.breaches] == ["critical"] + ["warning"] * 5
    assert (result.exit_code, result.status, result.rules, result.builtins) == (2, "critical", 0, 6)
    warn = run_check(con, DAY, Config(check=CheckSettings(max_unpriced_calls=1)))
    assert (warn.exit_code, warn.status) == (1, "warning")
    assert run_check(con, nov_21(), Config()).exit_code == 0


def nov_21():
    return resolve_period("yesterday", None, None, nov(22))


# --- [[alerts]] rules on the unit-economics week of test_metrics_units -----------------------


@pytest.fixture(scope="module")
def units():
    return make_connection(UNITS)


def rule(**kw) -> AlertRule:
    base = dict(name="r", metric="inference-margin", column="margin", op="<", threshold=0.5)
    return parse_alerts([{**base, **kw}])[0]


def test_rule_on_one_group(units):
    # agent's margin is 0.4 (test_metrics_units): < 0.5 breaches, < 0.3 does not.
    found = rule_breaches(units, W47, UNITS_CONFIG, rule(where="agent", severity="critical"))
    assert found == [
        Breach("r", "critical", "inference-margin", "margin", "feature=agent", 0.4, "<", 0.5, "2026-W47")
    ]
    assert rule_breaches(units, W47, UNITS_CONFIG, rule(where="agent", threshold=0.3)) == []


def test_rule_on_every_group_skips_nulls(units):
    # margins: chat 1/4.5 = 0.2222, agent 0.4, summarise 1.0, classify and search NULL (no revenue).
    found = rule_breaches(units, W47, UNITS_CONFIG, rule())
    assert [(b.scope, round(b.value, 4)) for b in found] == [("feature=chat", 0.2222), ("feature=agent", 0.4)]


def test_rule_compared_with_the_previous_period(units):
    # chat's spend: W47 3.50 (m1, m2, m3) against W46 5.00 (m0): (3.50 - 5.00) / 5.00 = -0.30.
    # agent has no W46 spend: no relative change, so no breach.
    drop = dict(metric="spend", column="cost_usd", compare="previous", op="<")
    found = rule_breaches(units, W47, UNITS_CONFIG, rule(**drop, threshold=-0.25))
    assert [(b.scope, round(b.value, 9)) for b in found] == [("feature=chat", -0.3)]
    assert rule_breaches(units, W47, UNITS_CONFIG, rule(**drop, threshold=-0.5)) == []


def test_rule_scope_names_every_label_column(units):
    # model-tier-mix has a row per (group, model_tier): the scope says both. All 12 W47 calls are
    # gpt-4o-mini with no tier -> one row, model_tier NULL, calls 12 (none is a cache hit).
    found = rule_breaches(
        units,
        W47,
        UNITS_CONFIG,
        rule(metric="model-tier-mix", column="calls", by="none", op=">=", threshold=12),
    )
    assert [(b.scope, b.value) for b in found] == [("all model_tier=NULL", 12.0)]


# --- config errors --------------------------------------------------------------------------

GOOD = dict(name="m", metric="inference-margin", column="margin", by="feature", op="<", threshold=0.4)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (dict(metric="revenue"), "unknown metric 'revenue'"),
        (dict(column="margins"), "inference-margin has no numeric column 'margins'"),
        (dict(column="group"), "has no numeric column 'group'"),
        (dict(by="team"), "inference-margin cannot be grouped by 'team'"),
        (dict(op="=="), "op must be one of < <= > >=, not '=='"),
        (dict(threshold="0.4"), "threshold must be a number"),
        (dict(severity="fatal"), "severity must be warning or critical"),
        (dict(compare="last-year"), "compare must be 'previous'"),
        (dict(colour="red"), "unknown key"),
        (dict(metric="spend", column="cost_usd", by="none", where="chat"), "leave out where"),
    ],
)
def test_bad_rules_are_config_errors(change, message):
    with pytest.raises(ConfigError, match=message):
        parse_config({"alerts": [{**GOOD, **change}]})


def test_duplicate_rule_names_are_a_config_error():
    with pytest.raises(ConfigError, match="name 'm' is used twice"):
        parse_config({"alerts": [GOOD, {**GOOD, "threshold": 0.2}]})


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"features": {"chat": {"revenue_usd_month": 1.0, "revenue_usd_per_action": 0.1}}}, "at most one"),
        ({"features": {"chat": {"revenue_per_month": 1.0}}}, "unknown key"),
        ({"features": {"chat": {"gate_for": "chat"}}}, "must name another feature"),
        ({"check": {"disable": ["budgets"]}}, "unknown built-in 'budgets'"),
        ({"check": {"max_unpriced_calls": -1}}, "whole number"),
    ],
)
def test_bad_features_and_check_settings_are_config_errors(raw, message):
    with pytest.raises(ConfigError, match=message):
        parse_config(raw)


def test_a_good_rule_reads_with_its_defaults():
    [parsed] = parse_config({"alerts": [{k: v for k, v in GOOD.items() if k != "by"}]}).alerts
    assert parsed == AlertRule("m", "inference-margin", "margin", "feature", "<", 0.4, "warning", None, None)


# --- exit codes through the real CLI ----------------------------------------------------------


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight days of one priced chat call a day (Nov 15..22) from one source: nothing built in breaches."""
    from llmfinops.store import Warehouse
    from llmfinops.store.writer import commit_calls

    wh = Warehouse(tmp_path_factory.mktemp("check") / "wh")
    days = [nov(15) + timedelta(days=i) for i in range(8)]
    commit_calls(
        wh,
        pa.table(
            {
                "call_id": [f"c{i}" for i in range(8)],
                "ts": [at(d) for d in days],
                "feature": ["chat"] * 8,
                "action_id": [f"a{i}" for i in range(8)],
                "cost_usd": [0.25] * 8,
                "source": ["native"] * 8,
            }
        ),
    )
    return wh.root


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "llmfinops.toml"
    path.write_text(text)
    return path


# chat earns 1.00 a month: on the 22nd, 1.00 / 30 = 0.0333 against a cost of 0.25 -> margin
# (0.0333 - 0.25) / 0.0333 = -6.5.
MARGIN_RULE = """
[features.chat]
revenue_usd_month = 1.0

[[alerts]]
name = "chat margin"
metric = "inference-margin"
column = "margin"
where = "chat"
op = "<"
threshold = {threshold}
severity = "{severity}"
"""


def test_exit_0_when_nothing_is_breached(cli, warehouse, tmp_path):
    cfg = config_file(tmp_path, MARGIN_RULE.format(threshold=-7.0, severity="critical"))
    code, out, err = cli("check", "--as-of", "2026-11-23", "-w", warehouse, "-c", cfg)
    assert (code, err) == (0, "")
    assert out.strip() == "No thresholds breached in 2026-11-22 (1 rule(s) and 6 built-in check(s))."
    code, out, _ = cli("check", "--as-of", "2026-11-23", "-w", warehouse, "-c", cfg, "--format", "json")
    assert (code, json.loads(out)) == (0, [])
    assert cli("check", "--as-of", "2026-11-23", "-w", warehouse, "-c", cfg, "-q") == (0, "", "")


def test_exit_1_on_a_warning_and_2_on_a_critical_breach(cli, warehouse, tmp_path):
    for severity, expected in (("warning", 1), ("critical", 2)):
        cfg = config_file(tmp_path, MARGIN_RULE.format(threshold=0.4, severity=severity))
        hook = tmp_path / f"{severity}.json"
        code, out, _ = cli(
            "check", "-p", "yesterday", "--as-of", "2026-11-23", "-w", warehouse, "-c", cfg,
            "-f", "json", "--webhook-file", hook,
        )  # fmt: skip
        assert code == expected
        [found] = json.loads(out)
        assert list(found) == [
            "rule",
            "severity",
            "metric",
            "column",
            "scope",
            "value",
            "op",
            "threshold",
            "period",
        ]
        assert found["value"] == pytest.approx((1 / 30 - 0.25) / (1 / 30))  # -6.5
        assert {k: v for k, v in found.items() if k != "value"} == {
            "rule": "chat margin", "severity": severity, "metric": "inference-margin", "column": "margin",
            "scope": "feature=chat", "op": "<", "threshold": 0.4, "period": "2026-11-22",
        }  # fmt: skip
        assert json.loads(hook.read_text()) == {
            "status": severity,
            "exit_code": expected,
            "breaches": [found],
        }


def test_table_output_shows_the_figures(cli, warehouse, tmp_path):
    cfg = config_file(tmp_path, MARGIN_RULE.format(threshold=0.4, severity="critical"))
    code, out, _ = cli("check", "--as-of", "2026-11-23", "-w", warehouse, "-c", cfg)
    assert code == 2
    assert "check · 2026-11-22 · 1 breach(es) of 1 rule(s) and 6 built-in check(s)" in out
    line = next(ln for ln in out.splitlines() if "chat margin" in ln).split()
    assert line == [
        "CRITICAL",
        "chat",
        "margin",
        "feature=chat",
        "inference-margin.margin",
        "-650.0%",
        "<",
        "40.0%",
    ]


def test_a_silent_source_through_the_cli(cli, warehouse):
    # as of the 24th the period is the 23rd: native had calls on each of Nov 16..22, none on the 23rd.
    code, out, _ = cli("check", "--as-of", "2026-11-24", "-w", warehouse, "-f", "json", "-q")
    assert code == 1  # --quiet still prints breaches
    assert [(b["rule"], b["scope"]) for b in json.loads(out)] == [("silent source", "source=native")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "Invalid value"),  # usage error: 3 here, not click's 2
        (["--no-such-option"], "No such option"),
        (["--period", "fortnight"], "unknown period 'fortnight'"),
        (["--as-of", "23/11/2026"], "--as-of must be a date"),
    ],
)
def test_exit_3_when_the_check_cannot_run(cli, warehouse, args, message):
    code, _, err = cli("check", "-w", warehouse, *args)
    assert code == 3
    assert message in err


def test_exit_3_for_config_and_warehouse_errors_with_a_webhook_file(cli, warehouse, tmp_path):
    cfg = config_file(
        tmp_path, '[[alerts]]\nname = "x"\nmetric = "revenue"\ncolumn = "c"\nop = "<"\nthreshold = 1\n'
    )
    hook = tmp_path / "hook.json"
    code, _, err = cli("check", "-w", warehouse, "-c", cfg, "--webhook-file", hook)
    assert code == 3
    assert err.startswith("Error: [[alerts]] 'x': unknown metric 'revenue'")
    payload = json.loads(hook.read_text())
    assert (payload["status"], payload["exit_code"], payload["breaches"]) == ("unknown", 3, [])
    code, _, err = cli("check", "-w", tmp_path / "missing")
    assert code == 3 and "run `llmfinops ingest PATH` first" in err


def test_other_commands_keep_their_exit_codes(cli, tmp_path):
    code, _, _ = cli("metrics", "spend", "--period", "fortnight", "-w", tmp_path)
    assert code == 2


def test_quarantine_of_tonights_ingest_warns(cli, jsonl, tmp_path):
    # A real ingest quarantines one line now; as of today the period is yesterday and its
    # ingests run until the end of today, so tonight's run is one of them.
    path = jsonl(
        [
            {"ts": "2026-11-16T10:00:00Z", "model": "gpt-4o-mini", "input_tokens": 1, "output_tokens": 1},
            "{not json",
        ]
    )
    assert cli("ingest", path, "-w", tmp_path / "wh", "-q")[0] == 0
    today = datetime.now(UTC).date().isoformat()
    code, out, _ = cli("check", "--as-of", today, "-w", tmp_path / "wh", "-f", "json")
    assert code == 1
    assert [(b["rule"], b["value"]) for b in json.loads(out)] == [("quarantined records", 1)]
