"""Spark SQL text derived from the DuckDB ``queries/*.sql`` files, which stay the one source.

sqlglot parses DuckDB's dialect and writes Spark's, but a plain transpile runs and gives wrong
numbers in several places (measured in issue 16). So the tree is rewritten first, by these
rules, each for a DuckDB construct whose Spark spelling differs in meaning, not only in name:

1. ``timezone('UTC', x)`` (a UTC wall-clock TIMESTAMP) -> built from ``unix_micros(x)``, so the
   Spark session's time zone plays no part; ``CAST(x AS TIMESTAMP)`` -> ``TIMESTAMP_NTZ``.
2. ``strftime(timezone('UTC', x), fmt)`` -> ``concat`` of zero-padded fields of that wall clock
   (``%G-W%V`` from the ISO week's Thursday), never Spark's session-zone ``date_format``.
3. ``error(msg)`` -> ``raise_error(msg)``.
4. ``first/last(v ORDER BY k…)`` (keeps NULL values, NULLS LAST) -> ``min_by/max_by(v,
   struct(k IS NULL, k, …))``: without the null flags Spark skips rows whose key is NULL.
5. ``quantile_cont``, ``median``, ``percentile_cont … WITHIN GROUP`` -> exact ``percentile``
   (sqlglot would write ``percentile_approx``); ``quantile_disc(x, q)`` -> the element at
   0-based ``max(ceil(n * q), 1) - 1`` of the sorted non-NULL values (DuckDB's index rule,
   in decimal arithmetic), from ``collect_list`` (carrying its ``FILTER``).
6. ``list_position(l, x)`` -> ``nullif(array_position(l, x), 0)`` (Spark says 0, DuckDB NULL).
7. ``WITH … AS MATERIALIZED`` -> a plain CTE.
8. ``getvariable('v')`` -> the Spark session variable ``system.session.v`` (the runner declares
   and sets it from the same value DuckDB gets), and ``unnest(list, recursive := true)`` ->
   ``inline(list)``; ``epoch(x)`` -> ``unix_micros(x) / 1e6`` (seconds with the fraction).

DuckDB's ``len(x)`` is a string's or a list's length; Spark has ``length`` for strings and
``size`` for arrays and maps, so a ``calls`` column that the canonical schema declares a list or
a map (``price_flags``, ``tags``) gets ``size``.

An ``ORDER BY`` inside an aggregate whose result does not depend on the order but for the
last bits of a float sum (``regr_slope``, ``sum``, …) is dropped; inside ``list``/``string_agg``
it is refused.

Table and scalar macros (``calls_in_period`` …) are inlined from the ``CREATE MACRO`` statements
in ``queries/``, found by name, so a new metric or macro needs no change here. The text is made
at run time (and cached) rather than generated into the package: a metric added to
``queries/`` runs on Spark the moment it exists, and there is no second copy to go stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from llmfinops import sqlfiles
from llmfinops.errors import QueryError

_MACRO_DEF = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\s+|TEMPORARY\s+)?MACRO\s+(\w+)", re.I)
_MAX_INLINE_DEPTH = 10
MICROS_PER_DAY = 86_400_000_000


class TranslationError(QueryError):
    """A DuckDB construct with no rule for Spark: refused rather than run with other numbers."""


@dataclass(frozen=True)
class SparkQuery:
    text: str  # Spark SQL with :name parameter markers
    params: frozenset[str]  # names of the parameters the text uses
    variables: tuple[str, ...]  # session variables the runner must set first


def _sqlglot() -> Any:
    try:
        import sqlglot
    except ImportError:
        raise QueryError(
            "--engine spark needs the Spark extra: pip install 'llmfinops[spark]' (pyspark, sqlglot)"
        ) from None
    return sqlglot


@cache
def query(name: str) -> SparkQuery:
    """The Spark version of ``queries/<name>.sql`` (cached: the files do not change at run time)."""
    return translate(sqlfiles.load(name))


def translate(duckdb_sql: str) -> SparkQuery:
    """Spark SQL for one DuckDB query, macros inlined and the rules above applied."""
    sqlglot = _sqlglot()
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(duckdb_sql, read="duckdb")
    except sqlglot.errors.ParseError as exc:
        raise TranslationError(f"sqlglot cannot parse the query: {exc}") from None
    tree = _inline_macros(tree)
    variables: list[str] = []
    tree = _bottom_up(tree, lambda node: _rewrite(node, variables))
    params = frozenset(p.name for p in tree.find_all(exp.Placeholder) if p.name)
    text = tree.sql(dialect="spark", pretty=True, comments=False)
    return SparkQuery(text, params, tuple(dict.fromkeys(variables)))


def _bottom_up(node: Any, fun: Any) -> Any:
    """Apply ``fun`` children first (sqlglot's own transform goes top-down and does not visit
    what it replaced), so a rule sees its arguments already rewritten."""
    for child in list(node.iter_expressions()):
        new = _bottom_up(child, fun)
        if new is not child:
            child.replace(new)
    return fun(node)


# -- macros --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Macro:
    params: tuple[str, ...]
    body: Any  # sqlglot expression: a query (table macro) or an expression (scalar macro)
    is_table: bool


@cache
def _macro_files() -> dict[str, str]:
    """Macro name -> the query file that defines it, found by a cheap scan of every file."""
    found: dict[str, str] = {}
    for name in sqlfiles.names():
        for macro in _MACRO_DEF.findall(sqlfiles.load(name)):
            found.setdefault(macro.lower(), name)
    return found


@cache
def _macros_of(file: str) -> dict[str, _Macro]:
    sqlglot = _sqlglot()
    from sqlglot import exp

    out: dict[str, _Macro] = {}
    for stmt in sqlglot.parse(sqlfiles.load(file), read="duckdb"):
        if not isinstance(stmt, exp.Create) or str(stmt.args.get("kind", "")).upper() != "MACRO":
            continue
        signature = stmt.this
        params = []
        for p in signature.expressions:
            if not isinstance(p, exp.Identifier):
                raise TranslationError(f"macro {signature.name} in {file}.sql: only plain parameters")
            params.append(p.name.lower())
        body = stmt.expression
        out[signature.this.name.lower()] = _Macro(tuple(params), body, isinstance(body, exp.Query))
    return out


def _macro(name: str) -> _Macro | None:
    file = _macro_files().get(name.lower())
    return _macros_of(file).get(name.lower()) if file else None


def _inline_macros(tree: Any) -> Any:
    from sqlglot import exp

    def expand(node: Any) -> Any:
        call = node.this if isinstance(node, exp.Table) else node
        if not isinstance(call, exp.Anonymous):
            return node
        macro = _macro(call.name)
        if macro is None:
            return node
        if len(call.expressions) != len(macro.params):
            raise TranslationError(f"macro {call.name} takes {len(macro.params)} arguments")
        args = dict(zip(macro.params, call.expressions, strict=True))
        body = macro.body.copy().transform(lambda n: _substitute(n, args))
        if isinstance(node, exp.Table):
            if not macro.is_table:
                raise TranslationError(f"{call.name} is a scalar macro used as a table")
            alias = node.alias or call.name
            return exp.Subquery(this=body, alias=exp.TableAlias(this=exp.to_identifier(alias)))
        if macro.is_table:
            raise TranslationError(f"{call.name} is a table macro used as a value")
        return exp.Paren(this=body)

    for _ in range(_MAX_INLINE_DEPTH):
        before = tree.sql(dialect="duckdb")
        tree = tree.transform(expand)
        if tree.sql(dialect="duckdb") == before:
            return tree
    raise TranslationError("macros nest deeper than 10 levels")


def _substitute(node: Any, args: dict[str, Any]) -> Any:
    from sqlglot import exp

    if isinstance(node, exp.Column) and not node.table and node.name.lower() in args:
        return args[node.name.lower()].copy()
    return node


# -- rewrite rules -------------------------------------------------------------------------


def _spark(text: str, **values: Any) -> Any:
    """Parse a Spark SQL template; ``{name}`` placeholders are replaced by expressions."""
    sqlglot = _sqlglot()
    from sqlglot import exp

    tree = sqlglot.parse_one(text, read="spark")

    def fill(node: Any) -> Any:
        if isinstance(node, exp.Column) and not node.table and node.name.startswith("__"):
            return values[node.name[2:]].copy()
        return node

    return tree.transform(fill)


_UTC_MARK = "_llmfinops_utc_instant"  # meta key: the instant a rewritten timezone('UTC', …) wraps


def _utc_date(instant: Any) -> Any:
    """The UTC calendar day of an instant, in whole days since the epoch: no time zone enters."""
    return _spark(
        "date_from_unix_date(CAST((unix_micros(__v) - pmod(unix_micros(__v), 86400000000)) "
        "DIV 86400000000 AS INT))",
        v=instant,
    )


def _utc_wallclock(instant: Any) -> Any:
    """DuckDB's ``timezone('UTC', x)``: the UTC wall clock of instant x as a TIMESTAMP_NTZ,
    from its microseconds since the epoch, so the session time zone never enters."""
    out = _spark(
        "timestampadd(MICROSECOND, pmod(unix_micros(__v), 86400000000), CAST(__d AS TIMESTAMP_NTZ))",
        v=instant,
        d=_utc_date(instant),
    )
    out.meta[_UTC_MARK] = instant
    return out


def _utc_instant(node: Any) -> Any | None:
    """The instant behind a rewritten ``timezone('UTC', x)``, else None."""
    return node.meta.get(_UTC_MARK) if hasattr(node, "meta") else None


# strftime field -> Spark template over the UTC day {t} (a DATE) or the UTC wall clock {t}
# (a TIMESTAMP_NTZ; extracting its fields involves no time zone), and its zero-padded width.
_DATE_FIELDS: dict[str, tuple[str, int]] = {
    "Y": ("year(__t)", 4),
    "m": ("month(__t)", 2),
    "d": ("day(__t)", 2),
    "j": ("dayofyear(__t)", 3),
    "u": ("(dayofweek(__t) + 5) % 7 + 1", 1),  # ISO day of week, Monday = 1
    "V": ("weekofyear(__t)", 2),  # ISO 8601 week
    "G": ("year(date_add(__t, 3 - (dayofweek(__t) + 5) % 7))", 4),  # year of the week's Thursday
}
_TIME_FIELDS: dict[str, tuple[str, int]] = {
    "H": ("hour(__t)", 2),
    "M": ("minute(__t)", 2),
    "S": ("second(__t)", 2),
}


def _strftime(value: Any, fmt: str) -> Any:
    from sqlglot import exp

    instant = _utc_instant(value)
    if instant is None:
        raise TranslationError(
            "strftime() is translated for Spark only over timezone('UTC', …): "
            "Spark's date_format would use its session time zone"
        )
    parts: list[Any] = []
    i = 0
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt):
            code = fmt[i + 1]
            i += 2
            if code == "%":
                parts.append(exp.Literal.string("%"))
                continue
            if code in _DATE_FIELDS:
                (template, width), over = _DATE_FIELDS[code], _utc_date(instant)
            elif code in _TIME_FIELDS:
                (template, width), over = _TIME_FIELDS[code], value
            else:
                raise TranslationError(f"strftime code %{code} has no Spark rule")
            field = _spark(f"CAST({template} AS STRING)", t=over)
            parts.append(_spark(f"lpad(__f, {width}, '0')", f=field) if width > 1 else field)
        else:
            j = fmt.find("%", i + 1)
            j = len(fmt) if j < 0 else j
            parts.append(exp.Literal.string(fmt[i:j]))
            i = j
    return exp.Anonymous(this="concat", expressions=parts) if len(parts) != 1 else parts[0]


def _ordered_pick(func: Any, first: bool) -> Any:
    """first/last(v ORDER BY …) -> min_by/max_by(v, struct(k1 IS NULL, k1, …))."""
    from sqlglot import exp

    order = func.this
    value = order.this
    keys = order.expressions
    directions = {bool(k.args.get("desc")) for k in keys}
    if len(directions) != 1:
        raise TranslationError("first()/last() with mixed ASC/DESC keys has no Spark rule")
    desc = directions.pop()
    fields: list[Any] = []
    for k in keys:
        nulls_first = bool(k.args.get("nulls_first"))
        # Flag so that NULL keys sort where DuckDB puts them, then the key itself.
        null_is_big = (not nulls_first) != desc
        flag = exp.Is(this=k.this.copy(), expression=exp.Null())
        fields += [flag if null_is_big else exp.Not(this=flag), k.this.copy()]
    pick_min = first != desc
    name = "min_by" if pick_min else "max_by"
    return exp.Anonymous(
        this=name, expressions=[value.copy(), exp.Anonymous(this="struct", expressions=fields)]
    )


_QDISC = "_llmfinops_quantile_disc"  # meta key: (value, q) of a rewritten quantile_disc


def _quantile_disc(value: Any, q: Any, condition: Any | None) -> Any:
    """DuckDB's quantile_disc: the sorted non-NULL values' element at max(ceil(n*q), 1) - 1."""
    from sqlglot import exp

    def values() -> Any:
        agg = exp.Anonymous(this="collect_list", expressions=[value.copy()])
        return exp.Filter(this=agg, expression=exp.Where(this=condition.copy())) if condition else agg

    out = _spark(
        "get(array_sort(__a), greatest(CAST(ceil(size(__b) * __q) AS INT), 1) - 1)",
        a=values(),
        b=values(),
        q=q,
    )
    if condition is None:
        out.meta[_QDISC] = (value, q)
    return out


@cache
def _collection_columns() -> frozenset[str]:
    """``calls`` columns whose canonical type is a list or a map."""
    import pyarrow as pa

    from llmfinops import schema

    return frozenset(
        c.name
        for c in schema.CALL_COLUMNS
        if pa.types.is_list(c.arrow_type)
        or pa.types.is_large_list(c.arrow_type)
        or pa.types.is_map(c.arrow_type)
    )


@cache
def _order_free() -> tuple[type, ...]:
    from sqlglot import exp

    names = (
        "RegrSlope",
        "RegrIntercept",
        "Sum",
        "Avg",
        "Count",
        "Min",
        "Max",
        "Stddev",
        "StddevPop",
        "StddevSamp",
        "Variance",
        "VariancePop",
        "Corr",
        "CovarPop",
        "CovarSamp",
    )
    return tuple(getattr(exp, n) for n in names if hasattr(exp, n))


def _rewrite(node: Any, variables: list[str]) -> Any:
    from sqlglot import exp

    if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.TIMESTAMP:
        return exp.DataType.build("TIMESTAMP_NTZ", dialect="spark")
    if isinstance(node, exp.Anonymous):
        name = node.name.lower()
        args = node.expressions
        if name == "timezone":
            if not (isinstance(args[0], exp.Literal) and args[0].this.upper() == "UTC"):
                raise TranslationError("timezone() is translated for Spark only with 'UTC'")
            return _utc_wallclock(args[1])
        if name == "error":
            return exp.Anonymous(this="raise_error", expressions=[a.copy() for a in args])
        if name in ("list_position", "list_indexof", "array_position", "array_indexof"):
            return _spark("nullif(array_position(__l, __x), 0)", l=args[0], x=args[1])
        if name == "getvariable":
            if not (args and isinstance(args[0], exp.Literal) and args[0].is_string):
                raise TranslationError("getvariable() needs a literal name for Spark")
            variables.append(args[0].this)
            return exp.column(args[0].this, table="session", db="system")
        return node
    if isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.DATE:
        instant = _utc_instant(node.this)
        if instant is not None:
            return _utc_date(instant)
        return node
    if isinstance(node, exp.TimeToStr):
        fmt = node.args.get("format")
        if not isinstance(fmt, exp.Literal):
            raise TranslationError("strftime() needs a literal format for Spark")
        return _strftime(node.this, fmt.this)
    if isinstance(node, exp.First | exp.Last) and isinstance(node.this, exp.Order):
        return _ordered_pick(node, isinstance(node, exp.First))
    if isinstance(node, exp.PercentileCont) and node.args.get("expression") is not None:
        return exp.Anonymous(this="percentile", expressions=[node.this.copy(), node.expression.copy()])
    if isinstance(node, exp.Median):
        return exp.Anonymous(this="percentile", expressions=[node.this.copy(), exp.Literal.number(0.5)])
    if isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileCont):
        (key,) = node.expression.expressions
        p = node.this.this.copy()
        if key.args.get("desc"):
            p = exp.Sub(this=exp.Literal.number(1), expression=p)
        return exp.Anonymous(this="percentile", expressions=[key.this.copy(), p])
    if isinstance(node, exp.PercentileDisc) and node.args.get("expression") is not None:
        return _quantile_disc(node.this, node.expression, None)
    if isinstance(node, exp.WithinGroup) and isinstance(node.this, exp.PercentileDisc):
        (key,) = node.expression.expressions
        if key.args.get("desc"):
            raise TranslationError("percentile_disc … ORDER BY … DESC has no Spark rule")
        return _quantile_disc(key.this, node.this.this, None)
    if isinstance(node, exp.Filter) and _QDISC in getattr(node.this, "meta", {}):
        value, q = node.this.meta[_QDISC]
        return _quantile_disc(value, q, node.expression.this)
    if isinstance(node, exp.Order) and isinstance(node.parent, exp.AggFunc):
        if isinstance(node.parent, exp.First | exp.Last):
            return node  # rule 4, applied at the parent
        if isinstance(node.parent, _order_free()):
            return node.this
        raise TranslationError(f"{node.parent.key}(… ORDER BY …) has no Spark rule")
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        node.set("materialized", None)
        return node
    if isinstance(node, exp.Explode):
        recursive = [
            e
            for e in node.expressions
            if isinstance(e, exp.PropertyEQ) and e.this.name.lower() == "recursive"
        ]
        if recursive:
            return exp.Anonymous(this="inline", expressions=[node.this.copy()])
        return node
    if isinstance(node, exp.Length) and (
        isinstance(node.this, exp.Array)
        or (isinstance(node.this, exp.Column) and node.this.name in _collection_columns())
    ):
        return exp.Anonymous(this="size", expressions=[node.this.copy()])
    if isinstance(node, exp.TimeToUnix):
        return _spark("unix_micros(__v) / 1000000", v=node.this)
    return node
