"""The showback's "Savings" and "Agents" sections: named tables from the savings library, the
agent-loops metric and two report queries, plus the facts their headings quote."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

from llmfinops import sqlfiles
from llmfinops.config import Config
from llmfinops.metrics import compute
from llmfinops.metrics.computation import set_agent_budget
from llmfinops.period import Period
from llmfinops.savings import savings

TOP_OPPORTUNITIES = 10
TOP_RUNAWAYS = 15


def agents_and_savings(
    con: duckdb.DuckDBPyConnection, period: Period, config: Config, spend_usd: float
) -> tuple[dict[str, pa.Table], dict[str, Any]]:
    """Tables ``savings``, ``agent_loops``, ``agent_steps``, ``runaway_tasks`` and their facts."""
    set_agent_budget(con, config)
    params = {"since": period.since, "until": period.until}
    opportunities = savings(con, period=period, config=config)
    total = sum(opportunities.column("savings_usd").to_pylist())
    runaways = sqlfiles.run(con, "report_runaway_tasks", params)
    tables = {
        "savings": opportunities.slice(0, TOP_OPPORTUNITIES),
        "agent_loops": compute(con, "agent-loops", period=period, group_by="feature", config=config),
        "agent_steps": sqlfiles.run(con, "report_agent_steps", params),
        "runaway_tasks": runaways.slice(0, TOP_RUNAWAYS),
    }
    facts = {
        "savings_count": opportunities.num_rows,
        "savings_total_usd": total,
        "savings_share_of_spend": total / spend_usd if spend_usd else None,
        "savings_top_n": TOP_OPPORTUNITIES,
        "runaway_count": runaways.num_rows,
        "runaway_top_n": TOP_RUNAWAYS,
        "task_budget_usd": config.analysis.task_budget_usd,
    }
    return tables, facts
