"""The built-in checks: budgets, spend anomalies, unpriced calls, quarantine, silent sources.

Budgets and anomalies are the showback report's own queries (report_budgets.sql,
report_anomalies.sql), so the check and the report never disagree about them.
"""

from __future__ import annotations

import duckdb

from llmfinops import sqlfiles
from llmfinops.config import Config
from llmfinops.guardrails.breach import Breach
from llmfinops.guardrails.rules import BUILTINS
from llmfinops.metrics import compute
from llmfinops.metrics.budgets import budget_params
from llmfinops.period import Period


def builtin_breaches(con: duckdb.DuckDBPyConnection, period: Period, config: Config) -> list[Breach]:
    """Every enabled built-in check's breaches for ``period``."""
    off = set(config.check.disable)
    found: list[Breach] = []
    if not {"budget over", "budget projected over"} <= off:
        found += [b for b in _budgets(con, period, config) if b.rule not in off]
    if "spend anomaly" not in off:
        found += _anomalies(con, period)
    if "unpriced calls" not in off:
        found += _unpriced(con, period, config.check.max_unpriced_calls)
    if "quarantined records" not in off:
        found += _quarantine(con, period, config.check.max_quarantined_records)
    if "silent source" not in off:
        found += _silent_sources(con, period)
    return found


def _breach(rule: str, **figures: object) -> Breach:
    return Breach(rule=rule, severity=BUILTINS[rule][0], **figures)  # type: ignore[arg-type]


def _budgets(con: duckdb.DuckDBPyConnection, period: Period, config: Config) -> list[Breach]:
    """Month to date as of the period's end, as the report computes it: over is critical,
    projected over a warning."""
    found = []
    for row in sqlfiles.run(con, "report_budgets", budget_params(period, config)).to_pylist():
        scope = f"{row['kind']}={row['name']}"
        if row["status"] == "over":
            found.append(
                _breach(
                    "budget over",
                    metric="budgets",
                    column="mtd_usd",
                    scope=scope,
                    value=row["mtd_usd"],
                    op=">",
                    threshold=row["budget_usd"],
                    period=period.label,
                )
            )
        elif row["status"] == "projected over":
            found.append(
                _breach(
                    "budget projected over",
                    metric="budgets",
                    column="projected_usd",
                    scope=scope,
                    value=row["projected_usd"],
                    op=">",
                    threshold=row["budget_usd"],
                    period=period.label,
                )
            )
    return found


def _anomalies(con: duckdb.DuckDBPyConnection, period: Period) -> list[Breach]:
    """Each anomalous feature-day: its cost against the baseline median it departed from."""
    rows = sqlfiles.run(con, "report_anomalies", {"since": period.since, "until": period.until})
    return [
        _breach(
            "spend anomaly",
            metric="anomalies",
            column="cost_usd",
            scope=f"feature={r['feature']} day={r['day'].isoformat()}",
            value=r["cost_usd"],
            op=">" if r["direction"] == "spike" else "<",
            threshold=r["baseline_median"],
            period=period.label,
        )
        for r in rows.to_pylist()
    ]


def _unpriced(con: duckdb.DuckDBPyConnection, period: Period, limit: int) -> list[Breach]:
    """Unpriced calls (and partly priced ones, where the spend metric counts them) over ``limit``."""
    table = compute(con, "spend", period=period, group_by="none")
    count = 0
    for column in ("unpriced_calls", "partially_priced_calls"):
        if column in table.column_names:
            count += sum(v or 0 for v in table.column(column).to_pylist())
    if count <= limit:
        return []
    return [
        _breach(
            "unpriced calls",
            metric="spend",
            column="unpriced_calls",
            scope="all",
            value=count,
            op=">",
            threshold=limit,
            period=period.label,
        )
    ]


def _quarantine(con: duckdb.DuckDBPyConnection, period: Period, limit: int) -> list[Breach]:
    row = sqlfiles.run(con, "check_quarantine", {"since": period.since, "until": period.until}).to_pylist()[0]
    if row["records"] <= limit:
        return []
    return [
        _breach(
            "quarantined records",
            metric="quarantine",
            column="records",
            scope="all",
            value=row["records"],
            op=">",
            threshold=limit,
            period=period.label,
        )
    ]


def _silent_sources(con: duckdb.DuckDBPyConnection, period: Period) -> list[Breach]:
    rows = sqlfiles.run(con, "check_silent_sources", {"since": period.since, "until": period.until})
    return [
        _breach(
            "silent source",
            metric="sources",
            column="calls_in_period",
            scope=f"source={r['source']}",
            value=r["calls_in_period"],
            op="<",
            threshold=1,
            period=period.label,
        )
        for r in rows.to_pylist()
    ]
