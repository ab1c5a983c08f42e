"""Judge a period: the config's ``[[alerts]]`` rules and the built-in checks, as breaches.

from llmfinops.guardrails.run import run_check

result = run_check(con, resolve_period("yesterday", None, None), load_config())
result.exit_code  # 0 nothing breached, 1 a warning, 2 a critical breach
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import duckdb

from llmfinops import sqlfiles
from llmfinops.config import Config
from llmfinops.guardrails.breach import STATUS, Breach, exit_code
from llmfinops.guardrails.builtins import builtin_breaches
from llmfinops.guardrails.rules import BUILTINS, AlertRule
from llmfinops.metrics import compute
from llmfinops.metrics.registry import get
from llmfinops.period import Period


@dataclass(frozen=True)
class CheckResult:
    period: Period
    breaches: list[Breach] = field(default_factory=list)
    rules: int = 0  # [[alerts]] rules judged
    builtins: int = 0  # built-in checks judged

    @property
    def exit_code(self) -> int:
        return exit_code(self.breaches)

    @property
    def status(self) -> str:
        return STATUS[self.exit_code]

    def as_json(self) -> list[dict[str, Any]]:
        return [b.as_json() for b in self.breaches]


def run_check(con: duckdb.DuckDBPyConnection, period: Period, config: Config) -> CheckResult:
    """Every breach of ``period``: critical ones first, then in the order rules are written."""
    breaches = [b for rule in config.alerts for b in rule_breaches(con, period, config, rule)]
    breaches += builtin_breaches(con, period, config)
    breaches.sort(key=lambda b: b.severity != "critical")  # stable: keeps the order within a severity
    enabled = len([name for name in BUILTINS if name not in config.check.disable])
    return CheckResult(period, breaches, len(config.alerts), enabled)


def rule_breaches(
    con: duckdb.DuckDBPyConnection, period: Period, config: Config, rule: AlertRule
) -> list[Breach]:
    """The groups of ``rule``'s metric whose column breaches its threshold (NULL never does)."""
    current = _by_scope(compute(con, rule.metric, period=period, group_by=rule.by, config=config), rule)
    previous = (
        _by_scope(compute(con, rule.metric, period=period.previous(), group_by=rule.by, config=config), rule)
        if rule.compare == "previous"
        else {}
    )
    found = []
    for scope, (group, row) in current.items():
        if rule.where is not None and group != rule.where:
            continue
        value = _number(row.get(rule.column))
        if rule.compare == "previous":
            before = _number(previous.get(scope, (None, {}))[1].get(rule.column))
            value = None if value is None or not before else (value - before) / before
        if value is not None and rule.breached(value):
            found.append(
                Breach(
                    rule=rule.name,
                    severity=rule.severity,
                    metric=rule.metric,
                    column=rule.column,
                    scope=scope,
                    value=value,
                    op=rule.op,
                    threshold=rule.threshold,
                    period=period.label,
                )
            )
    return found


def _by_scope(table: Any, rule: AlertRule) -> dict[str, tuple[str | None, dict[str, Any]]]:
    """Rows keyed by their scope text ("feature=agent"; model-tier-mix adds model_tier=…).

    The group's value is read from ``group`` or, where results name it after the dimension,
    from the column of that name.
    """
    names = table.column_names
    key = "group" if "group" in names else (rule.by if rule.by in names else None)
    labels = [
        c
        for c, kind in sqlfiles.output_types(get(rule.metric).query).items()
        if kind == "VARCHAR" and c != "group" and c in names and c != key
    ]
    out: dict[str, tuple[str | None, dict[str, Any]]] = {}
    for row in table.to_pylist():
        group = row.get(key) if key else None
        head = "all" if rule.by == "none" else f"{rule.by}={_text(group)}"
        scope = " ".join([head, *(f"{c}={_text(row[c])}" for c in labels)])
        out[scope] = (group, row)
    return out


def _text(value: Any) -> str:
    return "NULL" if value is None else str(value)


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) else None
