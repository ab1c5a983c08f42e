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
_UNITS = pa.map_(pa.string(), pa.int64())
_FLAGS = pa.list_(pa.string())

# Keys of `extra_units`: billed units beyond the canonical token classes. Token parts are INSIDE
# the canonical counts (audio_input_tokens is part of input_tokens, audio_cached_input_tokens part
# of both audio_input_tokens and cached_input_tokens, image_output_tokens part of output_tokens)
# and are priced at their own rate instead of the text rate; requests are billed on top.
# Each maps to the genai-prices price key that prices it (queries/price_calls.sql).
EXTRA_UNITS: dict[str, str] = {
    "audio_input_tokens": "Audio prompt tokens (cached ones included): input_audio_mtok.",
    "audio_cached_input_tokens": "Audio prompt tokens read from a cache: cache_audio_read_mtok.",
    "image_input_tokens": "Image/document prompt tokens (cached included): input_image_mtok, else text.",
    "image_cached_input_tokens": "Image prompt tokens read from a cache: cache_image_read_mtok, else cache.",
    "video_input_tokens": "Video prompt tokens (cached included): input_video_mtok, else text.",
    "video_cached_input_tokens": "Video prompt tokens read from a cache: the cache-read price.",
    "audio_output_tokens": "Generated audio tokens: output_audio_mtok.",
    "image_output_tokens": "Generated image tokens: output_image_mtok.",
    "video_output_tokens": "Generated video tokens: output_video_mtok.",
    "web_search_requests": "Server-side web searches (Anthropic, OpenAI Responses): web_searches_kcount.",
    "web_fetch_requests": "Server-side web fetches (Anthropic): no catalog price, flagged.",
}

CALL_COLUMNS: tuple[Column, ...] = (
    Column(
        "call_id",
        _STR,
        "VARCHAR",
        "Unique id: the provider request id where there is one, else a hash of the record.",
    ),
    Column("ts", _TS, "TIMESTAMPTZ", "When the call was made, UTC."),
    Column(
        "provider",
        _STR,
        "VARCHAR",
        "openai, anthropic, google, aws, azure, … (inferred from the model if absent).",
    ),
    Column("model", _STR, "VARCHAR", "Normalised model id, e.g. gpt-4o-mini, claude-sonnet-4-20250514."),
    Column(
        "model_tier",
        _STR,
        "VARCHAR",
        "budget | mid | frontier, NULL when neither the mapping nor a price places it.",
    ),
    Column("input_tokens", _I64, "BIGINT", "ALL prompt tokens, cached and cache-written ones included."),
    Column("cached_input_tokens", _I64, "BIGINT", "Part of input_tokens read from a provider prompt cache."),
    Column(
        "cache_write_tokens", _I64, "BIGINT", "Part of input_tokens written to a prompt cache (all TTLs)."
    ),
    Column(
        "cache_write_1h_tokens",
        _I64,
        "BIGINT",
        "Part of cache_write_tokens written with a 1-hour TTL (2x input).",
    ),
    Column("output_tokens", _I64, "BIGINT", "All generated tokens, reasoning included."),
    Column("reasoning_tokens", _I64, "BIGINT", "Part of output_tokens spent on reasoning/thinking."),
    Column("cost_usd", _F64, "DOUBLE", "Cost in USD; NULL when the call cannot be priced."),
    Column("cost_source", _STR, "VARCHAR", "reported | catalog | override | unpriced."),
    Column(
        "price_version",
        _STR,
        "VARCHAR",
        "Catalog, modifier-table and override-set versions that priced the row.",
    ),
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
    Column(
        "response_cache_hit",
        _BOOL,
        "BOOLEAN",
        "Answered by the app's own response cache: no model call, cost 0.",
    ),
    Column("batch", _BOOL, "BOOLEAN", "Sent through a provider batch API (discounted)."),
    Column("latency_ms", _F64, "DOUBLE", "End-to-end latency in milliseconds."),
    Column("prompt_version", _STR, "VARCHAR", "Version label of the prompt template."),
    Column("source", _STR, "VARCHAR", "Name of the ingester that read the record."),
    Column("source_file", _STR, "VARCHAR", "File the record was read from (absolute path)."),
    Column(
        "tags",
        _TAGS,
        "MAP(VARCHAR, VARCHAR)",
        "Other scalar fields the log carried (never prompt or response text).",
    ),
    Column(
        "service_tier",
        _STR,
        "VARCHAR",
        "standard | batch | flex | priority | scale | provisioned (raw value: tag service_tier).",
    ),
    Column(
        "inference_geo",
        _STR,
        "VARCHAR",
        "Where the provider ran the call, as reported (Anthropic usage.inference_geo).",
    ),
    Column(
        "speed", _STR, "VARCHAR", "Output speed mode, as reported (Anthropic usage.speed: standard | fast)."
    ),
    Column(
        "region_scope",
        _STR,
        "VARCHAR",
        "Bedrock inference profile scope: global | us | eu | apac | jp | au | us-gov | in-region.",
    ),
    Column(
        "extra_units",
        _UNITS,
        "MAP(VARCHAR, BIGINT)",
        "Other billed units by name (per-modality tokens, tool requests; see EXTRA_UNITS), NULL if none.",
    ),
    Column(
        "catalog_cost_usd",
        _F64,
        "DOUBLE",
        "What the price table charges for the usage (also when cost_usd is reported); NULL if unpriced.",
    ),
    Column(
        "price_flags",
        _FLAGS,
        "VARCHAR[]",
        "Units no price covers (unpriced:audio_input_tokens, ...): left out of the cost, never guessed.",
    ),
)

