"""The metrics the CLI and the reports know, each backed by one ``queries/metric_*.sql`` file.

One explicit table, not a scan of the ``queries/`` folder, so a metric has a CLI name, a
default grouping and a description in one place; a test checks it against the SQL files.
"""

from __future__ import annotations

from dataclasses import dataclass

from llmfinops.errors import QueryError

# Dimensions every metric can be grouped by; each SQL file maps these names to columns in
# one CASE expression (the value is bound, never formatted into the SQL).
DIMENSIONS: tuple[str, ...] = (
    "feature",
    "team",
    "user_tier",
    "model",
    "model_tier",
    "provider",
    "prompt_version",
    "day",
    "week",
)
GROUP_BYS: tuple[str, ...] = (*DIMENSIONS, "none")  # none: one row, group 'all'


@dataclass(frozen=True)
class MetricSpec:
    name: str  # CLI name, e.g. "cost-per-task"
    query: str  # SQL file name without .sql, e.g. "metric_cost_per_task"
    default_group_by: str
    group_bys: tuple[str, ...]  # allowed values of group_by
    description: str

    @property
    def allowed_group_bys(self) -> tuple[str, ...]:
        return self.group_bys

    @property
    def columns(self) -> tuple[str, ...]:
        """The output columns its SQL header documents (a test checks them against the result)."""
        from llmfinops import sqlfiles  # lazy: the registry itself needs no DuckDB

        return sqlfiles.output_columns(self.query)


def _spec(name: str, default: str, description: str, group_bys: tuple[str, ...] = GROUP_BYS) -> MetricSpec:
    return MetricSpec(name, "metric_" + name.replace("-", "_"), default, group_bys, description)


METRICS: dict[str, MetricSpec] = {
    s.name: s
    for s in (
        _spec("spend", "feature", "Cost, calls and tokens per group, with each group's share of the spend."),
        _spec(
            "cost-per-task",
            "feature",
            "Tasks, successful tasks, cost per successful task and steps per task.",
        ),
        _spec(
            "cost-per-action",
            "feature",
            "Cost and calls per user action (action_id, else task_id, else call).",
        ),
        _spec(
            "cost-per-tier",
            "user_tier",
            "Active users, cost per active user, p95 user-day cost and cost-to-ARPU per user tier.",
        ),
        _spec("p95-user-cost", "none", "Distribution of a user's daily cost: mean, p50, p95, max."),
        _spec(
            "output-token-ratio", "feature", "Output tokens per input token over calls that reached a model."
        ),
        _spec(
            "cache-hit-rate",
            "feature",
            "Response-cache hit rate and prompt-cache token and request rates.",
        ),
        _spec(
            "model-tier-mix",
            "model_tier",
            "Calls and cost per model tier; --by week gives the trend.",
        ),
        _spec(
            "top-spenders",
            "user_id",
            "Most expensive users (or groups), ranked, with cumulative share.",
            ("user_id", *GROUP_BYS),
        ),
        _spec(
            "inference-margin",
            "feature",
            "Revenue (config [features.*]), cost and margin = (revenue - cost) / revenue per feature.",
            ("feature",),
        ),
        _spec(
            "cost-per-session",
            "feature",
            "Sessions, cost per session and actions per session (calls with a session_id).",
        ),
        _spec(
            "gate-intercept",
            "feature",
            "Per gate (config gate_for): share of actions it stops; cost per action with and without it.",
            ("feature",),
        ),
        _spec(
            "budget-usage",
            "user_tier",
            "Per user tier: active users and how many reached the tier's user_ceiling_usd.",
            ("user_tier",),
        ),
        _spec(
            "agent-loops",
            "feature",
            "Agent tasks: steps, cost per task, context growth, success by length, runaways, step cap.",
        ),
    )
}


def get(name: str) -> MetricSpec:
    """The metric called ``name`` (``cost-per-task``; ``cost_per_task`` is accepted too)."""
    spec = METRICS.get(name.strip().lower().replace("_", "-"))
    if spec is None:
        raise QueryError(f"unknown metric {name!r}; choose one of: {', '.join(METRICS)}")
    return spec
