"""Start-up: `--version` and `--help` load no engine, and a command loads only its own module.

Checked on what a fresh interpreter has imported (``sys.modules``), not on time: timings are in
``benchmarks/bench_startup.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("duckdb", "pyarrow", "genai_prices", "matplotlib", "polars", "jinja2", "numpy")

_PROBE = """
import io, json, sys
from contextlib import redirect_stdout
from llmfinops.cli import app
from llmfinops.cli.app import run_app
with redirect_stdout(io.StringIO()):
    code = run_app(app, sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def loaded_by(*args: str) -> tuple[int, set[str]]:
    """Exit code and top-level modules imported by running the CLI with ``args`` in a new process."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    return found["code"], {m.split(".")[0] for m in found["modules"]}


@pytest.mark.parametrize("args", [["--version"], ["--help"], []])
def test_version_and_help_import_no_engine(args):
    code, modules = loaded_by(*args)
    assert code in (0, 2)  # no arguments prints the help and exits 2 (click's usage exit)
    assert modules.isdisjoint(HEAVY), f"`llmfinops {' '.join(args)}` imported {sorted(modules & set(HEAVY))}"


def test_version_imports_no_rich():
    # rich costs ~40 ms: only commands that print tables or help need it
    _, modules = loaded_by("--version")
    assert "rich" not in modules


def test_ingest_help_loads_only_the_ingest_module():
    code, _ = loaded_by("ingest", "--help")
    assert code == 0
    probe = _PROBE + "print(json.dumps(sorted(m for m in sys.modules if m.startswith('llmfinops.cli.'))))\n"
    out = subprocess.run(
        [sys.executable, "-c", probe, "ingest", "--help"], capture_output=True, text=True, check=True
    ).stdout
    cli_modules = set(json.loads(out.strip().splitlines()[-1]))
    assert "llmfinops.cli.ingest_cmd" in cli_modules
    others = {"llmfinops.cli.metrics_cmd", "llmfinops.cli.report_cmd", "llmfinops.cli.export_cmd"}
    assert not cli_modules & others
    _, modules = loaded_by("ingest", "--help")
    assert modules.isdisjoint(HEAVY)


def test_import_llmfinops_is_light():
    out = subprocess.run(
        [sys.executable, "-c", "import sys, llmfinops; print(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    top = {m.split(".")[0] for m in out.split()}
    assert top.isdisjoint({*HEAVY, "typer", "rich"})


@pytest.mark.parametrize(
    "command",
    ["check", "export", "whatif", "explain", "savings", "report", "publish", "metrics", "sql", "reconcile"],
)
def test_a_commands_help_imports_no_engine(command):
    # the shared period options once imported llmfinops.metrics, whose package loads DuckDB
    code, modules = loaded_by(command, "--help")
    assert code == 0
    assert modules.isdisjoint({"duckdb", "pyarrow", "polars", "matplotlib"}), sorted(modules & set(HEAVY))
