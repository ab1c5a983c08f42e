"""The Parquet store and the DuckDB views over it."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from llmfinops.store.layout import Warehouse, resolve_warehouse

if TYPE_CHECKING:
    from llmfinops.store.catalog import connect, refresh_catalog

__all__ = ["Warehouse", "connect", "refresh_catalog", "resolve_warehouse"]


def __getattr__(name: str) -> Any:
    # The DuckDB side loads on first use: a command that only names a warehouse (its --help,
    # report's and publish's option parsing) must not import DuckDB and the price catalog.
    if name in ("connect", "refresh_catalog"):
        return getattr(import_module("llmfinops.store.catalog"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
