"""Showback and chargeback reports: SQL sections rendered as one self-contained HTML file.

from llmfinops.report import make_report
from llmfinops.metrics import resolve_period
from llmfinops.store import Warehouse
from llmfinops.config import load_config

result = make_report(Warehouse.at("llmfinops-data"), "showback", resolve_period("2026-W47", None, None),
                     load_config(None), out="reports/")
"""

from llmfinops.report.api import ReportResult, build_report, make_report
from llmfinops.report.model import KINDS, ReportData
from llmfinops.report.output import ReportError
from llmfinops.report.render import render_html

__all__ = ["KINDS", "ReportData", "ReportError", "ReportResult", "build_report", "make_report", "render_html"]
