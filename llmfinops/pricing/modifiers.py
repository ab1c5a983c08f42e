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
        # regional processing only: the call tag (tags[tag] = tag_value) that enables the row
        ("tag", pa.string()),
        ("tag_value", pa.string()),
    ]
)

REGIONAL = "regional_processing"
# OpenAI: "Data residency endpoints are charged a 10% uplift for models released on or after
# March 5, 2026, that are eligible for data residency"
# (https://developers.openai.com/api/docs/guides/data-residency). The response does not show it,
# so the config names the project / API key / host tag that routes through such an endpoint and
# the models it applies to; these are the defaults of such a [[pricing.regional_processing]] row.
REGIONAL_MULTIPLIER = 1.1
REGIONAL_SINCE = date(2026, 3, 5)


@dataclass(frozen=True)
class Modifier:
    provider: str
    model: str  # fnmatch pattern over the normalised model id
    modifier: str  # "<column>=<value>"
    multiplier: float
    valid_from: date
    tag: str | None = None  # regional processing: the tag whose value enables the row
    value: str | None = None


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


def parse_regional(raw: dict[str, Any], where: str) -> Modifier:
    """A [[pricing.regional_processing]] row: provider, model pattern, the tag and value that mark
    a call sent through a regional-processing project / key / host, multiplier, valid_from."""
    try:
        mod = Modifier(
            provider=str(raw["provider"]).lower(),
            model=str(raw["model"]).lower(),
            modifier=REGIONAL,
            multiplier=float(raw.get("multiplier", REGIONAL_MULTIPLIER)),
            valid_from=raw.get("valid_from", REGIONAL_SINCE),
            tag=str(raw["tag"]),
            value=str(raw["value"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            f"{where}: a regional_processing row needs provider, model, tag and value ({exc})"
        ) from None
    if mod.multiplier < 0 or not isinstance(mod.valid_from, date):
        raise ConfigError(
            f"{where}: bad regional_processing row {raw!r} (multiplier >= 0, valid_from a date)"
        )
    return mod


def effective(overrides: tuple[Modifier, ...]) -> tuple[Modifier, ...]:
    """Shipped rows, with config rows added or replacing a shipped row of the same key."""
    _, rows = shipped()
    key = {(*_key(m), m.valid_from): m for m in rows}
    for m in overrides:
        key = {k: v for k, v in key.items() if k[:5] != _key(m)}
        key[(*_key(m), m.valid_from)] = m
    return tuple(key.values())


def _key(m: Modifier) -> tuple[str, str, str, str | None, str | None]:
    return (m.provider, m.model, m.modifier, m.tag, m.value)


def modifier_table(pairs: list[tuple[str | None, str]], overrides: tuple[Modifier, ...]) -> pa.Table:
    """``modifier_rows``: the modifiers matching each distinct (provider, model) of the data, as
    non-overlapping [valid_from, valid_until) rows per modifier (a later row ends the earlier one;
    of two patterns matching one model, the first listed wins)."""
    table = effective(overrides)
    rows: list[tuple[str, str, str, float, datetime, datetime | None, str | None, str | None]] = []
    for provider, model in sorted({p for p in pairs if p[0] and p[1]}, key=lambda p: (p[0] or "", p[1])):
        chosen: dict[tuple[str, str, str, date], Modifier] = {}
        for m in table:
            if m.provider == str(provider).lower() and fnmatchcase(model.lower(), m.model):
                chosen.setdefault((m.modifier, m.tag or "", m.value or "", m.valid_from), m)
        tags = {m.tag for m in chosen.values() if m.modifier == REGIONAL}
        if len(tags) > 1:  # two tag keys could both match one call: the join would count it twice
            raise ConfigError(
                f"pricing.regional_processing: {provider}/{model} is matched by rows on several tags "
                f"({', '.join(sorted(str(t) for t in tags))}); use one tag per model"
            )
        for name in sorted({k[:3] for k in chosen}):
            dated = sorted((k[3], v) for k, v in chosen.items() if k[:3] == name)
            for i, (since, m) in enumerate(dated):
                until = _midnight(dated[i + 1][0]) if i + 1 < len(dated) else None
                rows.append(
                    (str(provider), model, name[0], m.multiplier, _midnight(since), until, m.tag, m.value)
                )
    names = MODIFIER_TABLE_SCHEMA.names
    return pa.table(
        {name: [r[i] for r in rows] for i, name in enumerate(names)}, schema=MODIFIER_TABLE_SCHEMA
    )


def regional_tags(table: pa.Table) -> list[str]:
    """The tag keys the regional_processing rows of a ``modifier_table`` read (empty: none)."""
    rows = zip(table.column("modifier").to_pylist(), table.column("tag").to_pylist(), strict=True)
    return sorted({tag for modifier, tag in rows if modifier == REGIONAL and tag is not None})


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def version() -> str:
    return shipped()[0]
