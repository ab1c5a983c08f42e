"""llmfinops: offline FinOps for LLM spend.

The library is usable without the CLI::

    from llmfinops import Warehouse, ingest_paths, load_config, connect
    wh = Warehouse.at("llmfinops-data")
    summary = ingest_paths(wh, ["sample_logs/"], config=load_config("examples/llmfinops.toml"))
    con = connect(wh)  # DuckDB with the calls/prices/quarantine views and the metric macros
    result = run_check(con, resolve_period("yesterday", None, None), load_config())  # guardrails

``import llmfinops`` stays light (no typer or rich); the names below load on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# The one place the version is written (pyproject reads it from here): reading it back from the
# installed metadata cost `llmfinops --version` 40 ms of importlib.metadata.
from llmfinops._version import __version__
from llmfinops.errors import LlmFinopsError

_PUBLIC = {
    "Warehouse": "llmfinops.store",
    "connect": "llmfinops.store",
    "ingest_paths": "llmfinops.ingest.pipeline",
    "reprice": "llmfinops.pricing.reprice",
    "load_config": "llmfinops.config",
    "compute": "llmfinops.metrics",
    "explain": "llmfinops.metrics",
    "resolve_period": "llmfinops.metrics",
    "run_check": "llmfinops.guardrails.run",
}

__all__ = ["LlmFinopsError", "__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'llmfinops' has no attribute {name!r}")
