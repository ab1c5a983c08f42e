"""Run the FinOps Foundation's focus-validator (2.2.1, from `make focus-validator`) on an export.

It needs Python >= 3.12, so it lives in its own venv (.venv-focus). It exits 0 even when rules
fail: the verdict is its `Total: … | Pass: … | Fail: N | Skipped: …` line and its `❌ rule: FAIL` lines.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import REPO

# The validator's wheel has no FOCUS 1.3 model: tests/focus_rules/README.md says where this one is from.
RULES_13 = REPO / "tests" / "focus_rules" / "1.3"


def validator() -> Path:
    """focus-validator from $LLMFINOPS_FOCUS_VALIDATOR or `make focus-validator`'s .venv-focus."""
    env = os.environ.get("LLMFINOPS_FOCUS_VALIDATOR")
    found = Path(env) if env else REPO / ".venv-focus" / "bin" / "focus-validator"
    if found.is_file():
        return found
    if not python_312_candidates():
        pytest.skip("the FOCUS validator needs Python >= 3.12 and none is installed (pyenv, python3.12, ...)")
    pytest.fail(f"{found} is missing: run `make focus-validator` (or set LLMFINOPS_FOCUS_VALIDATOR)")


def python_312_candidates() -> list[str]:
    """The Pythons `make focus-validator` would try that are >= 3.12."""
    candidates: list[str] = []
    if shutil.which("pyenv"):
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True).stdout.strip()
        candidates += sorted(str(p) for p in Path(root).glob("versions/3.1[2-9]*/bin/python"))
    candidates += [p for n in ("python3.12", "python3.13", "python3.14", "python3") if (p := shutil.which(n))]
    check = "import sys; sys.exit(sys.version_info < (3, 12))"
    return [c for c in candidates if subprocess.run([c, "-c", check], capture_output=True).returncode == 0]


def run_validator(
    exe: Path, data: Path, version: str = "1.2", criteria: tuple[str, ...] = ()
) -> tuple[dict[str, int], list[str]]:
    """(Total/Pass/Fail/Skipped, failing rule ids) of validating ``data`` against FOCUS ``version``."""
    counts, failing, _ = rule_results(exe, data, version, criteria)
    return counts, failing


def rule_results(
    exe: Path, data: Path, version: str = "1.2", criteria: tuple[str, ...] = ()
) -> tuple[dict[str, int], list[str], list[str]]:
    """(Total/Pass/Fail/Skipped, failing rule ids, passing rule ids)."""
    where = "import focus_validator, os; print(os.path.dirname(os.path.dirname(focus_validator.__file__)))"
    site = subprocess.run(
        [str(exe.parent / "python"), "-c", where], capture_output=True, text=True, check=True
    ).stdout.strip()
    args = [str(exe), "--data-file", str(data), "--validate-version", version, "--block-download"]
    if version == "1.3":
        args += ["--rule-set-path", str(RULES_13)]
    if criteria:
        args += ["--applicability-criteria", ",".join(criteria)]
    # It reads focus_validator/rules/currency_codes.csv relative to the working directory.
    proc = subprocess.run(args, capture_output=True, text=True, cwd=site, timeout=600)
    output = proc.stdout + proc.stderr
    m = re.search(r"Total: (\d+) \| Pass: (\d+) \| Fail: (\d+) \| Skipped: (\d+)", output)
    assert m, f"no summary line in the validator's output:\n{output[-2000:]}"
    counts = dict(zip(("Total", "Pass", "Fail", "Skipped"), map(int, m.groups()), strict=True))
    failing = re.findall(r"^❌ (\S+): FAIL", output, flags=re.MULTILINE)
    return counts, failing, re.findall(r"^✅ (\S+): PASS", output, flags=re.MULTILINE)


def sample_cost(cli, wh: Path) -> str:
    """The sample's priced cost (response-cache hits are no charge), from the calls, as the CLI prints it."""
    sql = "SELECT sum(cost_usd) AS c FROM calls WHERE NOT coalesce(response_cache_hit, false)"
    _, out, _ = cli("sql", sql, "-w", wh, "-f", "json")
    return f"${Decimal(repr(json.loads(out)[0]['c'])).quantize(Decimal('0.01')):,}"
