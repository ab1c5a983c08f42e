"""Flatten the genai-prices catalog (plus config overrides) into a table DuckDB can join.

genai-prices matches model names with rules (prefixes, regexes, provider fallbacks), which a
SQL join cannot do. So each *distinct* (provider, model) pair of the data is resolved once in
Python, and its price history is written out as non-overlapping rows::

    provider, model, valid_from, valid_until, tod_from, tod_until, band_min_input, band_max_input,
    input_mtok, cache_read_mtok, cache_write_mtok, cache_write_1h_mtok, output_mtok,
    <per-unit prices: UNIT_PRICE_FIELDS>, discount, price_source, catalog_model_id, model_tier

Every call is then priced by one range join (``queries/price_calls.sql``): millions of rows per
second instead of one Python call per row. ``valid_*`` are UTC instants (NULL = unbounded),
``tod_*`` UTC times of day (NULL = from midnight / to midnight) for time-of-day prices;
a band applies when ``band_min_input < input_tokens <= band_max_input`` — genai-prices' "cliff"
tiers, where crossing a context threshold prices the whole request at the higher rate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pyarrow as pa
from genai_prices import __version__ as catalog_version
from genai_prices import data_snapshot, types

from llmfinops.config import Config, ModelPrice
from llmfinops.pricing import gaps, modifiers
from llmfinops.pricing.table import PRICE_FIELDS, PRICE_TABLE_SCHEMA
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

# Price modifiers the catalog may carry its own prices for (genai-prices price_variants):
# our key -> the variant's `when`. A call's key comes from its service_tier / batch columns.
VARIANTS: dict[str, dict[str, str]] = {
    "service_tier=flex": {"service_tier": "flex"},
    "service_tier=priority": {"service_tier": "priority"},
    "batch": {"processing": "batch"},
}
# Bedrock's `global.` inference profiles: genai-prices prices them as their own model entries
# (aws/global.anthropic.claude-sonnet-4-5-...: $3 in) while the plain, in-region and geo ids
# (us./eu./apac./jp./au.) resolve to its `regional.` entries, which already carry the 10% regional
# premium AWS documents from Claude Sonnet 4.5 on ($3.30 in). A call with region_scope = 'global'
# takes the global entry's price as this variant of the model's row.
GLOBAL_SCOPE = "region_scope=global"


@dataclass(frozen=True)
class PriceRow:
    provider: str | None
    model: str
    valid_from: datetime | None
    valid_until: datetime | None
    tod_from: time | None
    tod_until: time | None
    band_min_input: int
    band_max_input: int | None
    input_mtok: float | None
    cache_read_mtok: float | None
    cache_write_mtok: float | None
    cache_write_1h_mtok: float | None
    output_mtok: float | None
    input_audio_mtok: float | None
    cache_audio_read_mtok: float | None
    output_audio_mtok: float | None
    input_image_mtok: float | None
    cache_image_read_mtok: float | None
    output_image_mtok: float | None
    input_video_mtok: float | None
    output_video_mtok: float | None
    web_searches_kcount: float | None
    requests_kcount: float | None
    discount: float
    price_source: str
    catalog_model_id: str | None
    model_tier: str | None
    price_version: str
    # the price modifier this row prices (VARIANTS key; None = standard) and whether the catalog
    # has its own price for it (else the row repeats the standard price for the join)
    variant: str | None = None
    variant_priced: bool = False


def batch_discount_table(config: Config) -> pa.Table:
    """``batch_discounts(provider, discount)``: the share taken off batch API calls, per provider."""
    return pa.table(
        {"provider": list(config.batch_discounts), "discount": list(config.batch_discounts.values())},
        schema=pa.schema([("provider", pa.string()), ("discount", pa.float64())]),
    )


def price_version(config: Config) -> str:
    return f"{CATALOG}; modifiers {modifiers.version()}; overrides {config.pricing_fingerprint()}"


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
        rows = [_row(provider, model, {}, "unpriced", tier, version)]
    # every variant key gets rows, so a call with a modifier always finds one: the catalog's own
    # variant price where it has one, else the standard price with variant_priced = False
    standard = [r for r in rows if r.variant is None]
    keys = list(VARIANTS)
    if PROVIDER_IDS.get((provider or "").lower()) == "aws":
        keys.append(GLOBAL_SCOPE)
        if override is None:
            rows.extend(_global_rows(provider, model, standard, config, version))
    priced = {(r.variant, r.valid_from, r.tod_from, r.band_min_input) for r in rows if r.variant}
    for key in keys:
        for r in standard:
            if (key, r.valid_from, r.tod_from, r.band_min_input) not in priced:
                rows.append(replace(r, variant=key, variant_priced=False))
    return _merged(rows)


def _global_rows(
    provider: str | None, model: str, standard: list[PriceRow], config: Config, version: str
) -> list[PriceRow]:
    """The catalog's price of the model's `global.` Bedrock profile as GLOBAL_SCOPE rows, or none
    when the catalog has no global entry of its own (the call is then flagged, not guessed) or its
    periods do not line up with the standard rows (two rows must never price one call)."""
    candidates = [f"global.{model}"] + ([f"global.anthropic.{model}"] if model.startswith("claude") else [])
    for candidate in candidates:
        found = resolve(provider, candidate)
        if found is None or not found[1].id.startswith("global."):
            continue
        rows = [
            replace(r, variant=GLOBAL_SCOPE, variant_priced=True)
            for r in _catalog_rows(provider, model, found, config, version)
            if r.variant is None
        ]

        def window(r: PriceRow) -> tuple[object, ...]:
            return (r.valid_from, r.valid_until, r.tod_from, r.tod_until, r.band_min_input, r.band_max_input)

        if sorted(map(window, rows), key=repr) == sorted(map(window, standard), key=repr):
            return rows
        return []
    return []


def _merged(rows: list[PriceRow]) -> list[PriceRow]:
    """Consecutive periods with the same prices as one row: a variant's start date cuts every
    period, but a standard price that did not change there stays one period."""
    out: list[PriceRow] = []
    order = sorted(
        rows,
        key=lambda r: (
            r.variant or "",
            r.tod_from or time(0),
            r.band_min_input,
            r.valid_from or datetime.min.replace(tzinfo=UTC),
        ),
    )
    for r in order:
        last = out[-1] if out else None
        if (
            last is not None
            and (last.variant, last.tod_from, last.tod_until, last.band_min_input, last.band_max_input)
            == (r.variant, r.tod_from, r.tod_until, r.band_min_input, r.band_max_input)
            and last.valid_until is not None
            and last.valid_until == r.valid_from
            and replace(last, valid_from=None, valid_until=None)
            == replace(r, valid_from=None, valid_until=None)
        ):
            out[-1] = replace(last, valid_until=r.valid_until)
        else:
            out.append(r)
    return out


def resolve(provider: str | None, model: str) -> tuple[types.Provider, types.ModelInfo] | None:
    """The catalog's provider and model for a model name, or None."""
    snapshot = data_snapshot.get_snapshot()
    gp_id = PROVIDER_IDS.get((provider or "").lower(), provider)
    # A provider the catalog knows is asked alone (its own fallbacks, e.g. azure -> openai, are the
    # catalog's): falling back to any provider would price a Groq-hosted model at OpenAI's rate.
    known = gp_id is not None and any(p.id == gp_id for p in snapshot.providers)
    attempts: list[str | None] = [gp_id] if known else [gp_id, None] if gp_id else [None]
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
    for valid_from, valid_until, tod_from, tod_until, price, variants in periods:
        for key, variant_price in [(None, price), *variants.items()]:
            rows.extend(
                _period_rows(
                    provider,
                    model,
                    info,
                    gp_provider,
                    config,
                    version,
                    discount,
                    source,
                    (valid_from, valid_until, tod_from, tod_until),
                    key,
                    variant_price,
                )
            )
    return rows


