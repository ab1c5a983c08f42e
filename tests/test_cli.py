"""The command line: every command has help ending with a runnable example; version; errors."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer.main

from llmfinops import __version__
from llmfinops.cli import app
from llmfinops.cli.commands import COMMANDS


def command_names() -> list[str]:
    group = typer.main.get_group(app)
    return sorted(group.list_commands(typer.Context(group)))


@pytest.mark.parametrize("name", command_names())
def test_root_help_summary_is_the_commands_own(name):
    """The root --help prints summaries from llmfinops/cli/commands.py without importing the
    command; each must be the first line of the command's docstring."""
    group = typer.main.get_group(app)
    module, summary = COMMANDS[name]
    command = group.get_command(typer.Context(group), name)
    assert command.callback.__module__ == module
    assert summary == " ".join(command.help.split("\n\n")[0].split())


def test_there_are_commands():
    assert {"ingest", "reprice", "sources", "status"} <= set(command_names())


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_with_an_example(cli, name):
    code, out, _ = cli(name, "--help")
    assert code == 0
    assert f"llmfinops {name}" in out.split("Example:")[-1], f"`{name} --help` should end with an example"


FORMATTED = ["metrics", "sql", "whatif", "savings", "explain", "reconcile"]


@pytest.mark.parametrize("name", command_names())
def test_every_format_option_is_the_shared_one(cli, name):
    # llmfinops/cli/period_opts.py: --format/-f, table|json|csv (check: its own table|json)
    _, out, _ = cli(name, "--help")
    lines = [line for line in out.splitlines() if "--format " in line and "Example:" not in line]
    if name not in [*FORMATTED, "check"]:
        assert not lines
        return
    choices = "<table|json>" if name == "check" else "<table|json|csv>"
    assert len(lines) == 1 and "-f" in lines[0].split() and choices in lines[0], lines


@pytest.mark.parametrize("name", FORMATTED)
def test_a_bad_format_is_a_usage_error_and_case_does_not_matter(cli, name, tmp_path):
    code, _, err = cli(name, "-w", tmp_path / "none", "--format", "xml")
    assert code == 2 and "'xml' is not one of 'table', 'json', 'csv'" in err
    code, _, err = cli(name, "-w", tmp_path / "none", "-f", "JSON")
    assert "Invalid value" not in err  # parsed; fails later, on the missing warehouse or arguments


def test_version(cli):
    code, out, _ = cli("--version")
    assert (code, out.strip()) == (0, f"llmfinops {__version__}")


def test_python_dash_m_entry_point():
    out = subprocess.run(
        [sys.executable, "-m", "llmfinops", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"llmfinops {__version__}"


def test_unknown_source_is_a_clear_error(cli, jsonl, tmp_path):
    path = jsonl([{"ts": "2026-11-16T10:00:00Z", "model": "gpt-4o", "input_tokens": 1, "output_tokens": 1}])
    code, _, err = cli("ingest", path, "--source", "nope", "-w", tmp_path / "wh")
    assert code == 2
    assert err.startswith("Error: unknown source 'nope'; known sources: ")


def test_status_of_an_empty_warehouse_says_what_to_do(cli, tmp_path):
    code, _, err = cli("status", "-w", tmp_path / "empty")
    assert code == 2
    assert "run `llmfinops ingest PATH` first" in err


def test_ingest_prints_summary_and_store_overview(cli, jsonl, tmp_path):
    path = jsonl(
        [
            {
                "ts": "2026-11-16T10:00:00Z",
                "model": "gpt-4o-mini",
                "input_tokens": 1_000_000,
                "output_tokens": 0,
                "feature": "chat",
                "user_id": "u1",
            },
            {"ts": "2026-11-17T10:00:00Z", "model": "mystery", "input_tokens": 1, "output_tokens": 1},
        ]
    )
    code, out, _ = cli("ingest", path, "-w", tmp_path / "wh")
    assert code == 0
    assert "records read" in out and "stored" in out
    assert "mystery" in out  # unpriced, by model
    # 1M input tokens of gpt-4o-mini at $0.15/MTok
    assert "2 calls from 2026-11-16 to 2026-11-17, $0.15 priced, 1 unpriced" in out


def test_root_help_lists_every_command_with_its_whole_summary():
    out = subprocess.run(
        [sys.executable, "-m", "llmfinops", "--help"], capture_output=True, text=True, check=True
    ).stdout
    words = " ".join(out.split())  # summaries wrap over lines
    for name, (_, summary) in COMMANDS.items():
        assert f"{name} {summary}" in words, name
    assert "..." not in out.split("Commands:")[1]  # click cut each summary to one line
