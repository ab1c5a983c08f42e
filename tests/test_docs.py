"""The README says what the code does: its schema table, set-up commands and query files."""

from __future__ import annotations

import re

from helpers import REPO

from llmfinops import schema, sqlfiles

README = (REPO / "README.md").read_text()


def test_readme_schema_table_is_the_declared_schema():
    assert schema.markdown_table() in README


def test_readme_setup_commands_exist_in_the_makefile_and_ci_runs_the_test_one():
    makefile = (REPO / "Makefile").read_text()
    for target in re.findall(r"^make (\w+)", README, flags=re.MULTILINE):
        assert re.search(rf"^{target}:", makefile, flags=re.MULTILINE), f"README uses `make {target}`"
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in ci and "make test" in README


def test_every_query_file_starts_with_a_header_comment():
    for name in sqlfiles.names():
        assert sqlfiles.header(name), f"queries/{name}.sql needs a header comment"
