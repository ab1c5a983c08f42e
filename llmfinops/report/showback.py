"""The showback report's sections, each the result of one SQL file or metric, as named tables.

Nothing is summed here: every number comes from ``queries/report_*.sql`` or the metrics
library. This module only decides which query feeds which section, with which parameters.
"""

from __future__ import annotations

import math

import duckdb
import pyarrow as pa

from llmfinops import sqlfiles
from llmfinops.config import Config
from llmfinops.guardrails.breach import JSON_KEYS, shown
from llmfinops.guardrails.run import CheckResult, run_check
from llmfinops.metrics import compute
from llmfinops.metrics.budgets import budget_month, budget_params
from llmfinops.metrics.computation import set_economics
from llmfinops.period import Period
from llmfinops.report.agents_savings import agents_and_savings
from llmfinops.report.model import ReportData, describe, period_params
from llmfinops.report.why import TOP_FEATURES, why_spend_moved

TOP_N = 10  # rows of the top-spender tables
TREND_BUCKETS = 8  # 7-day buckets in the model-tier trend (more when the period is longer)


# Where the report shows what a breach is about: its metric -> the section's anchor.
BREACH_SECTIONS = {
    "inference-margin": "margins",
    "cost-per-session": "margins",
    "gate-intercept": "gates",
    "budgets": "budgets",
    "anomalies": "anomalies",
    "quarantine": "quality",
    "sources": "quality",
    "spend": "spend",
    "cost-per-tier": "tiers",
    "budget-usage": "tiers",
    "model-tier-mix": "mix",
    "top-spenders": "top",
}


def breach_rows(result: CheckResult) -> pa.Table:
    """``llmfinops check``'s breaches for the report: its JSON keys, the figures as people read
    them, and the section each one links to."""
    rows = [
        {
            **{k: v for k, v in b.as_json().items() if k != "period"},  # the CSV adds its own
            "value_text": shown(b.column, b.value),
            "threshold_text": shown(b.column, b.threshold),
            # unpriced calls are counted by the spend metric but shown under data quality
            "section": "quality" if b.column == "unpriced_calls" else BREACH_SECTIONS.get(b.metric, "unit"),
        }
        for b in result.breaches
    ]
    types = {"value": pa.float64(), "threshold": pa.float64()}
    names = [*(k for k in JSON_KEYS if k != "period"), "value_text", "threshold_text", "section"]
    return pa.Table.from_pylist(rows, schema=pa.schema([(n, types.get(n, pa.string())) for n in names]))


def by_feature(table: pa.Table) -> pa.Table:
    """A per-feature metric with its group column called ``feature``, whether compute names it
    ``group`` or after the dimension."""
    if "group" not in table.column_names:
        return table
    return table.rename_columns(["feature" if c == "group" else c for c in table.column_names])


def build_showback(con: duckdb.DuckDBPyConnection, period: Period, config: Config) -> ReportData:
    """Run every showback query for ``period`` (and the previous period of equal length)."""
    set_economics(con, config)  # revenue and ceilings per tier and feature, for the report SQL
    params = period_params(period)
    month_start, month_end = budget_month(period)  # for the section's note
    buckets = max(TREND_BUCKETS, math.ceil(period.days / 7))
    previous = period.previous()
    checked = run_check(con, period, config)  # the same rules and built-ins as `llmfinops check`
    tables = {
        "breaches": breach_rows(checked),
        "headline": sqlfiles.run(con, "report_headline", params),
        "why_spend_moved": why_spend_moved(con, period, previous),
        "spend_by_team_feature": sqlfiles.run(con, "report_spend_team_feature", params),
        "daily_spend_by_team": sqlfiles.run(con, "report_daily_team", params),
        "unit_economics": sqlfiles.run(con, "report_unit_economics", params),
        "margins": by_feature(compute(con, "inference-margin", period=period, config=config)),
        "sessions": by_feature(compute(con, "cost-per-session", period=period, config=config)),
        "gates": by_feature(compute(con, "gate-intercept", period=period, config=config)),
        "tiers": sqlfiles.run(con, "report_tiers", params),
        "tier_mix_trend": sqlfiles.run(con, "report_tier_trend", {"until": period.until, "buckets": buckets}),
        "top_users": compute(con, "top-spenders", period=period, group_by="user_id").slice(0, TOP_N),
        "top_features": compute(con, "top-spenders", period=period, group_by="feature").slice(0, TOP_N),
        "anomalies": sqlfiles.run(con, "report_anomalies", params),
        "budgets": sqlfiles.run(con, "report_budgets", budget_params(period, config)),
        "unpriced_by_model": sqlfiles.run(con, "report_unpriced", params),
        "partly_priced": sqlfiles.run(con, "report_partly_priced", params),
        "attribution": sqlfiles.run(con, "report_attribution", params),
        "quarantine": sqlfiles.run(con, "report_quarantine", params),
    }
    headline = tables["headline"].to_pylist()[0]
    extra_tables, extra_facts = agents_and_savings(con, period, config, headline["cost_usd"] or 0.0)
    tables.update(extra_tables)
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
        "why_top_features": TOP_FEATURES,
        "has_budgets": bool(config.team_budgets or config.feature_budgets),
        "has_tier_economics": bool(config.user_tiers),
        "has_revenue": any(
            f.revenue_usd_month is not None
            or f.revenue_usd_per_action is not None
            or f.revenue_usd_per_task is not None
            for f in config.features.values()
        ),
        "checks": f"{checked.rules} rule(s) and {checked.builtins} built-in check(s)",
        "last_call_at": headline["last_call_at"],
        **extra_facts,
    }
    return ReportData("showback", period, previous, tables, facts)
