"""Model tiers (budget / mid / frontier): an editable mapping first, then the model's price band.

The tier-mix drift signal is only useful if every call lands in a tier, so the defaults name
the common families and a price band places the rest. A model neither places stays NULL —
guessing would hide a routing change behind a wrong label.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

# Checked in order; the first glob that matches wins. Small variants come before their
# families ("o3-mini" before "o3*", "gpt-4o-mini" before "gpt-4o*").
DEFAULT_TIER_PATTERNS: tuple[tuple[str, str], ...] = (
    ("*-mini*", "budget"),
    ("*-nano*", "budget"),
    ("*-lite*", "budget"),
    ("*haiku*", "budget"),
    ("*flash*", "budget"),
    ("gpt-3.5*", "budget"),
    ("*-8b*", "budget"),
    ("*small*", "budget"),
    ("o1*", "frontier"),
    ("o3*", "frontier"),
    ("*opus*", "frontier"),
    ("gpt-4.5*", "frontier"),
    ("*-ultra*", "frontier"),
    ("gpt-4o*", "mid"),
    ("gpt-4.1*", "mid"),
    ("gpt-4-turbo*", "mid"),
    ("gpt-5*", "mid"),
    ("*sonnet*", "mid"),
    ("gemini-*-pro*", "mid"),
    ("mistral-large*", "mid"),
)

# Price-band fallback on the input price in USD per million tokens.
BUDGET_BELOW_USD_MTOK = 1.0
FRONTIER_FROM_USD_MTOK = 5.0

_FINE_TUNED = re.compile(r"^ft:([^:]+)(?::.*)?$")


def base_model(model: str) -> str:
    """The base of a fine-tuned id: ``ft:gpt-4o-mini-2024-07-18:org::id`` → ``gpt-4o-mini-2024-07-18``."""
    match = _FINE_TUNED.match(model)
    return match.group(1) if match else model


def tier_for(
    model: str | None,
    input_price_mtok: float | None,
    custom: dict[str, str] | None = None,
) -> str | None:
    """Tier of a model: custom globs, then the defaults, then the price band, else None."""
    if not model:
        return None
    name = base_model(model.lower())
    for pattern, tier in (custom or {}).items():
        if fnmatchcase(name, pattern):
            return tier
    for pattern, tier in DEFAULT_TIER_PATTERNS:
        if fnmatchcase(name, pattern):
            return tier
    if input_price_mtok is None:
        return None
    if input_price_mtok < BUDGET_BELOW_USD_MTOK:
        return "budget"
    if input_price_mtok < FRONTIER_FROM_USD_MTOK:
        return "mid"
    return "frontier"
