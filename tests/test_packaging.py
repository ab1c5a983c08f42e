"""`pip install .` ships what the package loads at run time: every SQL file and every template."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from helpers import REPO


def test_wheel_contains_queries_and_templates(tmp_path):
    # No build isolation: the build uses the setuptools of this environment and downloads nothing.
    build = [
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--quiet",
        "--wheel-dir",
        str(tmp_path),
        ".",
    ]
    subprocess.run([sys.executable, "-m", *build], cwd=REPO, check=True, capture_output=True)
    (wheel,) = tmp_path.glob("llmfinops-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    sql = {p.name for p in (REPO / "queries").glob("*.sql")}
    kept = (".j2", ".css", ".html")
    templates = {p.name for p in (REPO / "reports" / "templates").iterdir() if p.suffix in kept}
    assert sql and templates
    assert {f"llmfinops/queries/{n}" for n in sql} <= names
    assert {f"llmfinops/templates/{n}" for n in templates} <= names
    # the shipped price-modifier table (llmfinops/pricing/modifiers.py reads it as package data)
    assert "llmfinops/pricing/modifiers.toml" in names
