"""The month a budget is judged in, and the config's budgets as report_budgets.sql's parameters.

Shared by the showback's Budgets section and the guardrail check, so both judge the same
month to date; kept out of ``llmfinops.report`` so the check does not load the renderer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from llmfinops.config import Config
from llmfinops.period import Period


def budget_month(period: Period) -> tuple[datetime, datetime]:
    """[first day, first day of next month) of the month that holds the period's last day."""
    last = (period.until - timedelta(microseconds=1)).date()
    start = last.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return (
        datetime(start.year, start.month, 1, tzinfo=UTC),
        datetime(following.year, following.month, 1, tzinfo=UTC),
    )


def budget_rows(config: Config) -> list[dict[str, Any]]:
    """The config's monthly budgets as the $budgets parameter of report_budgets.sql."""
    rows = [{"kind": "team", "name": k, "budget_usd": v} for k, v in sorted(config.team_budgets.items())]
    rows += [
        {"kind": "feature", "name": k, "budget_usd": v} for k, v in sorted(config.feature_budgets.items())
    ]
    return rows


def budget_params(period: Period, config: Config) -> dict[str, Any]:
    """report_budgets.sql's parameters: month to date as of the end of ``period``."""
    month_start, month_end = budget_month(period)
    return {
        "month_start": month_start,
        "as_of": period.until,
        "month_end": month_end,
        "budgets": budget_rows(config),
    }
