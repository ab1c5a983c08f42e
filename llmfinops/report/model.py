"""What a report is before it is HTML or CSV: named tables from SQL plus a few facts.

The table names are the CSV file names (``<kind>_<name>.csv``) and the template's handles,
so the HTML and the finance export always show the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pyarrow as pa

from llmfinops.period import Period

KINDS = ("showback", "chargeback")


@dataclass(frozen=True)
class ReportData:
    kind: str  # showback | chargeback
    period: Period
    previous: Period
    tables: dict[str, pa.Table]
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """No call at all in the period: the report says so instead of showing empty sections."""
        return not self.facts.get("calls")

    def rows(self, name: str) -> list[dict[str, Any]]:
        return self.tables[name].to_pylist()


def period_params(period: Period) -> dict[str, Any]:
    """$since/$until of the period and $prev_since/$prev_until of the one before it."""
    prev = period.previous()
    return {"since": period.since, "until": period.until, "prev_since": prev.since, "prev_until": prev.until}


def describe(period: Period) -> str:
    """'Mon 16 Nov 2026 to Sun 22 Nov 2026', with an en dash: the UTC days a period covers."""
    first = period.since.date()
    last = (period.until - timedelta(microseconds=1)).date()
    if first == last:
        return f"{first:%a %d %b %Y}"
    return f"{first:%a %d %b %Y} \u2013 {last:%a %d %b %Y}"


def file_label(period: Period) -> str:
    """The period label as a file-name part: 2026-W47, 2026-11, 2026-11-01_to_2026-11-07."""
    return period.label.replace(" to ", "_to_").replace(" ", "_")
