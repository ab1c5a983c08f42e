"""``llmfinops metrics``: the command parses, calls compute, renders; numbers worked by hand."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from llmfinops.cli import app, metrics_cmd
from llmfinops.cli.app import console, run_app
from llmfinops.metrics import METRICS
from llmfinops.store import Warehouse
from llmfinops.store.writer import commit_calls

runner = CliRunner()

ROWS = [
    # call_id, ts, feature, user_id, user_tier, cost_usd, input_tokens, output_tokens
    ("a1", "2026-11-16T10:00:00+00:00", "chat", "u1", "pro", 1234.5, 1000, 100),
    ("a2", "2026-11-17T10:00:00+00:00", "search", "u2", "free", 0.0042, 10, 5),
    ("a3", "2026-11-18T10:00:00+00:00", "chat", "u1", "pro", None, 100, 10),  # unpriced
    ("a4", "2026-11-16T00:30:00+02:00", "chat", "u1", "pro", 7.0, 1, 1),  # 15th UTC: W46, not W47
]
W47 = ["--period", "2026-W47"]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wh = Warehouse(tmp_path_factory.mktemp("cli") / "wh")
    names = ("call_id", "ts", "feature", "user_id", "user_tier", "cost_usd", "input_tokens", "output_tokens")
    columns = {name: [row[i] for row in ROWS] for i, name in enumerate(names)}
    columns["ts"] = [datetime.fromisoformat(t) for t in columns["ts"]]
    commit_calls(wh, pa.table(columns))
    return wh.root


@pytest.fixture(autouse=True)
def fixed_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_width", 100)  # what the table wraps to, whatever the terminal


def run(warehouse: Path, *args: str) -> str:
    result = runner.invoke(app, ["metrics", *args, "--warehouse", str(warehouse)])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def test_json_has_exactly_the_metric_keys(warehouse):
    # W47: chat = a1 + a3 (unpriced) -> 2 calls, 1234.50, tokens 1100/110; search = a2 -> 0.0042.
    # Total priced 1234.5042. a4 is 2026-11-15 22:30 UTC: last week, left out.
    rows = json.loads(run(warehouse, "spend", *W47, "--format", "json"))
    assert [list(r) for r in rows] == [
        [
            "feature",
            "calls",
            "cost_usd",
            "input_tokens",
            "output_tokens",
            "share",
            "unpriced_calls",
            "partially_priced_calls",
        ]
    ] * 2
    assert [
        (r["feature"], r["calls"], r["input_tokens"], r["output_tokens"], r["unpriced_calls"]) for r in rows
    ] == [
        ("chat", 2, 1100, 110, 1),
        ("search", 1, 10, 5, 0),
    ]
    assert rows[0]["cost_usd"] == 1234.5
    assert math.isclose(rows[1]["cost_usd"], 0.0042)
    assert math.isclose(rows[0]["share"], 1234.5 / 1234.5042)
    assert math.isclose(rows[1]["share"], 0.0042 / 1234.5042)


def test_csv_has_a_header_and_raw_numbers(warehouse):
    text = run(warehouse, "spend", *W47, "--by", "user_tier", "--format", "csv")
    assert text.splitlines()[0] == (
        "user_tier,calls,cost_usd,input_tokens,output_tokens,share,unpriced_calls,partially_priced_calls"
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["user_tier"], r["calls"], r["cost_usd"]) for r in rows] == [
        ("pro", "2", "1234.5"),
        ("free", "1", "0.0042"),
    ]


def test_table_is_for_people(warehouse):
    out = run(warehouse, "spend", *W47)
    assert out.splitlines()[0].rstrip() == "spend · 2026-W47 · by feature"
    # the key is named, not "group" (long headers wrap over a few lines, the first column's included)
    assert ["feature", "calls"] in [line.split()[:2] for line in out.splitlines()[1:5]]
    lines = {line.split()[0]: line.split() for line in out.splitlines()[1:] if line.strip()}
    # chat's share 1234.5/1234.5042 = 99.9997% -> "100.0%"; search 0.0003% -> "0.0%"
    assert lines["chat"] == ["chat", "2", "$1,234.50", "1,100", "110", "100.0%", "1", "0"]
    assert lines["search"] == ["search", "1", "$0.0042", "10", "5", "0.0%", "0", "0"]
    assert "1 unpriced call(s) counted, adding no cost" in out


def test_relative_period_uses_as_of(warehouse):
    # Wednesday 2026-11-25 is in W48, so last-week is W47.
    relative = run(warehouse, "spend", "--period", "last-week", "--as-of", "2026-11-25", "-f", "json")
    assert relative == run(warehouse, "spend", *W47, "-f", "json")
    explicit = run(warehouse, "spend", "--since", "2026-11-16", "--until", "2026-11-23", "-f", "json")
    assert explicit == relative


def test_top_spenders_limit(warehouse):
    # Over W46 + W47: u1 = a1 + a4 = 1241.50, u2 = 0.0042.
    args = ["top-spenders", "--since", "2026-11-09", "--until", "2026-11-23", "-f", "json"]
    assert [(r["rank"], r["user_id"]) for r in json.loads(run(warehouse, *args))] == [(1, "u1"), (2, "u2")]
    top = json.loads(run(warehouse, *args, "--limit", "1"))
    assert len(top) == 1 and top[0]["cost_usd"] == 1241.5
    assert math.isclose(top[0]["cumulative_share"], 1241.5 / 1241.5042)


def test_cost_per_tier_takes_arpu_from_the_config(warehouse, tmp_path):
    config = tmp_path / "llmfinops.toml"
    config.write_text("[user_tiers.pro]\narpu_usd_month = 20.0\n")
    rows = json.loads(run(warehouse, "cost-per-tier", *W47, "--config", str(config), "-f", "json"))
    pro = next(r for r in rows if r["user_tier"] == "pro")
    # one active pro user costing 1234.50 in 7 days: 1234.5 * 30 / 7 / 20 of the ARPU
    assert math.isclose(pro["cost_to_arpu"], 1234.5 * 30 / 7 / 20)
    assert next(r for r in rows if r["user_tier"] == "free")["cost_to_arpu"] is None


def test_group_key_is_named_after_its_dimension(warehouse):
    # One row per dimension value of W47 (a1-a3): the key column carries the dimension's name.
    by_week = json.loads(run(warehouse, "spend", *W47, "--by", "week", "-f", "json"))
    assert [(r["week"], r["calls"]) for r in by_week] == [("2026-W47", 3)]
    # --by none: one row and no key column at all (the SQL's 'all' is not a value of anything).
    (total,) = json.loads(run(warehouse, "spend", *W47, "--by", "none", "-f", "json"))
    assert list(total) == [
        "calls", "cost_usd", "input_tokens", "output_tokens", "share",
        "unpriced_calls", "partially_priced_calls",
    ]  # fmt: skip
    assert total["calls"] == 3
    # model-tier-mix by model_tier: one model_tier column (a1-a3 have no tier: NULL).
    mix = run(warehouse, "model-tier-mix", *W47, "-f", "csv")
    assert (
        mix.splitlines()[0] == "model_tier,calls,call_share,cost_usd,cost_share,output_tokens,unpriced_calls,"
        "partially_priced_calls"
    )
    by_user = run(warehouse, "top-spenders", *W47, "-f", "csv")
    assert by_user.splitlines()[0].startswith("rank,user_id,cost_usd,")


def test_list_names_every_metric(warehouse):
    listed = run(warehouse, "--list")
    for name, spec in METRICS.items():
        assert name in listed and spec.default_group_by in listed
    assert run(warehouse, "list") == listed


def test_every_metric_runs_with_its_default_grouping(warehouse):
    for name in METRICS:
        assert isinstance(json.loads(run(warehouse, name, *W47, "-f", "json")), list)


def test_an_empty_period_says_so(warehouse):
    assert run(warehouse, "spend", "--period", "2025-W01").strip() == "No calls in 2025-W01."
    assert run(warehouse, "spend", "--period", "2025-W01", "-f", "json").strip() == "[]"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "unknown metric 'nope'"),
        (["spend", "--by", "user_id"], "spend cannot be grouped by 'user_id'"),
        (["spend", "--period", "2026-W60"], "not an ISO week"),
        (["spend", "--since", "16/11/2026"], "--since must be a date"),
        (["spend", "--period", "last-week", "--since", "2026-11-01"], "either --period or --since"),
    ],
)
def test_bad_input_exits_2_with_a_message(warehouse, capsys, args, message):
    assert run_app(app, ["metrics", *args, "--warehouse", str(warehouse)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and message in " ".join(err.split())


def test_an_empty_warehouse_points_to_ingest(tmp_path, capsys):
    assert run_app(app, ["metrics", "spend", "--warehouse", str(tmp_path / "none")]) == 2
    assert "llmfinops ingest" in capsys.readouterr().err


def test_help_ends_with_a_runnable_example():
    for command in (metrics_cmd.metrics, metrics_cmd.sql):
        last = (command.__doc__ or "").strip().splitlines()[-1].strip()
        assert last.startswith("Example: llmfinops "), command.__name__
    result = runner.invoke(app, ["metrics", "--help"])
    assert "Example: llmfinops metrics cost-per-task" in result.stdout
