"""``llmfinops explain``: options, keys and errors, on a real warehouse; numbers worked by hand."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from test_explain import BASE, W46, W47, calls

from llmfinops.cli.app import console
from llmfinops.store import Warehouse
from llmfinops.store.writer import commit_calls

KEYS = [
    "feature",
    "base_cost_usd",
    "cost_usd",
    "change_usd",
    "volume_usd",
    "iteration_usd",
    "response_cache_usd",
    "tokens_per_call_usd",
    "model_mix_usd",
    "unit_price_usd",
    "actions_0",
    "actions_1",
    "calls_per_action_0",
    "calls_per_action_1",
    "model_call_share_0",
    "model_call_share_1",
    "tokens_per_call_0",
    "tokens_per_call_1",
    "input_tokens_per_call_0",
    "input_tokens_per_call_1",
    "cost_per_token_0",
    "cost_per_token_1",
    "unpriced_calls_0",
    "unpriced_calls_1",
]
# W45: 'volume' 10 actions x 2 calls ($0.20), as in W46; W46 -> W47 doubles the actions (+0.20).
# 'price' W46 -> W47 goes from $0.01 to $0.012 a call (+0.04); its team is 'pricing'.
ROWS = [
    *[
        {**r, "ts": r["ts"] - timedelta(days=7), "call_id": r["call_id"] + "-w45"}
        for r in calls("volume", 46, **BASE)
    ],
    *calls("volume", 46, **BASE),
    *calls("volume", 47, actions=20, per_action=2),
    *calls("price", 46, **BASE, team="pricing"),
    *calls("price", 47, **BASE, cost=0.012, team="pricing"),
    *calls("price", 47, actions=2, per_action=1, cost=None, team="pricing", tag="u"),
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wh = Warehouse(tmp_path_factory.mktemp("explain") / "wh")
    names = ("call_id", "ts", "feature", "team", "model", "action_id", "cost_usd", "input_tokens",
             "output_tokens", "response_cache_hit")  # fmt: skip
    commit_calls(wh, pa.table({n: [r[n] for r in ROWS] for n in names}))
    return wh.root


@pytest.fixture(autouse=True)
def fixed_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_width", 100)


def run_json(cli, warehouse: Path, *args: str) -> list[dict]:
    code, out, err = cli("explain", *args, "-w", warehouse, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_json_has_exactly_the_keys_of_the_issue(cli, warehouse):
    rows = run_json(cli, warehouse, "--period", "2026-W47")
    assert [list(r) for r in rows] == [KEYS, KEYS]
    volume, price = rows  # +0.20 before +0.04
    assert (volume["feature"], volume["change_usd"], volume["volume_usd"]) == (
        "volume",
        pytest.approx(0.2),
        pytest.approx(0.2),
    )
    assert (price["feature"], price["unit_price_usd"]) == ("price", pytest.approx(0.04))
    assert (price["unpriced_calls_0"], price["unpriced_calls_1"]) == (0, 2)


def test_base_defaults_to_the_previous_period_and_vs_overrides_it(cli, warehouse):
    default = run_json(cli, warehouse, "--period", "2026-W47")
    assert run_json(cli, warehouse, "--period", "2026-W47", "--vs", "2026-W46") == default
    assert run_json(cli, warehouse, "--since", "2026-11-16", "--until", "2026-11-23",
                    "--vs-since", "2026-11-09", "--vs-until", "2026-11-16") == default  # fmt: skip
    # Relative periods use --as-of: last-week of Wednesday 2026-11-25 is W47.
    assert run_json(cli, warehouse, "--period", "last-week", "--as-of", "2026-11-25") == default
    # W47 against W45: 'volume' was 0.20 then as well; 'price' had no calls (a new group: volume).
    against_w45 = {r["feature"]: r for r in run_json(cli, warehouse, "-p", "2026-W47", "--vs", "2026-W45")}
    assert against_w45["volume"]["base_cost_usd"] == pytest.approx(0.20)
    assert against_w45["price"]["volume_usd"] == pytest.approx(0.24)


def test_by_team_and_team_filter(cli, warehouse):
    teams = run_json(cli, warehouse, "-p", "2026-W47", "--by", "team")
    assert [(r["team"], round(r["change_usd"], 2)) for r in teams] == [("t", 0.2), ("pricing", 0.04)]
    only = run_json(cli, warehouse, "-p", "2026-W47", "--team", "pricing")
    assert [r["feature"] for r in only] == ["price"]
    (total,) = run_json(cli, warehouse, "-p", "2026-W47", "--by", "none")
    assert "feature" not in total and total["change_usd"] == pytest.approx(0.24)


def test_csv_has_the_keys_and_raw_numbers(cli, warehouse):
    code, out, _ = cli("explain", "-p", "2026-W47", "-w", warehouse, "-f", "csv")
    assert code == 0
    assert out.splitlines()[0] == ",".join(KEYS)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[1]["feature"] == "price" and float(rows[1]["unit_price_usd"]) == pytest.approx(0.04)


def test_table_is_for_people(cli, warehouse):
    code, out, _ = cli("explain", "-p", "2026-W47", "-w", warehouse)
    assert code == 0
    assert out.splitlines()[0].rstrip() == "explain · 2026-W47 vs 2026-W46 · by feature"
    lines = {line.split()[0]: line.split() for line in out.splitlines()[1:] if line.strip()}
    # base, current, change, volume, iteration, cache, tokens, mix, price, unpriced 0 and 1
    assert lines["volume"] == ["volume", "$0.20", "$0.40", "+$0.20", "+$0.20", *["$0.00"] * 5, "0", "0"]
    assert lines["price"] == ["price", "$0.20", "$0.24", "+$0.04", *["$0.00"] * 5, "+$0.04", "0", "2"]
    assert "2 unpriced call(s) in 2026-W47 are counted, not split." in out.replace("\n", " ")


@pytest.mark.parametrize("by", ["day", "week"])
def test_day_and_week_are_refused_clearly(cli, warehouse, by):
    code, out, err = cli("explain", "-p", "2026-W47", "-w", warehouse, "--by", by)
    assert code == 2 and out == ""
    assert err.startswith(f"Error: explain cannot group by {by}: it compares two periods")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--vs", "2026-W45", "--vs-since", "2026-11-02"], "give either --vs or --vs-since/--vs-until"),
        (["--vs-since", "2026-11-02"], "--vs-since and --vs-until go together"),
        (["--vs-since", "2026-11-02", "--vs-until", "11/09"], "--vs-until must be a date"),
        (["--by", "colour"], "explain cannot be grouped by 'colour'"),
    ],
)
def test_bad_options_are_clear_errors(cli, warehouse, args, message):
    code, _, err = cli("explain", "-p", "2026-W47", "-w", warehouse, *args)
    assert code == 2
    assert message in err, err


def test_periods_used_are_the_fixture_weeks():
    assert (W46.label, W47.label) == ("2026-W46", "2026-W47")


def test_the_analyst_macro_through_llmfinops_sql(cli, warehouse):
    # The analyst file's macro is the same SQL: its `group` column holds what --by team names team.
    code, out, err = cli(
        "sql",
        "SELECT \"group\", change_usd, unit_price_usd FROM explain(TIMESTAMPTZ '2026-11-16 00:00+00', "
        "TIMESTAMPTZ '2026-11-23 00:00+00', TIMESTAMPTZ '2026-11-09 00:00+00', "
        "TIMESTAMPTZ '2026-11-16 00:00+00', group_by := 'team')",
        "-w",
        warehouse,
        "-f",
        "json",
    )
    assert code == 0, err
    rows = json.loads(out)
    assert [r["group"] for r in rows] == ["t", "pricing"]
    assert rows[1]["unit_price_usd"] == pytest.approx(0.04)
