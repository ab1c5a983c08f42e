"""The HTML and CSV a report becomes: escaping of values from logs (tables and SVG charts), the
empty period, self-containment, determinism, and the CSV files' names and columns.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from decimal import Decimal as D
from pathlib import Path

import pytest
from test_report_sql import CALLS, GPT4O, MINI, U1, W47, call, make_con

from llmfinops.config import Config, TierEconomics
from llmfinops.metrics import resolve_period
from llmfinops.report import build_report, render_html
from llmfinops.report.csvout import write_csv
from llmfinops.report.output import default_name, output_path

HOSTILE = "<script>alert(1)</script>"
HOSTILE_TEAM = '"><img src=x onerror=alert(2)>'
CONFIG = Config(
    user_tiers={"pro": TierEconomics(20.0, 2.0)},
    team_budgets={"growth": 10.0},
    feature_budgets={HOSTILE: 1.0},
    adjustments={HOSTILE_TEAM: 0.1},
)
# Inside a tag or a style sheet, a src/href/url() that points off the file: anything but an
# in-page #anchor or a data: URI. (Text content is escaped, so "<" only ever starts a real tag.)
OFF_FILE = re.compile(
    r"""\s(?:xlink:)?(?:src|href)\s*=\s*(?:"(?!#|data:)|'(?!#|data:)|(?!["'#]|data:))"""
    r"""|url\(\s*(?:"(?!#|data:)|'(?!#|data:)|(?!["'#]|data:))""",
    re.IGNORECASE,
)


def off_file_references(html: str) -> list[str]:
    markup = re.findall(r"<[^>]*>", html) + re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.DOTALL)
    return [m.group(0) for part in markup for m in OFF_FILE.finditer(part)]


def hostile_calls() -> list[dict]:
    where = dict(feature=HOSTILE, team=HOSTILE_TEAM)
    # 20 calls of .25 in W47 (enough model calls to be drawn in the trend chart too): 5.00.
    rows = [
        call(f"h{i}", f"2026-11-{16 + i % 7}T{i:02d}:00Z", 0.25, where, U1, GPT4O if i % 2 else MINI)
        for i in range(20)
    ]
    return [*CALLS, *rows, call("h-old", "2026-11-10T10:00Z", 0.5, where, U1, MINI)]


@pytest.fixture(scope="module")
def hostile_html() -> dict[str, str]:
    con = make_con(hostile_calls())
    return {kind: render_html(build_report(con, kind, W47, CONFIG)) for kind in ("showback", "chargeback")}


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", html, flags=re.DOTALL)


@pytest.mark.parametrize("kind", ["showback", "chargeback"])
def test_values_from_logs_are_text_in_tables_and_charts(hostile_html, kind):
    html = hostile_html[kind]
    assert "<script" not in html.lower()
    assert "<img" not in html.lower() and "onerror=" not in html.lower().replace("onerror=alert(2)&gt;", "")
    escaped_team = "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;"
    tables = re.sub(r"<svg.*?</svg>", "", html, flags=re.DOTALL)
    assert escaped_team in tables  # Jinja2 autoescape in a table cell
    charts = "".join(svgs(html))
    if kind == "showback":
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in tables
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in charts  # matplotlib's SVG text
        assert "&lt;img src=x onerror=alert(2)&gt;" in charts
    else:
        assert "&lt;img src=x onerror=alert(2)&gt;" in charts


@pytest.mark.parametrize("kind", ["showback", "chargeback"])
def test_page_is_self_contained(hostile_html, kind):
    html = hostile_html[kind]
    assert off_file_references(html) == []
    assert off_file_references('<img src="http://x/y.png">') == [' src="']  # the check itself works
    assert off_file_references("<p>src=x url(y)</p>") == []  # text is not markup
    assert "<link" not in html and "@import" not in html and "@font-face" not in html
    assert "@media print" in html
    assert len(svgs(html)) >= 1
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "element ids must be unique across inline charts"


def test_showback_sections_are_all_there(hostile_html):
    html = hostile_html["showback"]
    for title in (
        "Headline",
        "Why spend moved",
        "Spend by team and feature",
        "Unit economics per feature",
        "Pricing tiers",
        "Model-tier mix trend",
        "Top spenders",
        "Anomalies",
        "Budgets",
        "Data quality",
        "Savings",
        "Agents",
    ):
        assert f"</span>{title}</h2>" in html, title
    # spend by feature, daily by team, frontier trend, agent steps, and a waterfall per
    # "Why spend moved" row
    why_rows = html.count('class="why-sentence')
    assert why_rows >= 3  # the total, each team (growth, docs, the hostile one), their features
    assert len(svgs(html)) == 4 + why_rows
    # $1,234.56 for people; W47 spend = 4.50 + hostile 20 x .25 = 9.50; W46 1.50 + .50 = 2.00,
    # so ▲ (9.5 - 2) / 2 = 375.0%.
    assert "$9.50" in html and "▲ 375.0%" in html


