"""The shipped price-modifier table (``modifiers.toml``) plus config overrides, flattened per model.

A modifier is a rate the response reports next to its tokens (``inference_geo = us``, a service
tier) that the pinned catalog has no price for. Like the price table, the patterns are matched in
Python once per distinct (provider, model) of the data, and the rows are joined in SQL.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fnmatch import fnmatchcase
from importlib import resources
from typing import Any

import pyarrow as pa

from llmfinops.errors import ConfigError

MODIFIER_TABLE_SCHEMA = pa.schema(
    [
        ("provider", pa.string()),
        ("model", pa.string()),
        ("modifier", pa.string()),
        ("multiplier", pa.float64()),
        ("valid_from", pa.timestamp("us", tz="UTC")),
        ("valid_until", pa.timestamp("us", tz="UTC")),
    ]
)


@dataclass(frozen=True)
class Modifier:
    provider: str
    model: str  # fnmatch pattern over the normalised model id
    modifier: str  # "<column>=<value>"
    multiplier: float
    valid_from: date


def shipped() -> tuple[str, tuple[Modifier, ...]]:
    """The table shipped in the package: (version, rows)."""
    text = resources.files("llmfinops.pricing").joinpath("modifiers.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    return str(raw["version"]), tuple(parse(m, "modifiers.toml") for m in raw.get("modifier", []))


def parse(raw: dict[str, Any], where: str) -> Modifier:
    try:
        mod = Modifier(
            provider=str(raw["provider"]).lower(),
            model=str(raw["model"]).lower(),
            modifier=str(raw["modifier"]).lower(),
            multiplier=float(raw["multiplier"]),
            valid_from=raw.get("valid_from", date(1970, 1, 1)),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            f"{where}: a modifier needs provider, model, modifier and multiplier ({exc})"
        ) from None
    if "=" not in mod.modifier or mod.multiplier < 0 or not isinstance(mod.valid_from, date):
        raise ConfigError(f"{where}: bad modifier {raw!r} (modifier = 'column=value', multiplier >= 0)")
    return mod


def effective(overrides: tuple[Modifier, ...]) -> tuple[Modifier, ...]:
    """Shipped rows, with config rows added or replacing a shipped row of the same key."""
    _, rows = shipped()
    key = {(m.provider, m.model, m.modifier, m.valid_from): m for m in rows}
    for m in overrides:
        key = {k: v for k, v in key.items() if k[:3] != (m.provider, m.model, m.modifier)}
        key[(m.provider, m.model, m.modifier, m.valid_from)] = m
    return tuple(key.values())


def modifier_table(pairs: list[tuple[str | None, str]], overrides: tuple[Modifier, ...]) -> pa.Table:
    """``modifier_rows``: the modifiers matching each distinct (provider, model) of the data, as
    non-overlapping [valid_from, valid_until) rows per modifier (a later row ends the earlier one;
    of two patterns matching one model, the first listed wins)."""
    table = effective(overrides)
    rows: list[tuple[str, str, str, float, datetime, datetime | None]] = []
    for provider, model in sorted({p for p in pairs if p[0] and p[1]}, key=lambda p: (p[0] or "", p[1])):
        chosen: dict[tuple[str, date], Modifier] = {}
        for m in table:
            if m.provider == str(provider).lower() and fnmatchcase(model.lower(), m.model):
                chosen.setdefault((m.modifier, m.valid_from), m)
        for name in sorted({k[0] for k in chosen}):
            dated = sorted((k[1], v) for k, v in chosen.items() if k[0] == name)
            for i, (since, m) in enumerate(dated):
                until = _midnight(dated[i + 1][0]) if i + 1 < len(dated) else None
                rows.append((str(provider), model, name, m.multiplier, _midnight(since), until))
    names = MODIFIER_TABLE_SCHEMA.names
    return pa.table(
        {name: [r[i] for r in rows] for i, name in enumerate(names)}, schema=MODIFIER_TABLE_SCHEMA
    )


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def version() -> str:
    return shipped()[0]
