"""Flatten the genai-prices catalog (plus config overrides) into a table DuckDB can join.

genai-prices matches model names with rules (prefixes, regexes, provider fallbacks), which a
SQL join cannot do. So each *distinct* (provider, model) pair of the data is resolved once in
Python, and its price history is written out as non-overlapping rows::

    provider, model, valid_from, valid_until, band_min_input, band_max_input,
    input_mtok, cache_read_mtok, cache_write_mtok, cache_write_1h_mtok, output_mtok,
    discount, price_source, catalog_model_id, model_tier

Every call is then priced by one range join (``queries/price_calls.sql``): millions of rows per
second instead of one Python call per row. ``valid_*`` are UTC instants (NULL = unbounded);
a band applies when ``band_min_input < input_tokens <= band_max_input`` — genai-prices' "cliff"
tiers, where crossing a context threshold prices the whole request at the higher rate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pyarrow as pa
from genai_prices import __version__ as catalog_version
from genai_prices import data_snapshot, types

from llmfinops.config import Config, ModelPrice
from llmfinops.pricing import gaps
from llmfinops.pricing.tiers import base_model, tier_for

CATALOG = f"genai-prices {catalog_version}"

# Our provider names → genai-prices provider ids.
PROVIDER_IDS = {
    "openai": "openai",
    "azure": "azure",
    "anthropic": "anthropic",
    "google": "google",
    "gemini": "google",
    "vertex": "google",
    "aws": "aws",
    "bedrock": "aws",
    "mistral": "mistral",
    "cohere": "cohere",
    "deepseek": "deepseek",
    "x-ai": "x-ai",
    "xai": "x-ai",
    "groq": "groq",
    "meta": "meta",
    "openrouter": "openrouter",
    "together": "together",
    "fireworks": "fireworks",
}

PRICE_FIELDS = ("input_mtok", "cache_read_mtok", "cache_write_mtok", "cache_write_1h_mtok", "output_mtok")

PRICE_TABLE_SCHEMA = pa.schema(
    [
        ("provider", pa.string()),
        ("model", pa.string()),
        ("valid_from", pa.timestamp("us", tz="UTC")),
        ("valid_until", pa.timestamp("us", tz="UTC")),
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


@dataclass(frozen=True)
class PriceRow:
    provider: str | None
    model: str
    valid_from: datetime | None
    valid_until: datetime | None
    band_min_input: int
    band_max_input: int | None
    input_mtok: float | None
    cache_read_mtok: float | None
    cache_write_mtok: float | None
    cache_write_1h_mtok: float | None
    output_mtok: float | None
    discount: float
    price_source: str
    catalog_model_id: str | None
    model_tier: str | None
    price_version: str


def batch_discount_table(config: Config) -> pa.Table:
    """``batch_discounts(provider, discount)``: the share taken off batch API calls, per provider."""
    return pa.table(
        {"provider": list(config.batch_discounts), "discount": list(config.batch_discounts.values())},
        schema=pa.schema([("provider", pa.string()), ("discount", pa.float64())]),
    )


def price_version(config: Config) -> str:
    return f"{CATALOG}; overrides {config.pricing_fingerprint()}"


def build_price_table(pairs: Iterable[tuple[str | None, str]], config: Config) -> pa.Table:
    """Price rows for each distinct (provider, model); models nobody prices get a tier-only row."""
    rows: list[PriceRow] = []
    for provider, model in sorted(set(pairs), key=lambda p: (p[0] or "", p[1] or "")):
        if model:
            rows.extend(price_rows(provider, model, config))
    columns = {name: [getattr(r, name) for r in rows] for name in PRICE_TABLE_SCHEMA.names}
    return pa.table(columns, schema=PRICE_TABLE_SCHEMA)


def price_rows(provider: str | None, model: str, config: Config) -> list[PriceRow]:
    version = price_version(config)
    found = resolve(provider, model)
    catalog_rows = _catalog_rows(provider, model, found, config, version) if found else []
    override = _override_for(provider, model, config)
    if override is not None:
        own = _override_row(provider, model, override, config, version)
        rows = [*_clip_before(catalog_rows, override.since), own]
    else:
        rows = catalog_rows
    if not rows:
        # Unknown to catalog and config: stored unpriced, but keep its tier if the mapping names it.
        tier = tier_for(model, None, config.tier_patterns)
        return [
            PriceRow(
                provider,
                model,
                None,
                None,
                -1,
                None,
                None,
                None,
                None,
                None,
                None,
                0.0,
                "unpriced",
                None,
                tier,
                version,
            )
        ]
    return rows


def resolve(provider: str | None, model: str) -> tuple[types.Provider, types.ModelInfo] | None:
    """The catalog's provider and model for a model name, or None."""
    snapshot = data_snapshot.get_snapshot()
    gp_id = PROVIDER_IDS.get((provider or "").lower(), provider)
    attempts: list[str | None] = [gp_id, None] if gp_id else [None]
    for pid in attempts:
        try:
            return snapshot.find_provider_model(model, None, pid, None)
        except LookupError:
            continue
    return None