CALL_SCHEMA: pa.Schema = pa.schema([pa.field(c.name, c.arrow_type) for c in CALL_COLUMNS])
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in CALL_COLUMNS)

# Columns an ingester fills before pricing; model_tier, cost_usd (unless reported), cost_source,
# price_version, catalog_cost_usd and price_flags are set by the pricing step.
PRICED_BY_STORE = ("model_tier", "cost_source", "price_version", "catalog_cost_usd", "price_flags")
# Columns an ingester may leave out (staged as NULL): added after the first release, so only the
# ingesters that read such units produce them.
STAGE_OPTIONAL = ("service_tier", "inference_geo", "speed", "region_scope", "extra_units")
SERVICE_TIERS = ("standard", "batch", "flex", "priority", "scale", "provisioned")

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


def markdown_table(columns: tuple[Column, ...] = CALL_COLUMNS) -> str:
    """The columns as Markdown table rows (the README's schema table is checked against this)."""
    return "\n".join(f"| `{c.name}` | {c.duckdb_type} | {c.meaning} |" for c in columns)


def duckdb_columns() -> str:
    """The canonical columns as a DuckDB column list, for CREATE TABLE statements."""
    return ", ".join(f"{c.name} {c.duckdb_type}" for c in CALL_COLUMNS)


# --- Aggregated provider reports -------------------------------------------------------------
# Admin usage and cost reports are totals per time bucket, not calls: they live in their own
# tables at their own grain and are never disguised as calls. Each row is one bucket of one
# export at the grain that export was grouped by (a dimension column is NULL when the export
# did not group by it), so rows of two exports with different group_by overlap.


@dataclass(frozen=True)
class SideTable:
    """A table stored beside the calls as one Parquet file per generation, with a declared key.

    ``key`` identifies a bucket: when a later ingest brings a row with the same key (the same
    page read again, or a re-fetched export of a day still in progress) it replaces the stored
    one, so re-ingesting is a no-op and overlapping page files are not double counted.
    """

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def file_name(self) -> str:
        return f"_{self.name}.parquet"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def null_columns(self) -> str:
        """The declared columns as typed NULLs, for the empty view of a store without this table."""
        return ", ".join(f"CAST(NULL AS {c.duckdb_type}) AS {c.name}" for c in self.columns)


