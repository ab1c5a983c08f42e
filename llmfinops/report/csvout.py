"""The report's tables as CSV files for finance: ``<kind>_<table>.csv``, raw numbers.

File and column names are stable (docs/reports.md lists them); every file starts with a
``period`` column so rows from several runs can be stacked. Chargeback amounts are exact
two-decimal strings (1234.56); other numbers are raw (USD, shares as fractions), to 9 decimals.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from llmfinops.report.model import ReportData
from llmfinops.report.output import write_atomically


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | Decimal):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if isinstance(value, float):
        # 9 decimals: past them a DuckDB float sum varies in its last bits from run to run.
        return repr(round(value, 9))
    return value


def csv_text(report: ReportData, name: str) -> str:
    table = report.tables[name]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", *table.column_names])
    for row in table.to_pylist():
        writer.writerow([report.period.label, *(_cell(v) for v in row.values())])
    return out.getvalue()


def write_csv(report: ReportData, directory: Path) -> list[Path]:
    """Write every table of the report into ``directory`` (created if need be)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in report.tables:
        file_name = name if name.startswith(f"{report.kind}_") else f"{report.kind}_{name}"
        path = directory / f"{file_name}.csv"
        write_atomically(path, csv_text(report, name))
        written.append(path)
    return written