def _catalog_rows(
    provider: str | None,
    model: str,
    found: tuple[types.Provider, types.ModelInfo],
    config: Config,
    version: str,
) -> list[PriceRow]:
    gp_provider, info = found
    periods = _price_periods(info)
    discount = config.discounts.get((provider or gp_provider.id).lower(), 0.0)
    source = "override" if discount else "catalog"
    rows: list[PriceRow] = []
    for valid_from, valid_until, price in periods:
        price = gaps.fill(gp_provider.id, info.id, price)
        for band_min, band_max, values in _bands(price):
            tier = tier_for(model, values["input_mtok"], config.tier_patterns)
            rows.append(
                PriceRow(
                    provider=provider,
                    model=model,
                    valid_from=valid_from,
                    valid_until=valid_until,
                    band_min_input=band_min,
                    band_max_input=band_max,
                    **values,
                    discount=discount,
                    price_source=source,
                    catalog_model_id=info.id,
                    model_tier=tier,
                    price_version=version,
                )
            )
    return rows


def _price_periods(info: types.ModelInfo) -> list[tuple[datetime | None, datetime | None, types.ModelPrice]]:
    """The model's prices as consecutive [from, until) periods (time-of-day prices use their base)."""
    if isinstance(info.prices, types.ModelPrice):
        return [(None, None, info.prices)]
    dated: list[tuple[datetime | None, types.ModelPrice]] = []
    for cond in info.prices:
        constraint = cond.constraint
        if isinstance(constraint, types.StartDateConstraint):
            dated.append((_midnight(constraint.start_date), cond.prices))
        elif constraint is None:
            dated.append((None, cond.prices))
        # TimeOfDateConstraint (off-peak discounts) is not modelled: the standard price applies.
    dated.sort(key=lambda d: d[0] or datetime.min.replace(tzinfo=UTC))
    periods = []
    for i, (start, price) in enumerate(dated):
        until = dated[i + 1][0] if i + 1 < len(dated) else None
        periods.append((start, until, price))
    return periods


def _bands(price: types.ModelPrice) -> list[tuple[int, int | None, dict[str, float | None]]]:
    """Split a price into context bands at every tier threshold any of its fields uses."""
    raw = {f: getattr(price, f, None) for f in PRICE_FIELDS}
    thresholds = sorted({t.start for v in raw.values() if isinstance(v, types.TieredPrices) for t in v.tiers})
    edges = [-1, *thresholds]
    bands = []
    for i, low in enumerate(edges):
        high = edges[i + 1] if i + 1 < len(edges) else None
        # A request with input_tokens in (low, high] pays the tier whose start is < input_tokens.
        probe = low + 1
        bands.append((low, high, {f: _price_at(v, probe) for f, v in raw.items()}))
    return bands


def _price_at(value: Decimal | types.TieredPrices | None, input_tokens: int) -> float | None:
    if value is None:
        return None
    if isinstance(value, types.TieredPrices):
        chosen = value.base
        for tier in value.tiers:
            if input_tokens > tier.start:
                chosen = tier.price
        return float(chosen)
    return float(value)


def _override_for(provider: str | None, model: str, config: Config) -> ModelPrice | None:
    for mp in config.model_prices:
        if mp.model == model.lower() and (mp.provider is None or mp.provider == (provider or "").lower()):
            return mp
    return None


def _override_row(provider: str | None, model: str, mp: ModelPrice, config: Config, version: str) -> PriceRow:
    tier = mp.tier or tier_for(model, mp.input_per_mtok, config.tier_patterns)
    return PriceRow(
        provider,
        model,
        _midnight(mp.since) if mp.since else None,
        None,
        -1,
        None,
        mp.input_per_mtok,
        mp.cache_read_per_mtok,
        mp.cache_write_per_mtok,
        None,
        mp.output_per_mtok,
        0.0,
        "override",
        None,
        tier,
        version,
    )


def _clip_before(rows: list[PriceRow], since: date | None) -> list[PriceRow]:
    """Catalog rows cut off where an override starts (all of them when it has no start)."""
    if since is None:
        return []
    cut = _midnight(since)
    kept = []
    for r in rows:
        if r.valid_from is not None and r.valid_from >= cut:
            continue
        until = cut if r.valid_until is None or r.valid_until > cut else r.valid_until
        kept.append(replace(r, valid_until=until))
    return kept


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def describe_model(provider: str | None, model: str) -> str | None:
    """Catalog id a model resolves to (for `llmfinops prices`), or None."""
    found = resolve(provider, base_model(model) if model.startswith("ft:") else model)
    return found[1].id if found else None