_DATE = pa.date32()
_BUCKET_COLUMNS = (
    Column("day", _DATE, "DATE", "UTC day the bucket starts on."),
    Column("bucket_start", _TS, "TIMESTAMPTZ", "Start of the provider's bucket (1m, 1h or 1d wide), UTC."),
    Column("bucket_end", _TS, "TIMESTAMPTZ", "End of the bucket (exclusive), UTC."),
)
_REPORT_SOURCE = (
    Column("source", _STR, "VARCHAR", "Ingester that read the report (openai_usage, anthropic_costs, …)."),
    Column("source_file", _STR, "VARCHAR", "File the bucket was read from (the last one, when re-read)."),
)
_OTHER_DIMS = Column(
    "other_dims",
    _STR,
    "VARCHAR",
    "Grouping dimensions without a column (e.g. context_window=0-200k;inference_geo=us), part of the key.",
)

USAGE_BUCKETS = SideTable(
    name="usage_buckets",
    columns=(
        *_BUCKET_COLUMNS,
        Column("provider", _STR, "VARCHAR", "openai | anthropic."),
        Column("model", _STR, "VARCHAR", "Normalised model id (NULL unless the export grouped by model)."),
        Column("project", _STR, "VARCHAR", "OpenAI project id."),
        Column("api_key", _STR, "VARCHAR", "API key id."),
        Column("workspace", _STR, "VARCHAR", "Anthropic workspace id."),
        Column("user_id", _STR, "VARCHAR", "OpenAI organisation member owning the key (not the end user)."),
        Column("batch", _BOOL, "BOOLEAN", "Batch API traffic (Anthropic: service_tier = batch)."),
        Column("service_tier", _STR, "VARCHAR", "Service tier as reported."),
        _OTHER_DIMS,
        Column("requests", _I64, "BIGINT", "Model requests (NULL where the report has no count: Anthropic)."),
        Column("input_tokens", _I64, "BIGINT", "ALL prompt tokens, cache reads and writes included."),
        Column("cached_input_tokens", _I64, "BIGINT", "Part of input_tokens read from a prompt cache."),
        Column("cache_write_tokens", _I64, "BIGINT", "Part of input_tokens written to a prompt cache."),
        Column("cache_write_1h_tokens", _I64, "BIGINT", "Part of cache_write_tokens with a 1-hour TTL."),
        Column("output_tokens", _I64, "BIGINT", "All generated tokens, reasoning included."),
        *_REPORT_SOURCE,
    ),
    key=(
        "bucket_start",
        "bucket_end",
        "provider",
        "model",
        "project",
        "api_key",
        "workspace",
        "user_id",
        "batch",
        "service_tier",
        "other_dims",
        "source",
    ),
)

BILLED_COSTS = SideTable(
    name="billed_costs",
    columns=(
        *_BUCKET_COLUMNS,
        Column("provider", _STR, "VARCHAR", "openai | anthropic."),
        Column("model", _STR, "VARCHAR", "Normalised model id, when the line item names one."),
        Column("line_item", _STR, "VARCHAR", "Provider label (OpenAI line_item, Anthropic description)."),
        Column("project", _STR, "VARCHAR", "OpenAI project id."),
        Column("workspace", _STR, "VARCHAR", "Anthropic workspace id."),
        Column("api_key", _STR, "VARCHAR", "API key id (OpenAI, when grouped by it)."),
        _OTHER_DIMS,
        Column("cost_usd", _F64, "DOUBLE", "Billed USD (Anthropic cents already divided by 100)."),
        Column("currency", _STR, "VARCHAR", "Currency the provider reported (always USD so far)."),
        *_REPORT_SOURCE,
    ),
    key=(
        "bucket_start",
        "bucket_end",
        "provider",
        "model",
        "line_item",
        "project",
        "workspace",
        "api_key",
        "other_dims",
        "source",
    ),
)

SIDE_TABLES: dict[str, SideTable] = {t.name: t for t in (USAGE_BUCKETS, BILLED_COSTS)}
