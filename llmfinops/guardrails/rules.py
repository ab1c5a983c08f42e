"""The ``[[alerts]]`` rules and ``[check]`` settings of the config, read and validated.

A rule names a metric, one of its numeric columns, a dimension it can be grouped by,
an optional group value, an operator and a threshold::

    [[alerts]]
    name = "agent margin"        # unique
    metric = "inference-margin"  # any metric name
    column = "margin"            # one of its numeric columns
    by = "feature"               # a --by dimension of that metric (default: its default)
    where = "agent"              # optional: one group value
    op = "<"                     # < <= > >=
    threshold = 0.40
    severity = "critical"        # warning (default) | critical
    compare = "previous"         # optional: judge (value - previous) / previous instead

Everything is checked when the config is read, so a typo fails the nightly job at once
(with exit 3 from ``llmfinops check``) instead of never alerting.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from llmfinops.errors import ConfigError

OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
SEVERITIES = ("warning", "critical")
COMPARES = ("previous",)
_NUMERIC = ("BIGINT", "DOUBLE", "INTEGER", "HUGEINT", "DECIMAL")
_RULE_KEYS = {"name", "metric", "column", "by", "where", "op", "threshold", "severity", "compare"}

# Built-in checks: name -> (severity, what it flags). `budget over` and `budget projected
# over` are two severities of one check; each can be switched off in [check] disable.
BUILTINS: dict[str, tuple[str, str]] = {
    "budget over": ("critical", "a team or feature already spent more than its monthly budget"),
    "budget projected over": (
        "warning",
        "a team or feature is projected (straight line, month to date) over its monthly budget",
    ),
    "spend anomaly": ("warning", "a feature-day of the period is a spend anomaly (report definition)"),
    "unpriced calls": ("warning", "more than max_unpriced_calls calls of the period are unpriced"),
    "quarantined records": (
        "warning",
        "more than max_quarantined_records records were quarantined by the period's ingests",
    ),
    "silent source": (
        "warning",
        "a source had calls on each of the 7 days before the period and none in it",
    ),
}
_CHECK_KEYS = {"max_unpriced_calls", "max_quarantined_records", "disable"}


@dataclass(frozen=True)
class AlertRule:
    name: str
    metric: str  # registry name, e.g. inference-margin
    column: str
    by: str
    op: str
    threshold: float
    severity: str = "warning"
    where: str | None = None
    compare: str | None = None

    def breached(self, value: float) -> bool:
        return OPS[self.op](value, self.threshold)


@dataclass(frozen=True)
class CheckSettings:
    """``[check]``: the built-ins' limits (defaults 0: any unpriced call or quarantined record
    warns) and the built-ins switched off by name."""

    max_unpriced_calls: int = 0
    max_quarantined_records: int = 0
    disable: tuple[str, ...] = ()


def parse_check(raw: Any) -> CheckSettings:
    if not isinstance(raw, dict):
        raise ConfigError("[check] must be a table")
    unknown = set(raw) - _CHECK_KEYS
    if unknown:
        raise ConfigError(f"[check] has unknown key(s) {sorted(unknown)}; known: {sorted(_CHECK_KEYS)}")
    limits = {}
    for key in ("max_unpriced_calls", "max_quarantined_records"):
        value = raw.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"check.{key} must be a whole number >= 0, not {value!r}")
        limits[key] = value
    disable = raw.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(d, str) for d in disable):
        raise ConfigError("check.disable must be a list of built-in check names")
    for name in disable:
        if name not in BUILTINS:
            raise ConfigError(f"check.disable: unknown built-in {name!r}; built-ins: {', '.join(BUILTINS)}")
    return CheckSettings(disable=tuple(disable), **limits)


def parse_alerts(raw: Any) -> tuple[AlertRule, ...]:
    """The ``[[alerts]]`` array as rules; a ConfigError names the rule and what is wrong."""
    if not isinstance(raw, list):
        raise ConfigError("alerts must be an array of tables: [[alerts]]")
    rules: list[AlertRule] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw, start=1):
        rule = _rule(entry, index)
        if rule.name in seen:
            raise ConfigError(f"[[alerts]] name {rule.name!r} is used twice; names must be unique")
        seen.add(rule.name)
        rules.append(rule)
    return tuple(rules)


def _rule(entry: Any, index: int) -> AlertRule:
    if not isinstance(entry, dict):
        raise ConfigError(f"[[alerts]] #{index} must be a table")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"[[alerts]] #{index} needs a name")
    label = f"[[alerts]] {name!r}"
    unknown = set(entry) - _RULE_KEYS
    if unknown:
        raise ConfigError(f"{label} has unknown key(s) {sorted(unknown)}; known: {sorted(_RULE_KEYS)}")
    for key in ("metric", "column", "op", "threshold"):
        if key not in entry:
            raise ConfigError(f"{label} needs {key}")
    op = entry["op"]
    if op not in OPS:
        raise ConfigError(f"{label}: op must be one of {' '.join(OPS)}, not {op!r}")
    threshold = entry["threshold"]
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        raise ConfigError(f"{label}: threshold must be a number, not {threshold!r}")
    severity = entry.get("severity", "warning")
    if severity not in SEVERITIES:
        raise ConfigError(f"{label}: severity must be warning or critical, not {severity!r}")
    compare = entry.get("compare")
    if compare is not None and compare not in COMPARES:
        raise ConfigError(f"{label}: compare must be 'previous' (or left out), not {compare!r}")
    group = entry.get("where")
    if group is not None and not isinstance(group, str):
        raise ConfigError(f"{label}: where must be one group value as a string, not {group!r}")
    metric, column, by = _metric_column_by(label, entry["metric"], entry["column"], entry.get("by"))
    if by == "none" and group is not None:
        raise ConfigError(f"{label}: by = 'none' has one group ('all'); leave out where")
    return AlertRule(
        name=name,
        metric=metric,
        column=column,
        by=by,
        op=op,
        threshold=float(threshold),
        severity=severity,
        where=group,
        compare=compare,
    )


def _metric_column_by(label: str, metric: Any, column: Any, by: Any) -> tuple[str, str, str]:
    """The metric's registry name, the column and the dimension, each checked against the metric."""
    from llmfinops.errors import QueryError
    from llmfinops.metrics.registry import get  # lazy: the metrics package is not needed otherwise

    try:
        spec = get(str(metric))
    except QueryError as exc:
        raise ConfigError(f"{label}: {exc}") from None
    from llmfinops import sqlfiles

    numeric = [c for c, kind in sqlfiles.output_types(spec.query).items() if kind.startswith(_NUMERIC)]
    if column not in numeric:
        raise ConfigError(
            f"{label}: {spec.name} has no numeric column {column!r}; choose one of: {', '.join(numeric)}"
        )
    chosen = str(by).strip().lower() if by is not None else spec.default_group_by
    if chosen not in spec.group_bys:
        raise ConfigError(
            f"{label}: {spec.name} cannot be grouped by {chosen!r}; use one of: {', '.join(spec.group_bys)}"
        )
    return spec.name, str(column), chosen
