"""The shape of the flattened price table (see :mod:`llmfinops.pricing.catalog`).

Kept apart from the catalog so that the store can name the table's columns without importing
genai-prices (tens of milliseconds every command would pay).
"""

from __future__ import annotations

import pyarrow as pa

# The catalog's per-unit prices for the extra units (schema.EXTRA_UNITS), named as genai-prices
# names them: USD per million tokens (_mtok) or per thousand requests (_kcount). NULL = the
# catalog has no such price; queries/price_calls.sql decides per unit what that means.
UNIT_PRICE_FIELDS = (
    "input_audio_mtok",
    "cache_audio_read_mtok",
    "output_audio_mtok",
    "input_image_mtok",
    "cache_image_read_mtok",
    "output_image_mtok",
    "input_video_mtok",
    "output_video_mtok",
    "web_searches_kcount",
    "requests_kcount",
)
PRICE_FIELDS = (
    "input_mtok",
    "cache_read_mtok",
    "cache_write_mtok",
    "cache_write_1h_mtok",
    "output_mtok",
    *UNIT_PRICE_FIELDS,
)

PRICE_TABLE_SCHEMA = pa.schema(
    [
        ("provider", pa.string()),
        ("model", pa.string()),
        ("valid_from", pa.timestamp("us", tz="UTC")),
        ("valid_until", pa.timestamp("us", tz="UTC")),
        ("tod_from", pa.time64("us")),
        ("tod_until", pa.time64("us")),
        ("variant", pa.string()),
        ("variant_priced", pa.bool_()),
        ("band_min_input", pa.int64()),
        ("band_max_input", pa.int64()),
        *[(f, pa.float64()) for f in PRICE_FIELDS],
        ("discount", pa.float64()),
        ("price_source", pa.string()),
        ("catalog_model_id", pa.string()),
        ("model_tier", pa.string()),
        ("price_version", pa.string()),
    ]
)
