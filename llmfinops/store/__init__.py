"""The Parquet store and the DuckDB views over it."""

from llmfinops.store.catalog import connect, refresh_catalog
from llmfinops.store.layout import Warehouse, resolve_warehouse

__all__ = ["Warehouse", "connect", "refresh_catalog", "resolve_warehouse"]