def test_showback_opens_with_the_breaches_linked_to_their_sections():
    # W47 of the render fixture with a rule that every feature's spend breaches and no budgets.
    from llmfinops.config import parse_config

    rule = {"name": "any spend", "metric": "spend", "column": "cost_usd", "op": ">=", "threshold": 0}
    config = parse_config({"alerts": [rule], "check": {"disable": ["silent source", "unpriced calls"]}})
    html = render_html(build_report(make_con(CALLS), "showback", W47, config))
    first = html.index('id="breaches"')
    assert first < html.index('id="headline"')
    assert "threshold(s) breached in 2026-W47</strong> (1 rule(s) and 4 built-in check(s)" in html
    assert '<a href="#spend">any spend</a>' in html
    quiet = parse_config({"check": {"disable": ["silent source", "unpriced calls"]}})
    html = render_html(build_report(make_con(CALLS), "showback", W47, quiet))
    assert "No thresholds breached in 2026-W47 (0 rule(s) and 4 built-in check(s))." in html


def test_margins_sessions_and_gates_in_unit_economics():
    # W47 chat: a1 2.00 + a2 0.50 + a5 1.00 = 3.50; its actions A1 and a5's own call = 2, at 2.50
    # each = 5.00 -> margin (5.00 - 3.50) / 5.00 = 30.0%. search: 30.00 a month x 7 / 30 = 7.00
    # against 0.25 -> (7 - .25) / 7 = 96.4%. search gates chat: its actions A2, A3 never reach chat
    # -> 2 gate actions, 0 passed, 100.0% intercepted.
    from llmfinops.config import FeatureEconomics

    config = Config(
        features={
            "chat": FeatureEconomics(revenue_usd_per_action=2.5),
            "search": FeatureEconomics(revenue_usd_month=30.0, gate_for="chat"),
        }
    )
    html = render_html(build_report(make_con(CALLS), "showback", W47, config))
    margins = html.split('id="margins"')[1].split('id="gates"')[0]
    assert re.search(
        r"<td>chat</td><td class=\"n\">\$5\.00</td><td class=\"n\">\$3\.50</td>\s*<td class=\"n\">30\.0%",
        margins,
    )
    assert re.search(
        r"<td>search</td><td class=\"n\">\$7\.00</td><td class=\"n\">\$0\.25</td>\s*<td class=\"n\">96\.4%",
        margins,
    )
    gates = html.split('id="gates"')[1].split('id="tiers"')[0]
    assert re.search(
        r"<td>search</td><td>chat</td><td class=\"n\">2</td><td class=\"n\">0</td>\s*<td class=\"n\">100\.0%",
        gates,
    )
    assert 'id="gates"' not in render_html(build_report(make_con(CALLS), "showback", W47, CONFIG))


def test_rendering_is_deterministic():
    con = make_con(hostile_calls())
    first = render_html(build_report(con, "showback", W47, CONFIG))
    second = render_html(build_report(make_con(hostile_calls()), "showback", W47, CONFIG))
    assert first == second


@pytest.mark.parametrize("kind", ["showback", "chargeback"])
def test_an_empty_period_says_so(kind):
    report = build_report(make_con(CALLS), kind, resolve_period("2027-W05", None, None), CONFIG)
    assert report.empty
    html = render_html(report)
    assert "No calls in this period" in html
    assert "<svg" not in html


def test_an_empty_warehouse_renders_too():
    report = build_report(make_con([]), "showback", W47, Config())
    html = render_html(report)
    assert "No calls in this period" in html and "run <code>llmfinops ingest</code> first" in html


