"""The reports of the bundled sample, through the CLI, opened in a real headless Chromium.

The sample (sample_logs/ + examples/llmfinops.toml) covers ISO weeks 2026-W42..W47. Its story:
in W47 the agent feature's frontier-model share jumps from ~15% to ~59% (a routing
regression), and summarise spends ~16x its usual day on 2026-11-05.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from browser import find_chromium, open_page
from helpers import REPO
from matplotlib import image
from test_report_render import off_file_references

from llmfinops.cli import app
from llmfinops.cli.app import run_app
from llmfinops.metrics import EFFECTS, compute, resolve_period
from llmfinops.report.chargeback import round_cents, to_decimal
from llmfinops.report.formatting import signed_usd, usd
from llmfinops.store import Warehouse, connect

CONFIG = REPO / "examples" / "llmfinops.toml"
MAX_BYTES = 2 * 1024 * 1024
# "Why spend moved" rows of W47 against W46: the total, 4 teams and each team's top 3 features
# by |change| (platform: agent, research-agent, log-triage; support: ticket-reply, kb-answer,
# (none); growth: onboarding-email, extract, (none); docs: nightly-digest, summarise) = 1 + 4 + 11.
WHY_ROWS_W47 = 16


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample ingested once into a fresh warehouse."""
    wh = tmp_path_factory.mktemp("sample") / "wh"
    code = run_app(app, ["ingest", str(REPO / "sample_logs"), "-w", str(wh), "-c", str(CONFIG), "-q"])
    assert code == 0
    return wh


