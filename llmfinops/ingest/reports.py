"""Provider admin reports — usage and cost per time bucket — read into the aggregated tables.

These are totals, not calls: their rows go to ``usage_buckets`` / ``billed_costs`` (declared in
``llmfinops/schema.py``) through :meth:`ReadContext.stage_table`, never to ``calls``. A file may
hold one page, several pages one after another or one per line, or an array of pages; every
bucket is keyed (start, end, dimensions, source), so pages read twice or from overlapping files
count once. Results a report query marks with a reason are quarantined like bad call records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmfinops import sqlfiles
from llmfinops.ingest.jsoninput import first_record, for_each_lines, head_matches
from llmfinops.ingest.sources import SourceFile

if TYPE_CHECKING:
    from llmfinops.ingest.context import ReadContext

_RESULT_OBJECTS = {
    "organization.usage.completions.result": "openai_usage",
    "organization.costs.result": "openai_costs",
}


def page_kind(head: bytes, file_name: str) -> str | None:
    """Which admin report a file holds: openai_usage, openai_costs, anthropic_usage, anthropic_costs."""
    page = first_record(head)
    if page is None:  # a page larger than the head: look for the result markers
        if head_matches(head, r'"object"\s*:\s*"page"', r'"organization\.usage\.completions\.result"'):
            return "openai_usage"
        if head_matches(head, r'"object"\s*:\s*"page"', r'"organization\.costs\.result"'):
            return "openai_costs"
        if head_matches(head, r'\A\s*[\[{]\s*"data"', r'"starting_at"', r'"uncached_input_tokens"'):
            return "anthropic_usage"
        if head_matches(head, r'\A\s*[\[{]\s*"data"', r'"starting_at"', r'"amount"', r'"cost_type"'):
            return "anthropic_costs"
        return None
    data = page.get("data")
    if not isinstance(data, list) or not {"has_more", "next_page"} & page.keys():
        return None
    openai = page.get("object") == "page"
    result = _first_result(data)
    if result is None:  # only empty buckets: nothing to read, but claim it so it is not a call log
        if not all(isinstance(b, dict) and ({"start_time", "starting_at"} & b.keys()) for b in data):
            return None
        costs = "cost" in file_name.lower()
        return ("openai_" if openai else "anthropic_") + ("costs" if costs else "usage")
    if openai:
        return _RESULT_OBJECTS.get(str(result.get("object")))
    if "uncached_input_tokens" in result or "cache_read_input_tokens" in result:
        return "anthropic_usage"
    if "amount" in result and ("cost_type" in result or "currency" in result):
        return "anthropic_costs"
    return None


def _first_result(data: list[Any]) -> dict[str, Any] | None:
    for bucket in data:
        results = bucket.get("results") if isinstance(bucket, dict) else None
        if isinstance(results, list) and results and isinstance(results[0], dict):
            return results[0]
    return None


def read_report(src: SourceFile, ctx: ReadContext, query: str, table: str) -> None:
    """Run ``queries/<query>.sql`` over the file's pages and stage its rows into ``table``.

    The query returns ``line_no``, ``reason`` and the table's columns; rows with a reason are
    quarantined instead.
    """
    sql = sqlfiles.load(query)
    params = sqlfiles.bind(sql, {"source_file": src.name, "source": ctx.source})
    created = False

    def collect() -> None:
        nonlocal created
        verb = "INSERT INTO report_rows" if created else "CREATE OR REPLACE TEMP TABLE report_rows AS"
        ctx.con.execute(sqlfiles.load("ingest_report_pages"))  # the page -> bucket -> result unpacking
        ctx.con.execute(f"{verb} {sql}", params)
        created = True

    for_each_lines(src, ctx, collect)
    if not created:
        return
    try:
        ctx.stage_table(table, "SELECT * EXCLUDE (reason) FROM report_rows WHERE reason IS NULL")
        ctx.con.execute(
            "CREATE OR REPLACE TEMP TABLE lines AS "
            "SELECT line_no, reason AS why FROM report_rows WHERE reason IS NOT NULL"
        )
        if ctx.con.execute("SELECT count(*) FROM lines").fetchall()[0][0]:
            ctx.stage(sqlfiles.load("ingest_rejects"), {"source_file": src.name})
    finally:
        ctx.con.execute("DROP TABLE IF EXISTS lines")
        ctx.con.execute("DROP TABLE IF EXISTS report_rows")
        ctx.con.execute("DROP TABLE IF EXISTS page_results")


class ReportIngester:
    """One admin report format: its name, the query that reads it, and the table it fills."""

    resumable = False  # a page file is read whole; re-reading replaces its buckets by key

    def __init__(self, name: str, description: str, table: str) -> None:
        self.name = name
        self.description = description
        self.table = table

    def sniff(self, src: SourceFile, head: bytes) -> bool:
        return page_kind(head, src.path.name) == self.name

    def read(self, src: SourceFile, ctx: ReadContext) -> None:
        read_report(src, ctx, f"ingest_{self.name}", self.table)
