"""The showback report's sections, each the result of one SQL file or metric, as named tables.

Nothing is summed here: every number comes from ``queries/report_*.sql`` or the metrics
library. This module only decides which query feeds which section, with which parameters.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb

from llmfinops import sqlfiles
from llmfinops.config import Config
from llmfinops.metrics import compute
from llmfinops.metrics.compute import set_tier_economics
from llmfinops.metrics.period import Period
from llmfinops.report.agents_savings import agents_and_savings
from llmfinops.report.model import ReportData, describe, period_params

TOP_N = 10  # rows of the top-spender tables
TREND_BUCKETS = 8  # 7-day buckets in the model-tier trend (more when the period is longer)


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


def build_showback(con: duckdb.DuckDBPyConnection, period: Period, config: Config) -> ReportData:
    """Run every showback query for ``period`` (and the previous period of equal length)."""
    set_tier_economics(con, config)  # revenue and ceilings per tier, for report_tiers.sql
    params = period_params(period)
    month_start, month_end = budget_month(period)
    buckets = max(TREND_BUCKETS, math.ceil(period.days / 7))
    tables = {
        "headline": sqlfiles.run(con, "report_headline", params),
        "spend_by_team_feature": sqlfiles.run(con, "report_spend_team_feature", params),
        "daily_spend_by_team": sqlfiles.run(con, "report_daily_team", params),
        "unit_economics": sqlfiles.run(con, "report_unit_economics", params),
        "tiers": sqlfiles.run(con, "report_tiers", params),
        "tier_mix_trend": sqlfiles.run(con, "report_tier_trend", {"until": period.until, "buckets": buckets}),
        "top_users": compute(con, "top-spenders", period=period, group_by="user_id").slice(0, TOP_N),
        "top_features": compute(con, "top-spenders", period=period, group_by="feature").slice(0, TOP_N),
        "anomalies": sqlfiles.run(con, "report_anomalies", params),
        "budgets": sqlfiles.run(
            con,
            "report_budgets",
            {
                "month_start": month_start,
                "as_of": period.until,
                "month_end": month_end,
                "budgets": budget_rows(config),
            },
        ),
        "unpriced_by_model": sqlfiles.run(con, "report_unpriced", params),
        "attribution": sqlfiles.run(con, "report_attribution", params),
        "quarantine": sqlfiles.run(con, "report_quarantine", params),
    }
    headline = tables["headline"].to_pylist()[0]
    extra_tables, extra_facts = agents_and_savings(con, period, config, headline["cost_usd"] or 0.0)
    tables.update(extra_tables)
    previous = period.previous()
    facts = {
        "calls": headline["calls"],
        "period_days": describe(period),
        "previous_label": previous.label,
        "previous_days": describe(previous),
        "budget_month": f"{month_start:%B %Y}",
        "budget_days_elapsed": (min(period.until, month_end) - month_start).days,
        "budget_days_in_month": (month_end - month_start).days,
        "trend_buckets": buckets,
        "top_n": TOP_N,
        "has_budgets": bool(config.team_budgets or config.feature_budgets),
        "has_tier_economics": bool(config.user_tiers),
        "last_call_at": headline["last_call_at"],
        **extra_facts,
    }
    return ReportData("showback", period, previous, tables, facts)