@pytest.fixture(scope="module")
def w47(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default report as cron would make it on Wednesday 2026-11-25: showback of last week."""
    out = tmp_path_factory.mktemp("out")
    code = run_app(
        app,
        ["report", "-w", str(sample), "-c", str(CONFIG), "--as-of", "2026-11-25", "-q", "--out", f"{out}/"],
    )
    assert code == 0
    return out / "llmfinops-2026-W47-showback.html"


def report(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run_app(app, ["report", "-w", str(sample), "-c", str(CONFIG), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_showback_w47_is_one_small_self_contained_file(w47: Path):
    html = w47.read_text(encoding="utf-8")
    assert w47.stat().st_size < MAX_BYTES
    assert "<script" not in html.lower()
    assert off_file_references(html) == []
    # 4 charts (spend by feature, daily by team, frontier trend, agent steps), plus a waterfall
    # per "Why spend moved" row: WHY_ROWS_W47 (see below).
    assert html.count("<svg") == 4 + WHY_ROWS_W47


def test_same_warehouse_same_bytes(sample: Path, w47: Path, tmp_path: Path):
    # Explicit period instead of --as-of: the same report, so the same file to the byte.
    code = run_app(
        app,
        [
            "report",
            "-w",
            str(sample),
            "-c",
            str(CONFIG),
            "-p",
            "2026-W47",
            "-q",
            "-o",
            str(tmp_path / "again.html"),
        ],
    )
    assert code == 0
    assert (tmp_path / "again.html").read_bytes() == w47.read_bytes()


def test_showback_w47_tells_the_sample_story(w47: Path):
    html = w47.read_text(encoding="utf-8")
    # The routing regression: agent's frontier share in W47 is flagged, in the table and the chart.
    assert "▲ frontier share up ≥ 10 pp: check routing" in html
    assert "agent  ▲ routing?" in html
    # ... and its spend shows as anomalies (several agent days far above their baseline).
    anomalies = html.split('id="anomalies"')[1].split('id="budgets"')[0]
    assert anomalies.count("<td>agent</td>") >= 3


def test_showback_w47_opens_with_the_breached_rules(w47: Path):
    # examples/llmfinops.toml: agent earns 0.25 a task and costs more than that (critical), its
    # month-to-date spend is over the feature budget, and the anomalies are listed; each links.
    html = w47.read_text(encoding="utf-8")
    first = html.split('id="breaches"')[1].split('<nav class="toc"')[0]
    assert "threshold(s) breached in 2026-W47" in first
    assert '<a href="#margins">agent margin</a>' in first
    assert '<a href="#budgets">budget over</a>' in first
    assert first.count('<a href="#anomalies">spend anomaly</a>') >= 3


def test_check_on_the_sample_as_cron_runs_it(sample, capsys):
    # The nightly run of Monday 2026-11-23 judges Sunday the 22nd: agent's margin and budget
    # are critical, so the exit code is 2; the rules that hold (prompt cache, users at ceiling)
    # stay quiet.
    import json

    capsys.readouterr()
    args = ["check", "-w", str(sample), "-c", str(CONFIG), "--as-of", "2026-11-23", "-f", "json"]
    code = run_app(app, args)
    found = json.loads(capsys.readouterr().out)
    assert code == 2
    rules = {(b["rule"], b["scope"]) for b in found}
    assert {("agent margin", "feature=agent"), ("budget over", "feature=agent")} <= rules
    assert not {r for r, _ in rules} & {"prompt cache fell", "users at ceiling"}
    assert {b["period"] for b in found} == {"2026-11-22"}


def test_summarise_spike_is_flagged_in_its_week(sample, tmp_path, capsys):
    code, out, _ = report(
        sample, tmp_path, capsys, "--period", "2026-W45", "--out", str(tmp_path / "w45.html")
    )
    assert code == 0 and out.startswith("Wrote showback report for 2026-W45")
    anomalies = (tmp_path / "w45.html").read_text().split('id="anomalies"')[1].split('id="budgets"')[0]
    assert re.search(r"<td>2026-11-05</td><td>summarise</td>", anomalies)


def test_showback_w47_in_a_real_browser(w47: Path, tmp_path: Path):
    if find_chromium() is None:
        pytest.skip("Chromium not found: apt-get install -y chromium (or set LLMFINOPS_CHROMIUM)")
    page = open_page(w47, width=1280, height=4000)
    assert page.requests == [w47.resolve().as_uri()], "the page fetched something besides itself"
    assert page.errors == []
    (tmp_path / "shot.png").write_bytes(page.png)
    pixels = image.imread(tmp_path / "shot.png")[:, :, :3]
    assert pixels.shape[:2] == (4000, 1280)
    ink = (pixels.min(axis=2) < 0.9).mean()  # share of pixels that are not (near) white
    colours = len({tuple(p) for p in (pixels[::7, ::7] * 255).astype(int).reshape(-1, 3)})
    assert ink > 0.05, f"the page looks blank ({ink:.1%} ink)"
    assert colours > 100, f"only {colours} distinct colours: charts missing?"


WHY_ROWS = """
(() => {
  const section = document.getElementById("why").closest("section");
  const box = section.getBoundingClientRect();
  const charts = [...section.querySelectorAll("figure.chart svg")].filter(
    (svg) => svg.getBoundingClientRect().height > 50);
  return {
    height: box.height,
    charts: charts.length,
    sentences: [...section.querySelectorAll(".why-sentence")].map((p) => p.innerText),
    rows: [...section.querySelectorAll("table.why-table tbody tr")].map(
      (tr) => [tr.dataset.scope, ...[...tr.cells].map((td) => td.innerText)]),
  };
})()
"""


def explain_json(sample: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    capsys.readouterr()
    code = run_app(app, ["explain", "-w", str(sample), "-p", "2026-W47", "-f", "json", *args])
    out, _ = capsys.readouterr()
    assert code == 0
    return json.loads(out)


def test_why_spend_moved_in_a_real_browser_equals_the_cli(sample: Path, w47: Path, capsys):
    if find_chromium() is None:
        pytest.skip("Chromium not found: apt-get install -y chromium (or set LLMFINOPS_CHROMIUM)")
    page = open_page(w47, width=1280, height=2000, evaluate=WHY_ROWS)
    assert page.errors == []
    shown = page.value
    assert shown["height"] > 1000 and shown["charts"] == WHY_ROWS_W47  # rendered, with a waterfall per row
    # The CLI's rows in the report's order: the total, then each team and its top 3 features.
    expected = [("total", "All spend", explain_json(sample, capsys, "--by", "none")[0])]
    for team in explain_json(sample, capsys, "--by", "team"):
        expected.append(("team", f"Team {team['team']}", team))
        for feature in explain_json(sample, capsys, "--team", team["team"])[:3]:
            name = f"{feature['feature'] or '(none)'} ({team['team']})"
            expected.append(("feature", name, feature))
    assert len(shown["rows"]) == len(expected) == WHY_ROWS_W47
    money = ("change_usd", *(f"{e}_usd" for e in EFFECTS))
    for (scope, name, row), cells in zip(expected, shown["rows"], strict=True):
        assert cells[:2] == [scope, name]
        assert cells[2:4] == [usd(row["base_cost_usd"]), usd(row["cost_usd"])]
        assert cells[4:] == [signed_usd(row[key]) for key in money], name
    # The sentences name the effects of at least 10% of the change, from the same numbers.
    total = expected[0][2]
    assert shown["sentences"][0].startswith(
        f"All spend: {signed_usd(total['change_usd'])} "
        f"({total['change_usd'] / total['base_cost_usd'] * 100:+.0f}%): "
        f"model mix {signed_usd(total['model_mix_usd'])}"
    )
    # The sample's planted causes, one per feature (tools/samplegen.py): the agent's routing
    # regression, then the helpdesk's longer context, retry loop, broken cache and roll-out.
    said = {s.split(":")[0]: s for s in shown["sentences"]}
    assert said["agent (platform)"].startswith(
        "agent (platform): +$28.97 (+106%): model mix +$27.02, volume +$7.57 (81 → 99 actions)"
    )
    assert said["ticket-reply (support)"].split(": ")[2].startswith("tokens per call +$")
    assert said["log-triage (platform)"].split(": ")[2].startswith("iteration +$")
    assert "(2.00 → 5.00 calls per action)" in said["log-triage (platform)"]
    assert said["kb-answer (support)"].split(": ")[2].startswith("response cache +$")
    assert said["onboarding-email (growth)"].split(": ")[2].startswith("volume +$")


def test_chromium_check_catches_a_network_request_and_a_console_error(tmp_path: Path):
    if find_chromium() is None:
        pytest.skip("Chromium not found: apt-get install -y chromium (or set LLMFINOPS_CHROMIUM)")
    bad = tmp_path / "bad.html"
    bad.write_text('<p>x</p><img src="http://127.0.0.1:9/x.png"><script>console.error("boom")</script>')
    page = open_page(bad, width=400, height=300, timeout=30)
    assert "http://127.0.0.1:9/x.png" in page.requests
    assert "console.error: boom" in page.errors


def test_chargeback_on_the_sample_without_billed_costs(sample, tmp_path, capsys):
    code, out, err = report(
        sample,
        tmp_path,
        capsys,
        "--kind",
        "chargeback",
        "--period",
        "2026-W47",
        "--out",
        str(tmp_path / "cb.html"),
        "--csv",
        str(tmp_path / "csv"),
    )
    assert (code, err) == (0, "")
    assert out.splitlines()[0].startswith("Wrote chargeback report for 2026-W47")
    html = (tmp_path / "cb.html").read_text()
    assert "No billed totals for this period" in html and "Allocation rule: proportional." in html
    # The team subtotals add up to the cent to the period's spend, which metric_spend (another
    # query than the chargeback's) gives as one figure.
    con = connect(Warehouse.at(sample))
    spend = compute(con, "spend", period=resolve_period("2026-W47", None, None), group_by="none")
    con.close()
    total_cents = round_cents(to_decimal(spend.column("cost_usd")[0].as_py()))
    summary = list(csv.DictReader(io.StringIO((tmp_path / "csv" / "chargeback_summary.csv").read_text())))
    assert {r["team"] for r in summary} == {"docs", "growth", "platform", "support"}
    assert sum(Decimal(r["subtotal_usd"]) for r in summary) * 100 == total_cents
    # platform carries the config's +10% markup on top of its subtotal.
    platform = next(r for r in summary if r["team"] == "platform")
    assert Decimal(platform["charged_usd"]) == Decimal(platform["subtotal_usd"]) + Decimal(
        platform["adjustment_usd"]
    )
    assert round(Decimal(platform["subtotal_usd"]) * Decimal("0.10"), 2) == Decimal(
        platform["adjustment_usd"]
    )


def test_empty_period_writes_a_report_and_exits_3(sample, tmp_path, capsys):
    code, out, err = report(sample, tmp_path, capsys, "--period", "2027-W05", "--out", f"{tmp_path}/", "-q")
    assert code == 3 and out == ""
    assert err.startswith("Warning: no calls in 2027-W05")
    assert "No calls in this period" in (tmp_path / "llmfinops-2027-W05-showback.html").read_text()


def test_default_name_in_the_current_folder(sample, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = report(sample, tmp_path, capsys, "--period", "2026-11", "--kind", "chargeback")
    assert code == 0
    assert out.strip().endswith(str(tmp_path / "llmfinops-2026-11-chargeback.html"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-W60"], "Error: '2026-W60' is not an ISO week of 2026"),
        (["--period", "2026-W47", "--since", "2026-11-01"], "Error: give either --period or --since/--until"),
        (["--since", "yesterday"], "Error: --since must be a date like 2026-11-16"),
    ],
)
def test_bad_options_exit_2(sample, tmp_path, capsys, args, message):
    code, _, err = report(sample, tmp_path, capsys, *args, "--out", str(tmp_path / "x.html"))
    assert code == 2 and err.startswith(message)
    assert not (tmp_path / "x.html").exists()


def test_no_warehouse_exits_2(tmp_path, capsys):
    capsys.readouterr()
    code = run_app(app, ["report", "-w", str(tmp_path / "none"), "--out", str(tmp_path / "x.html")])
    assert code == 2 and "run `llmfinops ingest PATH` first" in capsys.readouterr().err