SHOWBACK_FILES = {
    "showback_headline.csv": "period,cost_usd,prev_cost_usd,calls,prev_calls,unpriced_calls,active_users,"
    "prev_active_users,successful_tasks,prev_successful_tasks,cost_per_successful_task,"
    "prev_cost_per_successful_task,last_call_at",
    "showback_spend_by_team_feature.csv": "period,row_kind,team,feature,calls,cost_usd,share,prev_cost_usd",
    "showback_daily_spend_by_team.csv": "period,day,team,calls,cost_usd",
    "showback_why_spend_moved.csv": "period,scope,team,feature,base_cost_usd,cost_usd,change_usd,volume_usd,"
    "iteration_usd,response_cache_usd,tokens_per_call_usd,model_mix_usd,unit_price_usd,actions_0,actions_1,"
    "calls_per_action_0,calls_per_action_1,model_call_share_0,model_call_share_1,tokens_per_call_0,"
    "tokens_per_call_1,input_tokens_per_call_0,input_tokens_per_call_1,cost_per_token_0,cost_per_token_1,"
    "unpriced_calls_0,unpriced_calls_1",
    "showback_top_users.csv": "period,rank,user_id,cost_usd,share,cumulative_share,calls,unpriced_calls,"
    "partially_priced_calls",
    "showback_anomalies.csv": "period,day,feature,cost_usd,calls,baseline_median,baseline_mad,baseline_days,"
    "change_usd,ratio,robust_z,direction",
    "showback_breaches.csv": "period,rule,severity,metric,column,scope,value,op,threshold,value_text,"
    "threshold_text,section",
    "showback_margins.csv": "period,feature,revenue_usd,cost_usd,margin,unpriced_calls",
    "showback_gates.csv": "period,feature,gated_feature,gate_actions,passed_actions,intercept_rate,"
    "gate_cost_usd,gated_cost_per_action,cost_per_action_without_gate,unpriced_calls",
    "showback_budgets.csv": "period,kind,name,budget_usd,mtd_usd,days_elapsed,days_in_month,projected_usd,"
    "budget_used,projected_vs_budget,status",
    "showback_savings.csv": "period,kind,feature,team,savings_usd,monthly_savings_usd,share_of_feature_cost,"
    "evidence,risk,whatif",
    "showback_agent_steps.csv": "period,feature,step_index,tasks,cost_usd,mean_input_tokens",
    "showback_runaway_tasks.csv": "period,feature,task_id,started_at,steps,cost_usd,outcome,why",
}


def test_showback_csv_files(tmp_path: Path):
    report = build_report(make_con(CALLS), "showback", W47, CONFIG)
    written = write_csv(report, tmp_path / "csv")
    assert sorted(p.name for p in written) == sorted(
        f"showback_{n}.csv"
        for n in (
            "breaches",
            "headline",
            "why_spend_moved",
            "spend_by_team_feature",
            "daily_spend_by_team",
            "unit_economics",
            "margins",
            "sessions",
            "gates",
            "tiers",
            "tier_mix_trend",
            "top_users",
            "top_features",
            "anomalies",
            "budgets",
            "unpriced_by_model",
            "partly_priced",
            "attribution",
            "quarantine",
            "savings",
            "agent_loops",
            "agent_steps",
            "runaway_tasks",
        )
    )
    for name, header in SHOWBACK_FILES.items():
        assert (tmp_path / "csv" / name).read_text().splitlines()[0] == header, name
    headline = next(csv.DictReader(io.StringIO((tmp_path / "csv" / "showback_headline.csv").read_text())))
    # raw numbers, not "$4.50"; W47 cost 4.50 (see test_report_sql)
    assert (headline["period"], headline["cost_usd"], headline["calls"]) == ("2026-W47", "4.5", "7")
    assert headline["last_call_at"] == datetime.fromisoformat("2026-11-21T08:00:00+00:00").isoformat()


def test_chargeback_csv_files_add_up(tmp_path: Path):
    report = build_report(make_con(CALLS), "chargeback", W47, Config())
    write_csv(report, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "chargeback_reconciliation.csv",
        "chargeback_statement.csv",
        "chargeback_summary.csv",
    ]
    lines = list(csv.DictReader(io.StringIO((tmp_path / "chargeback_statement.csv").read_text())))
    assert list(lines[0]) == [
        "period",
        "team",
        "line_type",
        "feature",
        "model",
        "calls",
        "exact_usd",
        "amount_usd",
    ]
    summary = list(csv.DictReader(io.StringIO((tmp_path / "chargeback_summary.csv").read_text())))
    assert list(summary[0]) == [
        "period",
        "team",
        "usage_usd",
        "shared_usd",
        "subtotal_usd",
        "share_of_total",
        "shared_weight",
        "adjustment_rate",
        "adjustment_usd",
        "charged_usd",
    ]
    # Amounts are exact cents as text: the lines and the team subtotals both add up to 4.50.
    assert sum(D(r["amount_usd"]) for r in lines) == D("4.50")
    assert sum(D(r["subtotal_usd"]) for r in summary) == D("4.50")
    assert all(re.fullmatch(r"-?\d+\.\d\d", r["amount_usd"]) for r in lines)


def test_output_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    assert default_name("showback", W47) == "llmfinops-2026-W47-showback.html"
    span = resolve_period(None, datetime(2026, 11, 1).date(), datetime(2026, 11, 8).date())
    assert default_name("chargeback", span) == "llmfinops-2026-11-01_to_2026-11-07-chargeback.html"
    assert output_path(None, "showback", W47) == tmp_path / "llmfinops-2026-W47-showback.html"
    assert output_path("out/", "showback", W47) == Path("out") / "llmfinops-2026-W47-showback.html"
    (tmp_path / "existing").mkdir()
    assert output_path("existing", "showback", W47) == Path("existing") / "llmfinops-2026-W47-showback.html"
    assert output_path("x/r.html", "showback", W47) == Path("x/r.html")
