"""A breach: one rule or built-in check that fired, with the figures behind it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SEVERITY_RANK = {"warning": 1, "critical": 2}
# The monitoring-plugin convention schedulers read (Nagios, Icinga, Sensu, …).
STATUS = {0: "ok", 1: "warning", 2: "critical", 3: "unknown"}
JSON_KEYS = ("rule", "severity", "metric", "column", "scope", "value", "op", "threshold", "period")


@dataclass(frozen=True)
class Breach:
    rule: str  # the [[alerts]] name, or the built-in's name
    severity: str  # warning | critical
    metric: str  # the metric (or report query) the value comes from
    column: str  # its column
    scope: str  # which group: "feature=agent", "team=growth", "all", …
    value: float | None  # the figure that breached (a relative change with compare = previous)
    op: str  # < <= > >=
    threshold: float | None
    period: str  # the period's label

    def as_json(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in JSON_KEYS}


def shown(column: str, value: float | None) -> str:
    """A breach's value or threshold for people: dollars for *_usd columns, else as metrics show it."""
    from llmfinops.metrics.display import format_cell, money

    if value is not None and column.endswith("_usd"):  # mtd_usd, projected_usd, …
        return money(value)
    return format_cell(column, value)


def exit_code(breaches: list[Breach]) -> int:
    """0 nothing breached, 1 a warning, 2 a critical breach."""
    return max((SEVERITY_RANK[b.severity] for b in breaches), default=0)
