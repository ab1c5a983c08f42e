"""The canonical call: one row per LLM request an application made.

Declared once here; every ingester's output is checked against it before it reaches the
store, the Parquet files are written with exactly these types, and the README table is
generated from the same list (``llmfinops schema``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from llmfinops.errors import LlmFinopsError


@dataclass(frozen=True)
class Column:
    name: str
    arrow_type: pa.DataType
    duckdb_type: str
    meaning: str


_STR, _I64, _F64, _BOOL = pa.string(), pa.int64(), pa.float64(), pa.bool_()
_TS = pa.timestamp("us", tz="UTC")
_TAGS = pa.map_(pa.string(), pa.string())

CALL_COLUMNS: tuple[Column, ...] = (
    Column("call_id", _STR, "VARCHAR", "Unique id: the provider request id where there is one, else a hash of the record."),
    Column("ts", _TS, "TIMESTAMPTZ", "When the call was made, UTC."),
    Column("provider", _STR, "VARCHAR", "openai, anthropic, google, aws, azure, … (inferred from the model if absent)."),
    Column("model", _STR, "VARCHAR", "Normalised model id, e.g. gpt-4o-mini, claude-sonnet-4-20250514."),
    Column("model_tier", _STR, "VARCHAR", "budget | mid | frontier, NULL when neither the mapping nor a price places it."),
    Column("input_tokens", _I64, "BIGINT", "ALL prompt tokens, cached and cache-written ones included."),
    Column("cached_input_tokens", _I64, "BIGINT", "Part of input_tokens read from a provider prompt cache."),
    Column("cache_write_tokens", _I64, "BIGINT", "Part of input_tokens written to a prompt cache (all TTLs)."),
    Column("cache_write_1h_tokens", _I64, "BIGINT", "Part of cache_write_tokens written with a 1-hour TTL (2x input)."),
    Column("output_tokens", _I64, "BIGINT", "All generated tokens, reasoning included."),
    Column("reasoning_tokens", _I64, "BIGINT", "Part of output_tokens spent on reasoning/thinking."),
    Column("cost_usd", _F64, "DOUBLE", "Cost in USD; NULL when the call cannot be priced."),
    Column("cost_source", _STR, "VARCHAR", "reported | catalog | override | unpriced."),
    Column("price_version", _STR, "VARCHAR", "Catalog version and override-set hash that priced the row."),
    Column("user_id", _STR, "VARCHAR", "End user the call was made for."),
    Column("user_tier", _STR, "VARCHAR", "Pricing tier of the user (free, pro, enterprise, …)."),
    Column("team", _STR, "VARCHAR", "Team that owns the feature."),
    Column("feature", _STR, "VARCHAR", "Product feature that made the call."),
    Column("task_id", _STR, "VARCHAR", "A unit of work that may take many calls (agent run, retried job)."),
    Column("action_id", _STR, "VARCHAR", "One user action (a click, a message) that may take many calls."),
    Column("session_id", _STR, "VARCHAR", "User or agent session."),
    Column("step", _I64, "BIGINT", "Position of the call inside its task."),
    Column("status", _STR, "VARCHAR", "ok | error."),
    Column("task_outcome", _STR, "VARCHAR", "success | failure | NULL, as logged by the application."),
    Column("response_cache_hit", _BOOL, "BOOLEAN", "Answered by the app's own response cache: no model call, cost 0."),
    Column("batch", _BOOL, "BOOLEAN", "Sent through a provider batch API (discounted)."),
    Column("latency_ms", _F64, "DOUBLE", "End-to-end latency in milliseconds."),
    Column("prompt_version", _STR, "VARCHAR", "Version label of the prompt template."),
    Column("source", _STR, "VARCHAR", "Name of the ingester that read the record."),
    Column("source_file", _STR, "VARCHAR", "File the record was read from (as given on the command line)."),
    Column("tags", _TAGS, "MAP(VARCHAR, VARCHAR)", "Other scalar fields the log carried (never prompt or response text)."),
)

CALL_SCHEMA: pa.Schema = pa.schema([pa.field(c.name, c.arrow_type) for c in CALL_COLUMNS])
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in CALL_COLUMNS)

# Columns an ingester fills before pricing; model_tier, cost_usd (unless reported),
# cost_source and price_version are set by the pricing step.
PRICED_BY_STORE = ("model_tier", "cost_source", "price_version")

MODEL_TIERS = ("budget", "mid", "frontier")
COST_SOURCES = ("reported", "catalog", "override", "unpriced")


class SchemaMismatch(LlmFinopsError):
    """An ingester produced a batch that does not match the canonical schema (a bug, not bad input)."""


def conform(table: pa.Table) -> pa.Table:
    """Return ``table`` with exactly the canonical columns, in order, with canonical types.

    Missing columns are added as NULL; extra columns are an error, so an ingester cannot
    smuggle un-declared fields (or text) into the store.
    """
    extra = set(table.column_names) - set(COLUMN_NAMES)
    if extra:
        raise SchemaMismatch(f"columns not in the canonical schema: {sorted(extra)}")
    arrays = []
    for col in CALL_COLUMNS:
        if col.name in table.column_names:
            arr = table.column(col.name)
            if not arr.type.equals(col.arrow_type):
                try:
                    arr = arr.cast(col.arrow_type)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                    raise SchemaMismatch(f"column {col.name}: {arr.type} is not {col.arrow_type}") from exc
        else:
            arr = pa.nulls(table.num_rows, col.arrow_type)
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=CALL_SCHEMA)


def empty_calls_sql() -> str:
    """A SELECT of no rows with the canonical columns (and ``day``): the ``calls`` of an empty store."""
    cols = ", ".join(f"CAST(NULL AS {c.duckdb_type}) AS {c.name}" for c in CALL_COLUMNS)
    return f"SELECT {cols}, CAST(NULL AS DATE) AS day WHERE false"


def duckdb_columns() -> str:
    """The canonical columns as a DuckDB column list, for CREATE TABLE statements."""
    return ", ".join(f"{c.name} {c.duckdb_type}" for c in CALL_COLUMNS)
