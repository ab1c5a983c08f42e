"""Load the named SQL files shipped in ``queries/`` and run them with bound parameters.

Queries live in files so analysts can read them; they are loaded by name through
``importlib.resources`` so they work from a wheel as well as from a checkout. Values are
always bound (``$since``), never formatted into SQL; the only identifiers that ever reach
SQL text go through :func:`quote_ident`.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

import duckdb
import pyarrow as pa

from llmfinops.errors import QueryError

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@cache
def load(name: str) -> str:
    """Text of ``queries/<name>.sql``."""
    path = resources.files("llmfinops.queries").joinpath(f"{name}.sql")
    if not path.is_file():
        raise QueryError(f"no query named {name!r}")
    return path.read_text(encoding="utf-8")


def names() -> list[str]:
    """All query names shipped with the package."""
    root = resources.files("llmfinops.queries")
    return sorted(p.name[:-4] for p in root.iterdir() if p.name.endswith(".sql"))


def header(name: str) -> str:
    """The leading ``--`` comment block of a query: what it computes, parameters, columns."""
    lines = []
    for line in load(name).splitlines():
        if not line.startswith("--"):
            break
        lines.append(line[2:].strip())
    return "\n".join(lines)


_OUTPUT_COLUMN = re.compile(r"^([a-z_][a-z0-9_]*)\s+([A-Z][A-Z0-9_]*(?:\[\])?)(?:\s|$)")


def output_types(name: str) -> dict[str, str]:
    """The output columns a query's header lists, in order, with their SQL types: the lines
    after its ``Output`` line that start with a column name and a type (``group  VARCHAR  …``)."""
    lines = header(name).splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Output")), len(lines))
    found = (_OUTPUT_COLUMN.match(line) for line in lines[start + 1 :])
    return {m.group(1): m.group(2) for m in found if m}


def output_columns(name: str) -> tuple[str, ...]:
    """The output column names of ``output_types``, in order."""
    return tuple(output_types(name))


def params_of(sql: str) -> set[str]:
    """Named parameters a SQL text uses (``$name``), ignoring comments."""
    body = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return set(_PARAM.findall(body))


def bind(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``params`` the SQL uses; a parameter it uses but was not given is an error."""
    used = params_of(sql)
    missing = used - params.keys()
    if missing:
        raise QueryError(f"query needs parameters {sorted(missing)}")
    return {k: params[k] for k in used}


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None) -> pa.Table:
    """Run a named query with the parameters it uses; its whole result as an Arrow table."""
    sql = load(name)
    return fetch_arrow(con, sql, bind(sql, params or {}))


def fetch_arrow(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> pa.Table:
    """Run ``sql`` and read the whole result as Arrow, so the connection is free afterwards."""
    relation = con.sql(sql, params=params or None)
    if relation is None:  # a statement without a result; callers only pass queries
        raise QueryError("the statement returned no rows")
    return relation.to_arrow_table()


def execute_script(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Run a file of DDL statements (macros, views) that take no parameters."""
    con.execute(load(name))


_DEFAULT = re.compile(r"^--\s*@param\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S+)\s*$", re.MULTILINE)
MACRO_PREFIX = "metric_"
ANALYSES = ("explain",)  # analyses beyond the metrics, installed as macros of the same name
POSITIONAL = ("since", "until", "base_since", "base_until")  # macro arguments without a default


def macro_names() -> list[str]:
    """The queries the analyst file has as table macros: every metric and every analysis."""
    return [n for n in names() if n.startswith(MACRO_PREFIX) or n in ANALYSES]


def macro_sql(name: str) -> str:
    """``CREATE MACRO`` text that makes query ``name`` a table macro for analysts.

    The query's ``$param`` placeholders become macro parameters of the same name, so the
    analyst's ``FROM metric_spend(since, until)`` runs exactly the text the CLI runs.
    Parameters with a ``-- @param name = value`` header line get that default.
    """
    sql = load(name).strip().rstrip(";")
    defaults = dict(_DEFAULT.findall(sql))
    used = params_of(sql)
    positional = [p for p in POSITIONAL if p in used]
    named = sorted(used - set(positional))
    missing = [p for p in named if p not in defaults]
    if missing:
        raise QueryError(f"query {name} has parameters without a default: {missing}")
    args = positional + [f"{p} := '{defaults[p]}'" for p in named]
    body = _PARAM.sub(lambda m: m.group(1), sql)
    return f"CREATE OR REPLACE MACRO {name}({', '.join(args)}) AS TABLE {body}"


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Install ``calls_in_period`` and every metric and analysis as a table macro of the same name."""
    install_period_macro(con)
    for name in macro_names():
        con.execute(macro_sql(name))


def install_period_macro(con: duckdb.DuckDBPyConnection) -> None:
    """``calls_in_period(since, until, group_by)``, which every metric selects from (needs ``calls``)."""
    execute_script(con, "calls_in_period")


def install_price_macros(con: duckdb.DuckDBPyConnection) -> None:
    """``price_variant`` & co. (queries/price_rules.sql), which the price join and the FOCUS
    export's look-up of each call's price row use."""
    execute_script(con, "price_rules")


def quote_ident(name: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'
