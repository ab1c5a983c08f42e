"""The showback's "Why spend moved" section: explain's rows for the total, each team and each
team's top features, and one sentence per row generated from its numbers.

Every number comes from ``queries/explain.sql`` through :func:`llmfinops.metrics.explain`;
this module picks the rows and words them, it computes no money of its own.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from llmfinops.metrics.explanation import EFFECTS, explain
from llmfinops.period import Period
from llmfinops.report.formatting import label, signed_usd, usd

TOP_FEATURES = 3  # features per team, by |change|
MENTION_SHARE = 0.10  # an effect is named when |effect| >= 10% of |change| ...
MENTION_MAX = 3  # ... at most this many, largest first
EFFECT_NAMES = {
    "volume": "volume",
    "iteration": "iteration",
    "response_cache": "response cache",
    "tokens_per_call": "tokens per call",
    "model_mix": "model mix",
    "unit_price": "unit price",
}
SCOPES = ("total", "team", "feature")


def why_spend_moved(con: duckdb.DuckDBPyConnection, period: Period, previous: Period) -> pa.Table:
    """One row for the total, then each team (largest |change| first) followed by its top features.

    Columns: scope (total | team | feature), team, feature, then explain's columns. The calls
    without a team get a team row but no feature rows: explain's team filter names a team.
    """
    parts = [_tagged(explain(con, period=period, base=previous, group_by="none"), "total", None)]
    teams = explain(con, period=period, base=previous, group_by="team")
    for index, team in enumerate(teams.column("team").to_pylist()):
        parts.append(_tagged(teams.slice(index, 1), "team", "team"))  # each team, then its features
        if team is not None:
            features = explain(con, period=period, base=previous, group_by="feature", team=team)
            parts.append(_tagged(features.slice(0, TOP_FEATURES), "feature", "feature", team))
    return pa.concat_tables(parts)


def _tagged(table: pa.Table, scope: str, key: str | None, team: str | None = None) -> pa.Table:
    """explain's rows with scope, team and feature in front (the key column moved there)."""
    n = table.num_rows
    keys = table.column(key) if key else pa.nulls(n, pa.string())
    rest = table.drop_columns([key]) if key else table
    front = {
        "scope": pa.array([scope] * n, pa.string()),
        "team": keys if key == "team" else pa.array([team] * n, pa.string()),
        "feature": keys if key == "feature" else pa.nulls(n, pa.string()),
    }
    return pa.table({**front, **{name: rest.column(name) for name in rest.column_names}})


def row_name(row: dict[str, Any]) -> str:
    """All spend | the team | the feature (its team)."""
    if row["scope"] == "total":
        return "All spend"
    if row["scope"] == "team":
        return f"Team {label(row['team'])}"
    return f"{label(row['feature'])} ({label(row['team'])})"


def _tokens(value: float, decimals: int = 0) -> str:
    if value >= 999_500:
        return f"{value / 1e6:.{decimals + 1}f}M"
    if value >= 1000:
        return f"{value / 1e3:.{decimals}f}k"
    return f"{value:.{decimals}f}"


def _pair(before: float, after: float, fmt: Any) -> str:
    """base → current, with as many decimals (up to 2 more) as it takes to show they differ."""
    for extra in range(3):
        left, right = fmt(before, extra), fmt(after, extra)
        if left != right:
            break
    return f"{left} → {right}"


def _drivers(effect: str, row: dict[str, Any]) -> str:
    """The driver values behind an effect, base → current; empty when a period has none."""
    pairs: dict[str, tuple[str, str, Any]] = {
        "volume": ("actions_0", "actions_1", lambda v, _extra: f"{v:,}"),
        "iteration": ("calls_per_action_0", "calls_per_action_1", lambda v, extra: f"{v:.{2 + extra}f}"),
        "response_cache": (
            "model_call_share_0",
            "model_call_share_1",
            lambda v, extra: f"{v * 100:.{1 + extra}f}%",
        ),
        "tokens_per_call": ("tokens_per_call_0", "tokens_per_call_1", _tokens),
    }
    if effect not in pairs:
        return ""  # model mix and unit price: the per-model shares and prices are not in the row
    before_key, after_key, fmt = pairs[effect]
    before, after = row[before_key], row[after_key]
    if not before or not after:  # a new or retired group: no driver value in one period
        return ""
    unit = {
        "volume": " actions",
        "iteration": " calls per action",
        "response_cache": " of calls reached a model",
        "tokens_per_call": "",
    }[effect]
    return f" ({_pair(before, after, fmt)}{unit})"


def named_effects(row: dict[str, Any]) -> list[tuple[str, float]]:
    """The effects a sentence names: |effect| ≥ 10% of |change| and a cent or more, largest first."""
    change = abs(row["change_usd"])
    big = [
        (e, row[f"{e}_usd"])
        for e in EFFECTS
        if abs(row[f"{e}_usd"]) >= MENTION_SHARE * change and round(row[f"{e}_usd"], 2) != 0
    ]
    return sorted(big, key=lambda item: (-abs(item[1]), EFFECTS.index(item[0])))[:MENTION_MAX]


def sentence(row: dict[str, Any]) -> str:
    """e.g. "agent (platform): +$28.97 (+106%): model mix +$27.02, volume +$7.57 (81 → 99 actions)"."""
    name, change, base = row_name(row), row["change_usd"], row["base_cost_usd"]
    if round(change, 2) == 0:
        return f"{name}: no change to the cent ({usd(row['cost_usd'])} now)"
    if base > 0:
        head = f"{name}: {signed_usd(change)} ({change / base * 100:+.0f}%)"
    else:
        head = f"{name}: {signed_usd(change)} (new)"
    parts = [f"{EFFECT_NAMES[e]} {signed_usd(v)}{_drivers(e, row)}" for e, v in named_effects(row)]
    return f"{head}: {', '.join(parts)}" if parts else head
