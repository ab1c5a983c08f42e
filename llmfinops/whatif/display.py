"""The total row the whatif table prints (JSON and CSV carry the groups only)."""

from __future__ import annotations

import pyarrow as pa

_SUMMED = (
    "cost_usd",
    "whatif_cost_usd",
    "savings_usd",
    "calls_affected",
    "calls_dropped",
    "not_applicable_calls",
    "unpriced_calls",
)


def with_total(table: pa.Table) -> pa.Table:
    """``table`` plus a last row 'total' (sums; savings_share of the sums)."""
    if table.num_rows == 0:
        return table
    label = table.column_names[0] if table.column_names[0] not in _SUMMED else None
    rows = table.to_pylist()
    if label is None:  # --by none: the one row is the total
        return table
    total: dict[str, object] = {label: "total"}
    for name in _SUMMED:
        total[name] = sum(r[name] for r in rows)
    cost = float(total["cost_usd"])  # type: ignore[arg-type]
    total["savings_share"] = float(total["savings_usd"]) / cost if cost else None  # type: ignore[arg-type]
    out = pa.Table.from_pylist([*rows, total], schema=table.schema.set(0, pa.field(label, pa.string())))
    return out
