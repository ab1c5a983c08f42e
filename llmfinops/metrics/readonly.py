"""Run an analyst's SQL, but only if it reads: the library side of ``llmfinops sql``."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from llmfinops.errors import QueryError
from llmfinops.sqlfiles import fetch_arrow

# SELECT covers WITH …, FROM-first queries, VALUES, DESCRIBE, SHOW and SUMMARIZE: DuckDB
# parses all of them into a SELECT statement.
_READ = duckdb.StatementType.SELECT
_EXPLAIN = duckdb.StatementType.EXPLAIN
_EXPLAIN_WORDS = {"explain", "analyze", "analyse"}


def _parse(sql: str) -> list[duckdb.Statement]:
    try:
        return duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(f"cannot parse the SQL: {exc}") from None


def _explained(statement: str) -> str:
    """The statement an ``EXPLAIN [ANALYZE] [(options)]`` wraps, found with DuckDB's tokenizer."""
    starts = [start for start, _kind in duckdb.tokenize(statement)]
    depth = 0
    for start, end in zip(starts, [*starts[1:], len(statement)], strict=True):
        token = statement[start:end].strip().lower()
        if token == "(" or depth:
            depth += {"(": 1, ")": -1}.get(token, 0)
        elif token not in _EXPLAIN_WORDS:
            return statement[start:]
    return ""


def check_read_only(sql: str) -> None:
    """Raise QueryError unless ``sql`` is exactly one statement that only reads."""
    statements = _parse(sql)
    if not statements:
        raise QueryError("no SQL statement given")
    if len(statements) > 1:
        raise QueryError("give one statement at a time")
    kind: duckdb.StatementType | None = statements[0].type
    what = statements[0].type.name
    if kind == _EXPLAIN:
        # EXPLAIN ANALYZE runs what it explains, so what it explains must be a read too.
        inner = _parse(_explained(statements[0].query))
        kind = inner[0].type if len(inner) == 1 else None
        what = f"EXPLAIN {kind.name if kind else '?'}"
    if kind != _READ:
        raise QueryError(
            f"llmfinops sql only reads; refused the {what} statement "
            "(use SELECT, WITH, FROM, DESCRIBE, SHOW or EXPLAIN)"
        )


def run_sql(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    """Run one read-only statement and return its result; a write is a QueryError."""
    check_read_only(sql)
    try:
        return fetch_arrow(con, sql)
    except duckdb.Error as exc:
        raise QueryError(str(exc)) from None
