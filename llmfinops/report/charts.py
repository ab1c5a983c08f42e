"""Charts for the HTML report: matplotlib figures saved as inline SVG strings.

Text stays text (``svg.fonttype = none``), so a chart is searchable, small and crisp in
print; ids are salted per chart and metadata carries no date, so the same data gives the same
bytes. Labels come from logs: matplotlib escapes them in the SVG it writes, math parsing is
off (a ``$`` in a feature name is a dollar sign), and :func:`to_svg` refuses any output that
would carry script or a reference outside the chart.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

import matplotlib
from markupsafe import Markup
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from llmfinops.report.formatting import label, usd

MIN_POINT_CALLS = 20  # a share of fewer model calls is noise: such trend points are not drawn
WIDTH_IN = 10.0  # inches; 96 px each on screen, so ~960 px wide like the page's content column
PALETTE = (
    "#2563eb",
    "#f59e0b",
    "#10b981",
    "#ef4444",
    "#8b5cf6",
    "#06b6d4",
    "#ec4899",
    "#84cc16",
    "#64748b",
    "#d97706",
)
STYLE: dict[Any, Any] = {  # matplotlib types rc keys as a Literal union: Any keeps mypy out of it
    "svg.fonttype": "none",
    "text.parse_math": False,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#94a3b8",
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#e2e8f0",
    "grid.linewidth": 0.8,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "legend.frameon": False,
}
_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(url\(#|href="#)([^)"]+)')
# Checked inside tags only: text content is escaped data, and may say anything.
_FORBIDDEN = re.compile(r"<script|<foreignobject|<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
_OUTSIDE = re.compile(r'<[^>]*(?:\s(?:xlink:)?(?:href|src)\s*=\s*"(?!#)|url\((?!#))', re.IGNORECASE)


def colours(names: Iterable[Any]) -> dict[Any, str]:
    """A stable colour per name: sorted names take the palette in order."""
    ordered = sorted(names, key=lambda n: (n is None, str(n)))
    return {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(ordered)}


def to_svg(fig: Figure, name: str) -> Markup:
    """The figure as an ``<svg>`` element to inline in HTML, with ids prefixed by ``name``."""
    buf = io.StringIO()
    salted: dict[Any, Any] = {**STYLE, "svg.hashsalt": f"llmfinops-{name}"}
    with matplotlib.rc_context(salted):
        fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.05, metadata={"Date": None})
    text = buf.getvalue()
    svg = text[text.index("<svg") :]
    # Each chart's ids restart at figure_1, axes_1: prefix them so the page has unique ids.
    svg = _ID.sub(lambda m: f'id="{name}-{m.group(1)}"', svg)
    svg = _REF.sub(lambda m: f"{m.group(1)}{name}-{m.group(2)}", svg)
    if _FORBIDDEN.search(svg) or _OUTSIDE.search(svg):
        raise ValueError(f"chart {name} produced SVG with script or an outside reference")  # a bug, not input
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{name.replace("-", " ")} chart" ', 1)
    return Markup(svg)


def _figure(height_in: float) -> Figure:
    with matplotlib.rc_context(STYLE):
        return Figure(figsize=(WIDTH_IN, height_in))


def _usd_axis(axis: Any) -> None:
    # Whole dollars on the ticks when they are whole ($10, not $10.00); cents when they are not.
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"${v:,.0f}" if float(v).is_integer() else usd(v)))


def spend_by_feature(rows: list[dict[str, Any]]) -> Markup | None:
    """Horizontal bars: cost per (team, feature), coloured by team, most expensive on top."""
    rows = [r for r in rows if r["row_kind"] == "feature" and r["cost_usd"]][:15]
    if not rows:
        return None
    rows = sorted(rows, key=lambda r: r["cost_usd"])
    palette = colours({r["team"] for r in rows})
    with matplotlib.rc_context(STYLE):
        fig = _figure(0.8 + 0.27 * len(rows))
        ax = fig.add_subplot()
        names = [f"{label(r['feature'])} · {label(r['team'])}" for r in rows]
        positions = range(len(rows))
        ax.barh(
            positions, [r["cost_usd"] for r in rows], color=[palette[r["team"]] for r in rows], height=0.65
        )
        ax.set_yticks(list(positions), names)
        for pos, r in zip(positions, rows, strict=True):
            ax.annotate(
                usd(r["cost_usd"]),
                (r["cost_usd"], pos),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
            )
        ax.margins(x=0.12)
        _usd_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("Cost in the period (USD)")
        ax.set_title("Spend by feature · team")
        return to_svg(fig, "spend-by-feature")


def daily_by_team(rows: list[dict[str, Any]]) -> Markup | None:
    """Stacked bars: cost per UTC day, one segment per team."""
    days: list[date] = sorted({r["day"] for r in rows})
    teams = sorted({r["team"] for r in rows}, key=lambda t: (t is None, str(t)))
    if not days or not any(r["cost_usd"] for r in rows):
        return None
    cost = {(r["day"], r["team"]): r["cost_usd"] for r in rows}
    palette = colours(teams)
    with matplotlib.rc_context(STYLE):
        fig = _figure(3.4)
        ax = fig.add_subplot()
        x = list(range(len(days)))
        bottom = [0.0] * len(days)
        for team in teams:
            heights = [cost.get((d, team), 0.0) for d in days]
            ax.bar(x, heights, bottom=bottom, color=palette[team], label=label(team), width=0.7)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        step = 1 if len(days) <= 14 else 3
        ax.set_xticks(x[::step], [f"{d:%a %d %b}" if len(days) <= 14 else f"{d:%d %b}" for d in days][::step])
        _usd_axis(ax.yaxis)
        ax.grid(axis="x", visible=False)
        ax.set_ylabel("Cost per day (USD)")
        ax.set_title("Daily spend by team (UTC days)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title="team")
        return to_svg(fig, "daily-by-team")


def frontier_trend(rows: list[dict[str, Any]]) -> Markup | None:
    """Lines: frontier-model share of calls per feature per 7-day bucket; all features dashed."""
    buckets = sorted({(r["bucket_start"], r["bucket"]) for r in rows})
    if len(buckets) < 1:
        return None
    index = {start: i for i, (start, _label) in enumerate(buckets)}
    features = sorted({r["feature"] for r in rows if not r["is_total"]}, key=lambda f: (f is None, str(f)))
    flagged = {r["feature"] for r in rows if r["routing_flag"] and not r["is_total"]}
    palette = colours(features)
    with matplotlib.rc_context(STYLE):
        fig = _figure(3.6)
        ax = fig.add_subplot()
        for feature in features:
            points = [
                (index[r["bucket_start"]], r["frontier_call_share"])
                for r in rows
                if not r["is_total"] and r["feature"] == feature and r["calls"] >= MIN_POINT_CALLS
            ]
            if not points:
                continue
            name = label(feature) + ("  ▲ routing?" if feature in flagged else "")
            ax.plot(
                *zip(*points, strict=True),
                marker="o",
                markersize=4,
                color=palette[feature],
                linewidth=2.6 if feature in flagged else 1.4,
                label=name,
            )
        if not ax.lines:
            return None  # every feature had too few model calls to draw
        totals = [
            (index[r["bucket_start"]], r["frontier_call_share"])
            for r in rows
            if r["is_total"] and r["calls"] >= MIN_POINT_CALLS
        ]
        if totals:
            ax.plot(
                *zip(*totals, strict=True),
                color="#0f172a",
                linestyle="--",
                linewidth=1.2,
                label="all features",
            )
        ax.set_xticks(range(len(buckets)), [b for _start, b in buckets])
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylabel("Frontier-model share of calls")
        ax.set_title("Frontier-model share by feature, 7-day buckets (a rise = routing regression?)")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title="feature")
        return to_svg(fig, "frontier-trend")


def team_charges(rows: list[dict[str, Any]]) -> Markup | None:
    """Horizontal stacked bars per team: usage, shared allocation, adjustment."""
    rows = [r for r in rows if r["charged_usd"] or r["subtotal_usd"]]
    if not rows:
        return None
    rows = sorted(rows, key=lambda r: (r["charged_usd"], r["team"]))
    parts = (
        ("usage_usd", "usage", PALETTE[0]),
        ("shared_usd", "shared allocation", PALETTE[1]),
        ("adjustment_usd", "adjustment", PALETTE[8]),
    )
    with matplotlib.rc_context(STYLE):
        fig = _figure(0.9 + 0.4 * len(rows))
        ax = fig.add_subplot()
        positions = list(range(len(rows)))
        left = [0.0] * len(rows)
        for key, name, colour in parts:
            widths = [float(r[key]) for r in rows]
            if any(widths):
                ax.barh(positions, widths, left=left, color=colour, label=name, height=0.6)
                left = [a + w for a, w in zip(left, widths, strict=True)]
        ax.set_yticks(positions, [label(r["team"]) for r in rows])
        for pos, r in zip(positions, rows, strict=True):
            ax.annotate(
                usd(float(r["charged_usd"])),
                (max(left[pos], 0), pos),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
            )
        ax.margins(x=0.12)
        _usd_axis(ax.xaxis)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel("Charged in the period (USD)")
        ax.set_title("Charge per team")
        ax.legend(loc="lower right")
        return to_svg(fig, "team-charges")


def agent_steps(rows: list[dict[str, Any]]) -> Markup | None:
    """Two panels by step index, one line per agent feature: what the calls at that index cost,
    and how much input they sent on average (a steep line is a context that keeps growing)."""
    features = sorted({r["feature"] for r in rows}, key=lambda f: str(f))
    if not features:
        return None
    palette = colours(features)
    with matplotlib.rc_context(STYLE):
        fig = _figure(3.4)
        cost_ax, input_ax = fig.subplots(1, 2)
        for feature in features:
            mine = [r for r in rows if r["feature"] == feature]
            steps = [r["step_index"] for r in mine]
            cost_ax.plot(steps, [r["cost_usd"] for r in mine], color=palette[feature], label=label(feature))
            tokens = [
                (r["step_index"], r["mean_input_tokens"]) for r in mine if r["mean_input_tokens"] is not None
            ]
            if tokens:
                input_ax.plot(*zip(*tokens, strict=True), color=palette[feature], label=label(feature))
        _usd_axis(cost_ax.yaxis)
        cost_ax.set_xlabel("Step index")
        cost_ax.set_title("Cost at each step (all tasks)")
        input_ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
        input_ax.set_xlabel("Step index")
        input_ax.set_title("Mean input tokens at each step")
        input_ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title="feature")
        return to_svg(fig, "agent-steps")
