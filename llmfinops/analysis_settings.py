"""Settings of the what-if, agent-loop and savings analyses: ``[whatif]``, ``[agents]``, ``[savings]``.

Every key is optional; the defaults below are the documented ones (README, docs/savings.md)::

    [whatif]
    cache_writes_per_read = 0.1       # --cache: prompt-cache tokens written per extra token read

    [agents]
    task_budget_usd = 0.50            # a task costing more is a runaway (agent-loops)

    [savings]
    min_savings_usd = 1.0             # noise floor: an opportunity saving less over the period is not listed
    min_share = 0.01                  # ... nor one saving less than this share of its feature's cost
    route_output_p95_max = 400        # route: output P95 below this many tokens is "short"
    route_success_tolerance = 0.02    # route: a budget model's success rate within this of the feature's
    prompt_cache_min_input = 1024     # prompt_cache: every call of the group has at least this much input
    prompt_cache_max_cached_share = 0.2   # ... and at most this share of its input read from cache
    prompt_cache_target_share = 0.5   # --cache at this share
    output_cap_ratio = 5.0            # output_cap: output P99 at least this many times the P50
    context_growth_min = 1.3          # context_cap: context growth exponent at least this
    response_cache_drop = 0.05        # response_cache: hit rate fell by at least this (absolute)
    prompt_regression_rise = 0.10     # prompt_regression: cost per successful task rose by this share
    non_interactive = ["nightly-digest"]  # features whose calls no user waits for (batch candidates)
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from llmfinops.errors import ConfigError


@dataclass(frozen=True)
class SavingsThresholds:
    min_savings_usd: float = 1.0
    min_share: float = 0.01
    route_output_p95_max: float = 400.0
    route_success_tolerance: float = 0.02
    prompt_cache_min_input: float = 1024.0
    prompt_cache_max_cached_share: float = 0.2
    prompt_cache_target_share: float = 0.5
    output_cap_ratio: float = 5.0
    context_growth_min: float = 1.3
    response_cache_drop: float = 0.05
    prompt_regression_rise: float = 0.10
    non_interactive: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnalysisSettings:
    cache_writes_per_read: float = 0.1
    task_budget_usd: float = 0.50
    savings: SavingsThresholds = field(default_factory=SavingsThresholds)


def parse_analysis(raw: dict[str, Any]) -> AnalysisSettings:
    """The ``[whatif]``, ``[agents]`` and ``[savings]`` tables of a parsed config."""
    whatif = _table(raw, "whatif")
    agents = _table(raw, "agents")
    savings = _table(raw, "savings")
    known = {f.name for f in fields(SavingsThresholds)}
    unknown = sorted(set(savings) - known)
    if unknown:
        raise ConfigError(f"unknown [savings] key(s): {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for key, value in savings.items():
        if key == "non_interactive":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError("savings.non_interactive must be a list of feature names")
            values[key] = tuple(value)
        else:
            values[key] = _number(value, f"savings.{key}")
    return AnalysisSettings(
        cache_writes_per_read=_number(
            whatif.get("cache_writes_per_read", 0.1), "whatif.cache_writes_per_read"
        ),
        task_budget_usd=_number(agents.get("task_budget_usd", 0.50), "agents.task_budget_usd"),
        savings=SavingsThresholds(**values),
    )


def _table(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"[{key}] must be a table")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{where} must be a non-negative number")
    return float(value)
