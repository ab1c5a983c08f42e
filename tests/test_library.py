"""The library works without the CLI, and importing it does not pull the CLI's dependencies in."""

from __future__ import annotations

import subprocess
import sys

from helpers import REPO


def test_library_does_not_load_typer_or_rich():
    code = (
        "import sys; from llmfinops import Warehouse, connect, ingest_paths, reprice, load_config, compute, "
        "run_check; "
        "print(sorted(m for m in ('typer', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_docstring_example_runs(tmp_path):
    import llmfinops
    from llmfinops import Warehouse, compute, connect, ingest_paths, load_config, resolve_period

    wh = Warehouse.at(tmp_path / "wh")
    summary = ingest_paths(
        wh, [REPO / "sample_logs"], config=load_config(REPO / "examples" / "llmfinops.toml")
    )
    assert summary.stored == 34_468  # the sample's unique, usable calls (tools/samplegen.py)
    con = connect(wh)
    spend = compute(con, "spend", period=resolve_period("2026-W47", None, None, None), group_by="team")
    assert set(spend.column("team").to_pylist()) == {"platform", "growth", "support", "docs"}
    assert "Warehouse" in llmfinops.__all__
