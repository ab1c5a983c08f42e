"""Report data -> one self-contained HTML page (Jinja2, autoescaped; charts inline as SVG).

Templates ship as package data (``reports/templates/`` -> ``llmfinops.templates``) and are
read through importlib.resources, so a wheel install renders the same page as a checkout.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources

from jinja2 import Environment, FunctionLoader, StrictUndefined
from markupsafe import Markup

from llmfinops import __version__
from llmfinops.report import charts
from llmfinops.report.formatting import delta, filters
from llmfinops.report.model import ReportData
from llmfinops.report.waterfall import waterfall
from llmfinops.report.why import row_name, sentence


def _template_source(name: str) -> str | None:
    path = resources.files("llmfinops.templates").joinpath(name)
    return path.read_text(encoding="utf-8") if path.is_file() else None


@cache
def environment() -> Environment:
    # autoescape=True for every template: names come from logs, and a .html.j2 name would slip
    # past select_autoescape's extension check.
    env = Environment(
        loader=FunctionLoader(_template_source),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(filters())
    env.globals["delta"] = delta
    return env


# Which charts each kind of report draws, from which table.
CHARTS: dict[str, dict[str, tuple[Callable[[list[dict]], Markup | None], str]]] = {
    "showback": {
        "spend_by_feature": (charts.spend_by_feature, "spend_by_team_feature"),
        "daily_by_team": (charts.daily_by_team, "daily_spend_by_team"),
        "frontier_trend": (charts.frontier_trend, "tier_mix_trend"),
        "agent_steps": (charts.agent_steps, "agent_steps"),
    },
    "chargeback": {"team_charges": (charts.team_charges, "chargeback_summary")},
}


def render_html(report: ReportData) -> str:
    """The report as one HTML document: inline CSS and SVG, no script, nothing fetched."""
    tables = {name: table.to_pylist() for name, table in report.tables.items()}
    drawn = {
        name: None if report.empty else draw(tables[source])
        for name, (draw, source) in CHARTS[report.kind].items()
    }
    template = environment().get_template(f"{report.kind}.html.j2")
    why = [] if report.empty else explained(tables.get("why_spend_moved", []))
    return template.render(
        why=why,
        period=report.period,
        previous=report.previous,
        t=tables,
        facts=report.facts,
        charts=drawn,
        empty=report.empty,
        version=__version__,
    )


def explained(rows: list[dict]) -> list[dict]:
    """Each "Why spend moved" row with its sentence and waterfall (teams and features: small)."""
    return [
        {
            "row": row,
            "name": row_name(row),
            "sentence": sentence(row),
            "chart": waterfall(row, row_name(row), f"why-{i}", small=row["scope"] != "total"),
        }
        for i, row in enumerate(rows)
    ]
