"""Numbers for people: how a metric's cells read in a terminal table (and the HTML report).

Only table output goes through here; JSON and CSV carry the raw numbers.
"""

from __future__ import annotations

import math
from typing import Any

from llmfinops.metrics.registry import DIMENSIONS

MONEY = frozenset(
    {
        "cost_usd",
        "base_cost_usd",
        "cost_per_successful_task",
        "cost_per_action",
        "cost_per_call",
        "cost_per_active_user",
        "p95_user_day_cost",
        "arpu_usd_month",
        "revenue_usd",
        "cost_per_session",
        "gate_cost_usd",
        "gated_cost_per_action",
        "cost_per_action_without_gate",
        "user_ceiling_usd",
        "mean",
        "p50",
        "p95",
        "max",
        "whatif_cost_usd",
        "savings_usd",
        "monthly_savings_usd",
        "cost_per_task_p50",
        "cost_per_task_p95",
        "cost_per_task_max",
        "step_cap_savings_usd",
    }
)
# Changes and the effects that explain them: to the cent, with a sign (+$0.20, -$0.11, $0.00).
CHANGE = frozenset(
    {
        "change_usd",
        "volume_usd",
        "iteration_usd",
        "response_cache_usd",
        "tokens_per_call_usd",
        "model_mix_usd",
        "unit_price_usd",
    }
)
PERCENT = frozenset(
    {
        "share",
        "cumulative_share",
        "call_share",
        "cost_share",
        "cost_to_arpu",
        "response_cache_hit_rate",
        "prompt_cache_token_rate",
        "prompt_cache_request_rate",
        "margin",
        "intercept_rate",
        "share_at_ceiling",
        "savings_share",
        "share_of_feature_cost",
        "top5pct_cost_share",
        "success_rate_1",
        "success_rate_2_3",
        "success_rate_4_7",
        "success_rate_8_15",
        "success_rate_16_plus",
    }
)
RATIO = frozenset(
    {
        "output_token_ratio",
        "avg_steps",
        "calls_per_action",
        "steps_p50",
        "steps_p95",
        "context_growth_exponent",
        "input_tokens_step1",
        "input_tokens_last",
        "actions_per_session",
    }
)
NULL_GROUP = "NULL"  # how a NULL dimension value is shown
# Columns that hold a dimension value: the grouping key is named after its dimension.
GROUP_KEYS = frozenset({"group", "user_id", *DIMENSIONS})
MISSING = "—"  # a NULL metric: nothing to divide by, or no revenue known


def column_kind(name: str) -> str:
    """money | change | percent | ratio | other: how the column's numbers are written."""
    if name in MONEY:
        return "money"
    if name in CHANGE:
        return "change"
    if name in PERCENT:
        return "percent"
    if name in RATIO:
        return "ratio"
    return "other"


def money(value: float) -> str:
    """$1,234.56; under a dollar up to four decimals ($0.0042, $0.50), as per-call costs are small."""
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if amount == 0 or amount >= 1:
        return f"{sign}${amount:,.2f}"
    if amount < 0.00005:
        return f"{sign}<$0.0001"
    digits = f"{amount:.4f}"
    while digits.endswith("0") and len(digits.split(".")[1]) > 2:
        digits = digits[:-1]
    return f"{sign}${digits}"


def signed_money(value: float) -> str:
    """+$1,234.56 / -$0.11 / $0.00: a change to the cent (a change under half a cent is none)."""
    cents = round(value, 2)
    if cents == 0:
        return "$0.00"
    return f"{'+' if cents > 0 else '-'}${abs(cents):,.2f}"


def format_cell(column: str, value: Any) -> str:
    """One cell of a table for people."""
    if value is None:
        return NULL_GROUP if column in GROUP_KEYS else MISSING
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    kind = column_kind(column)
    if kind == "money":
        return money(value)
    if kind == "change":
        return signed_money(value)
    if kind == "percent":
        return f"{value * 100:,.1f}%"
    if kind == "ratio":
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def is_numeric(column: str, values: list[Any]) -> bool:
    """Whether a column is right-aligned: known metric columns and any column of numbers."""
    if column_kind(column) != "other":
        return True
    present = [v for v in values if v is not None]
    return bool(present) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present)
