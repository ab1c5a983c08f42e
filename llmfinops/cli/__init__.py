"""The ``llmfinops`` command: a thin typer layer over the library.

Each command family lives in its own module and registers itself on :data:`app`; every
command parses options, calls one library function and renders the result.
"""

from __future__ import annotations

import sys

from llmfinops.cli import export_cmd, ingest_cmd, metrics_cmd, publish_cmd, reconcile_cmd, report_cmd
from llmfinops.cli.app import app, run_app

for _module in (ingest_cmd, metrics_cmd, report_cmd, reconcile_cmd, export_cmd, publish_cmd):
    _module.register(app)


def main() -> None:
    sys.exit(run_app(app))


__all__ = ["app", "main"]
