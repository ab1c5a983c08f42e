"""The ``llmfinops`` command: a thin typer layer over the library.

Each command family lives in its own module with a ``register(app)``; the table in
:mod:`llmfinops.cli.commands` names them, and a module is imported only when one of its commands
runs (see :mod:`llmfinops.cli.lazy`), so ``--version`` and ``--help`` start at once.
"""

from __future__ import annotations

import sys

from llmfinops.cli.app import app, run_app


def main() -> None:
    sys.exit(run_app(app))


__all__ = ["app", "main"]
