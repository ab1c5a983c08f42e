"""One call that makes a report: open the warehouse, gather the sections, render, write."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from llmfinops.config import Config
from llmfinops.errors import QueryError
from llmfinops.period import Period
from llmfinops.report.csvout import write_csv
from llmfinops.report.model import KINDS, ReportData
from llmfinops.report.output import output_path, write_atomically
from llmfinops.report.render import render_html
from llmfinops.report.showback import build_showback
from llmfinops.report.statement import build_chargeback
from llmfinops.store import Warehouse, connect


@dataclass(frozen=True)
class ReportResult:
    path: Path
    size: int  # bytes of HTML
    report: ReportData
    csv_files: list[Path] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.report.empty


def build_report(con: duckdb.DuckDBPyConnection, kind: str, period: Period, config: Config) -> ReportData:
    """The report's tables and facts, from a connection with the warehouse views."""
    if kind == "showback":
        return build_showback(con, period, config)
    if kind == "chargeback":
        return build_chargeback(con, period, config)
    raise QueryError(f"unknown report kind {kind!r}; choose one of: {', '.join(KINDS)}")


def make_report(
    wh: Warehouse,
    kind: str,
    period: Period,
    config: Config,
    *,
    out: str | os.PathLike[str] | None = None,
    csv_dir: Path | None = None,
) -> ReportResult:
    """Write the ``kind`` report for ``period`` as one HTML file (and CSV files with ``csv_dir``)."""
    wh.require()
    con = connect(wh)
    try:
        report = build_report(con, kind, period, config)
    finally:
        con.close()
    path = output_path(out, kind, period)
    size = write_atomically(path, render_html(report))
    csv_files = write_csv(report, csv_dir) if csv_dir is not None else []
    return ReportResult(path, size, report, csv_files)
