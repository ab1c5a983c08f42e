"""Where commands are registered: one line per command, imported only when that command runs.

How to add a command (``--help`` and ``--version`` must not import duckdb, pyarrow, genai_prices
or matplotlib; ``tests/test_startup.py`` fails when they do):

1. Write ``llmfinops/cli/<family>_cmd.py`` with ``register(app)`` calling
   ``app.command("<name>")(function)``, like the modules listed below. Import heavy libraries
   inside the command function (or a helper it calls), not at the top of the module, so that
   ``llmfinops <name> --help`` stays quick too.
2. Add ``"<name>": ("llmfinops.cli.<family>_cmd", "<the first line of its docstring>")`` below.
   The root ``--help`` prints that summary without importing the module;
   ``tests/test_cli.py`` checks it matches the docstring.
"""

from __future__ import annotations

COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": (
        "llmfinops.cli.ingest_cmd",
        "Normalise, price and store call logs; re-running on the same files adds nothing.",
    ),
    "reprice": (
        "llmfinops.cli.ingest_cmd",
        "Re-price the stored history with the current catalog and config overrides.",
    ),
    "sources": ("llmfinops.cli.ingest_cmd", "List the input formats llmfinops reads (names for --source)."),
    "status": ("llmfinops.cli.ingest_cmd", "Print what the warehouse holds."),
    "metrics": (
        "llmfinops.cli.metrics_cmd",
        "Print one unit-economics metric over a period, one row per group.",
    ),
    "sql": (
        "llmfinops.cli.metrics_cmd",
        "Run one read-only SQL statement against the warehouse and print the result.",
    ),
    "explain": (
        "llmfinops.cli.explain_cmd",
        "Why spend moved: each group's cost change split into six drivers that add up to it.",
    ),
    "report": (
        "llmfinops.cli.report_cmd",
        "Write a showback or chargeback report as one self-contained HTML file.",
    ),
    "check": (
        "llmfinops.cli.check_cmd",
        "Check a period against the config's alert rules and the built-in checks.",
    ),
    "reconcile": (
        "llmfinops.cli.reconcile_cmd",
        "Line up billed cost (provider cost exports) with the cost app logs attribute, per day, "
        "provider, model.",
    ),
    "publish": (
        "llmfinops.cli.publish_cmd",
        "Register the current day files in an Iceberg table partitioned by day(ts), without copying them.",
    ),
    "export": (
        "llmfinops.cli.export_cmd",
        "Write the period's priced calls as FinOps FOCUS 1.3 (or 1.2) cost rows, for FinOps tools and BI.",
    ),
    "whatif": (
        "llmfinops.cli.whatif_cmd",
        "Re-price the period's stored calls under a scenario and show what it would save, per group.",
    ),
    "savings": (
        "llmfinops.cli.savings_cmd",
        "List the period's savings opportunities, largest first, with evidence, risk and the whatif.",
    ),
}