def _period_rows(
    provider: str | None,
    model: str,
    info: types.ModelInfo,
    gp_provider: types.Provider,
    config: Config,
    version: str,
    discount: float,
    source: str,
    window: tuple[datetime | None, datetime | None, time | None, time | None],
    variant: str | None,
    price: types.ModelPrice,
) -> list[PriceRow]:
    valid_from, valid_until, tod_from, tod_until = window
    rows: list[PriceRow] = []
    price = gaps.fill(gp_provider.id, info.id, price, model)
    for band_min, band_max, values in _bands(price):
        tier = tier_for(model, values["input_mtok"], config.tier_patterns)
        rows.append(
            PriceRow(
                provider=provider,
                model=model,
                valid_from=valid_from,
                valid_until=valid_until,
                tod_from=tod_from,
                tod_until=tod_until,
                band_min_input=band_min,
                band_max_input=band_max,
                **values,
                discount=discount,
                price_source=source,
                catalog_model_id=info.id,
                model_tier=tier,
                price_version=version,
                variant=variant,
                variant_priced=variant is not None,
            )
        )
    return rows


def _price_periods(
    info: types.ModelInfo,
) -> list[
    tuple[
        datetime | None,
        datetime | None,
        time | None,
        time | None,
        types.ModelPrice,
        dict[str, types.ModelPrice],
    ]
]:
    """The model's prices as [from, until) date periods, each cut into [tod_from, tod_until) UTC
    times of day where the catalog has time-of-day prices (e.g. DeepSeek's windows), with the
    catalog's own price for each modifier (VARIANTS) active in that slice.

    Which price holds in each (period, time slice) is asked of genai-prices itself
    (``ModelInfo.get_prices`` at the slice's start), so its precedence rules are followed exactly.
    """
    starts: set[datetime] = set()
    cuts: set[time] = set()
    for cond in [] if isinstance(info.prices, types.ModelPrice) else info.prices:
        constraint = cond.constraint
        if isinstance(constraint, types.StartDateConstraint):
            starts.add(_midnight(constraint.start_date))
        elif isinstance(constraint, types.TimeOfDateConstraint):
            cuts.update(_utc_time(t) for t in (constraint.start_time, constraint.end_time))
    for pv in info.price_variants or ():
        if isinstance(pv.constraint, types.StartDateConstraint):
            starts.add(_midnight(pv.constraint.start_date))
    dates: list[datetime | None] = [None, *sorted(starts)]
    times: list[time | None] = [None] if not cuts else sorted(cuts | {time(0)})  # type: ignore[assignment]
    periods = []
    for i, start in enumerate(dates):
        until = dates[i + 1] if i + 1 < len(dates) else None
        for j, tod in enumerate(times):
            tod_until = times[j + 1] if j + 1 < len(times) else None
            probe_day = start or datetime(1970, 1, 1, tzinfo=UTC)
            probe = (
                probe_day.replace(hour=tod.hour, minute=tod.minute, second=tod.second) if tod else probe_day
            )
            variants = {
                key: info.get_prices(probe, when)
                for key, when in VARIANTS.items()
                if any(
                    v.when == when and (v.constraint is None or v.constraint.active(probe))
                    for v in info.price_variants or ()
                )
            }
            periods.append((start, until, tod, tod_until, info.get_prices(probe), variants))
    return periods


def _utc_time(t: time) -> time:
    if t.tzinfo is None:
        return t
    return datetime.combine(date(1970, 1, 2), t).astimezone(UTC).time()


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
    prices = {
        "input_mtok": mp.input_per_mtok,
        "cache_read_mtok": mp.cache_read_per_mtok,
        "cache_write_mtok": mp.cache_write_per_mtok,
        "output_mtok": mp.output_per_mtok,
    }
    row = _row(provider, model, prices, "override", tier, version)
    return replace(row, valid_from=_midnight(mp.since) if mp.since else None)


def _row(
    provider: str | None,
    model: str,
    prices: dict[str, float | None],
    source: str,
    tier: str | None,
    version: str,
) -> PriceRow:
    """A row valid at all times and context sizes with the given prices (the others NULL)."""
    return PriceRow(
        provider=provider,
        model=model,
        valid_from=None,
        valid_until=None,
        tod_from=None,
        tod_until=None,
        band_min_input=-1,
        band_max_input=None,
        **{f: prices.get(f) for f in PRICE_FIELDS},  # type: ignore[arg-type]
        discount=0.0,
        price_source=source,
        catalog_model_id=None,
        model_tier=tier,
        price_version=version,
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
