"""The waterfall chart of "Why spend moved": base cost, the six effects, current cost."""

from __future__ import annotations

import math
from typing import Any

import matplotlib
from markupsafe import Markup
from matplotlib.ticker import FuncFormatter

from llmfinops.metrics.explanation import EFFECTS
from llmfinops.report.charts import STYLE, WIDTH_IN, _figure, to_svg
from llmfinops.report.formatting import signed_usd
from llmfinops.report.why import EFFECT_NAMES

UP, DOWN, TOTAL = "#ef4444", "#10b981", "#64748b"  # cost up is bad news: red, as in the tables
ZOOM_BELOW = 0.25  # when the levels span less than this share of the top, the axis does not start at 0
DIGITS = 6  # effects are drawn to a millionth of a dollar: float sums differ in their last bits


def waterfall(row: dict[str, Any], title: str, name: str, *, small: bool = False) -> Markup | None:
    """Bars from the base period's cost through each effect to the current period's cost."""
    base, current = round(row["base_cost_usd"], DIGITS), round(row["cost_usd"], DIGITS)
    if not base and not current:
        return None
    effects = [round(row[f"{e}_usd"], DIGITS) for e in EFFECTS]
    labels = ["before", *(EFFECT_NAMES[e].replace(" ", "\n") for e in EFFECTS), "now"]
    bottoms, heights, colours = [0.0], [base], [TOTAL]
    level = base
    for value in effects:
        bottoms.append(min(level, level + value))
        heights.append(abs(value))
        colours.append(UP if value > 0 else DOWN)
        level += value
    bottoms.append(0.0)
    heights.append(current)
    colours.append(TOTAL)
    with matplotlib.rc_context(STYLE):
        fig = _figure(2.5 if small else 2.9)
        fig.set_figwidth(WIDTH_IN / 2 if small else WIDTH_IN)
        ax = fig.add_subplot()
        x = list(range(len(heights)))
        ax.bar(x, heights, bottom=bottoms, color=colours, width=0.62)
        texts = [f"${base:,.2f}", *(signed_usd(v) for v in effects), f"${current:,.2f}"]
        for pos, (bottom, height, text) in enumerate(zip(bottoms, heights, texts, strict=True)):
            ax.annotate(
                text,
                (pos, bottom + height),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7 if small else 8,
            )
        ax.set_xticks(x, labels, fontsize=7 if small else 8)
        levels = [base, *(b for b, h in zip(bottoms[1:-1], heights[1:-1], strict=True)), current]
        levels += [b + h for b, h in zip(bottoms[1:-1], heights[1:-1], strict=True)]
        low, high = min(levels), max(levels)
        floor = 0.0
        if high > 0 and high - low < ZOOM_BELOW * high:
            # Small effects on a large base would be slivers: start the axis near the lowest
            # level (the note above the charts says the axis may not start at zero).
            floor = max(0.0, low - 1.5 * (high - low) - 0.02 * high)
        # Set by hand: a bar's sticky edges would stop autoscaling's margin at its top, and
        # the value written over the highest bar needs the room.
        ax.set_ylim(floor, high + 0.22 * max(high - floor, 1e-9))
        bottom, top = ax.get_ylim()
        step = (top - bottom) / 5  # about five ticks: as many decimals as tell them apart
        decimals = 0 if step >= 1 else min(4, max(2, math.ceil(-math.log10(step))))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"${v:,.{decimals}f}"))
        ax.grid(axis="x", visible=False)
        ax.set_title(title, fontsize=9 if small else 11)
        return to_svg(fig, name)
