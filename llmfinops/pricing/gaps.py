"""Known gaps in the price catalog, filled on top of it (documented in the README).

Each fill is a published list price the catalog lacks, never a guess:
- Anthropic prompt-cache writes: 5-minute writes bill at 1.25x the input price, 1-hour writes
  at 2x. Where the catalog has no cache-write price for an Anthropic model, these apply.
- claude-sonnet-4-0 (claude-sonnet-4-20250514) has a 1M-token context beta whose requests over
  200k input tokens are billed entirely at the long-context rate ($6 in / $22.50 out per MTok,
  cache reads $0.60, 5m writes $7.50, 1h writes $12); the catalog carries no such tier for it.
- gpt-4o-audio-preview: audio tokens are $40 in / $80 out per MTok (text $2.50 / $10), from
  https://developers.openai.com/api/docs/models/gpt-4o-audio-preview ; the catalog prices the model's
  text only. The first snapshot (-2024-10-01) billed audio at $100 / $200 and is left unfilled, so
  its audio tokens stay flagged.
"""

from __future__ import annotations

from copy import copy
from decimal import Decimal

from genai_prices import types

LONG_CONTEXT_THRESHOLD = 200_000

_SONNET_4_LONG_CONTEXT = {
    "input_mtok": Decimal("6"),
    "output_mtok": Decimal("22.5"),
    "cache_read_mtok": Decimal("0.6"),
    "cache_write_mtok": Decimal("7.5"),
    "cache_write_1h_mtok": Decimal("12"),
}
_LONG_CONTEXT_TIERS = {("anthropic", "claude-sonnet-4-0"): _SONNET_4_LONG_CONTEXT}

# (provider, catalog model id) -> (unit prices, called-model names they do NOT apply to)
_UNIT_PRICES: dict[tuple[str, str], tuple[dict[str, Decimal], tuple[str, ...]]] = {
    ("openai", "gpt-4o-audio-preview"): (
        {"input_audio_mtok": Decimal("40"), "output_audio_mtok": Decimal("80")},
        ("gpt-4o-audio-preview-2024-10-01",),
    ),
}


def fill(provider_id: str, model_id: str, price: types.ModelPrice, model: str = "") -> types.ModelPrice:
    """The catalog price with the documented gaps filled (``model``: the name the call used)."""
    filled = copy(price)
    unit_prices, not_for = _UNIT_PRICES.get((provider_id, model_id), ({}, ()))
    if model.lower() not in not_for:
        for field, value in unit_prices.items():
            if getattr(filled, field, None) is None:
                setattr(filled, field, value)
    if provider_id in ("anthropic", "aws", "google") and "claude" in model_id:
        base = _base(filled, "input_mtok")
        if base is not None:
            # ModelPrice holds its prices as dynamic attributes
            if getattr(filled, "cache_write_mtok", None) is None:
                setattr(filled, "cache_write_mtok", base * Decimal("1.25"))  # noqa: B010
            if getattr(filled, "cache_write_1h_mtok", None) is None:
                setattr(filled, "cache_write_1h_mtok", base * Decimal("2"))  # noqa: B010
    long_context = _LONG_CONTEXT_TIERS.get((provider_id, model_id))
    if long_context:
        for field, tier_price in long_context.items():
            current = getattr(filled, field, None)
            if isinstance(current, Decimal):
                tier = types.Tier(start=LONG_CONTEXT_THRESHOLD, price=tier_price)
                setattr(filled, field, types.TieredPrices(base=current, tiers=[tier]))
    return filled


def _base(price: types.ModelPrice, field: str) -> Decimal | None:
    value = getattr(price, field, None)
    if isinstance(value, types.TieredPrices):
        return value.base
    return value
