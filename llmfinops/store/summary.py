"""A one-row overview of what a warehouse holds."""

from __future__ import annotations

from typing import Any

from llmfinops import sqlfiles
from llmfinops.store.catalog import connect
from llmfinops.store.layout import Warehouse


def store_summary(wh: Warehouse) -> dict[str, Any]:
    """Calls, date range, priced cost and attribution counts of the whole store."""
    wh.require()
    con = connect(wh, macros=False)  # the views are all it reads
    try:
        return sqlfiles.run(con, "store_summary").to_pylist()[0]
    finally:
        con.close()
