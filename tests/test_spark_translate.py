"""The DuckDB -> Spark translation rules, on their own (sqlglot only; no Spark needed).

Whether the translated text gives DuckDB's numbers is tests/test_spark_equality.py; here each
rule is pinned to the Spark text it must produce, and constructs without a rule are refused.
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("sqlglot", reason="sqlglot not installed (make test installs the [spark] extra)")

from llmfinops import sqlfiles
from llmfinops.metrics import METRICS
from llmfinops.spark.translate import TranslationError, translate

# DuckDB spellings that must not reach Spark, and sqlglot's own wrong-number outputs.
FORBIDDEN = (
    "QUANTILE_CONT",
    "PERCENTILE_CONT",
    "PERCENTILE_APPROX",
    "LIST_POSITION",
    "GETVARIABLE",
    "TIMEZONE(",
    "DATE_FORMAT(",
    "UNIX_TIMESTAMP(",
    "MATERIALIZED",
    "ERROR(",
    "CALLS_IN_PERIOD(",
    "USER_DAYS_IN_PERIOD(",
    "EXPLODE(",
)


def flat(text: str) -> str:
    """The pretty-printed Spark text on one line, without the layout's spaces inside brackets."""
    return re.sub(r"\s+\)", ")", re.sub(r"\(\s+", "(", " ".join(text.split())))


def spark_text(duckdb_sql: str) -> str:
    return flat(translate(duckdb_sql).text)


@pytest.mark.parametrize("name", sorted(METRICS))
def test_every_metric_translates_without_duckdb_constructs(name):
    query = translate(sqlfiles.load(METRICS[name].query))
    upper = query.text.upper()
    # RAISE_ERROR( contains ERROR(: check it separately.
    bad = [f for f in FORBIDDEN if f in upper.replace("RAISE_ERROR(", "")]
    assert not bad, bad
    assert query.params == sqlfiles.params_of(sqlfiles.load(METRICS[name].query))
    assert "$" not in query.text  # every parameter is a :name marker for spark.sql(args=...)


def test_first_and_last_become_min_by_and_max_by_with_null_flags():
    text = spark_text("SELECT first(v ORDER BY a, b) AS f, last(v ORDER BY a, b) AS l FROM t")
    assert "MIN_BY(v, STRUCT(a IS NULL, a, b IS NULL, b)) AS f" in text
    assert "MAX_BY(v, STRUCT(a IS NULL, a, b IS NULL, b)) AS l" in text


def test_descending_first_is_max_by_with_nulls_still_last():
    # DuckDB: DESC sorts NULLs last too, so the first row is the largest non-NULL key.
    text = spark_text("SELECT first(v ORDER BY a DESC) FROM t")
    assert "MAX_BY(v, STRUCT(NOT a IS NULL, a))" in text


def test_mixed_directions_are_refused():
    with pytest.raises(TranslationError, match="mixed ASC/DESC"):
        translate("SELECT first(v ORDER BY a, b DESC) FROM t")


def test_percentiles_are_exact():
    text = spark_text(
        "SELECT quantile_cont(x, 0.95), median(x), percentile_cont(0.25) WITHIN GROUP (ORDER BY x) FROM t"
    )
    assert "PERCENTILE(x, 0.95)" in text and "PERCENTILE(x, 0.5)" in text and "PERCENTILE(x, 0.25)" in text


def test_quantile_disc_takes_duckdbs_element_and_keeps_its_filter():
    # DuckDB picks the sorted values' element at 0-based max(ceil(n * q), 1) - 1 (checked
    # against DuckDB for n = 1..59 and q in 0, 0.1, 0.25, 0.5, 0.95, 0.99, 1 while writing it).
    text = spark_text("SELECT quantile_disc(steps, 0.95) FILTER (WHERE ok) FROM t")
    assert (
        "GET(ARRAY_SORT(COLLECT_LIST(steps) FILTER(WHERE ok)), "
        "GREATEST(CAST(CEIL(SIZE(COLLECT_LIST(steps) FILTER(WHERE ok)) * 0.95) AS INT), 1) - 1)"
    ) in text


def test_order_inside_an_aggregate():
    assert "REGR_SLOPE(LN(y), LN(x))" in spark_text("SELECT regr_slope(ln(y), ln(x) ORDER BY k) FROM t")
    with pytest.raises(TranslationError, match="ORDER BY"):
        translate("SELECT string_agg(s, ',' ORDER BY k) FROM t")


def test_list_position_is_null_when_absent():
    assert "NULLIF(ARRAY_POSITION(ARRAY('a', 'b'), m), 0)" in spark_text(
        "SELECT list_position(['a', 'b'], m) FROM t"
    )


def test_utc_day_and_iso_week_use_no_session_time_zone():
    text = spark_text(
        "SELECT strftime(timezone('UTC', ts), '%G-W%V') AS w, CAST(timezone('UTC', ts) AS DATE) AS d FROM t"
    )
    # whole days since the epoch from the instant's microseconds: no zone involved
    day = (
        "DATE_FROM_UNIX_DATE(CAST((UNIX_MICROS(ts) - PMOD(UNIX_MICROS(ts), 86400000000))"
        " DIV 86400000000 AS INT))"
    )
    assert f"{day} AS d" in text
    assert f"WEEKOFYEAR({day})" in text and "'-W'" in text
    assert not re.search(r"DATE_FORMAT|TO_DATE|FROM_UTC|TO_UTC", text)


def test_constructs_without_a_rule_are_refused():
    with pytest.raises(TranslationError, match="only with 'UTC'"):
        translate("SELECT timezone('Europe/Paris', ts) FROM t")
    with pytest.raises(TranslationError, match="session time zone"):
        translate("SELECT strftime(ts, '%Y') FROM t")  # would format in Spark's session zone
    with pytest.raises(TranslationError, match="%q"):
        translate("SELECT strftime(timezone('UTC', ts), '%q') FROM t")


def test_session_variables_and_recursive_unnest():
    query = translate(
        "SELECT unnest(CAST(coalesce(getvariable('tier_economics'), []) AS STRUCT(a VARCHAR)[]),"
        " recursive := true)"
    )
    assert query.variables == ("tier_economics",)
    assert "INLINE(CAST(COALESCE(system.session.tier_economics, ARRAY())" in flat(query.text)


def test_duckdb_timestamp_is_spark_timestamp_ntz():
    # DuckDB's TIMESTAMP has no zone; Spark's TIMESTAMP is an instant read in the session zone.
    text = spark_text("SELECT CAST(x AS TIMESTAMP), CAST(y AS TIMESTAMPTZ) FROM t")
    assert "CAST(x AS TIMESTAMP_NTZ)" in text and "CAST(y AS TIMESTAMP)" in text


def test_len_of_a_list_column_is_size():
    # price_flags is a list in the canonical schema; feature a string
    text = spark_text("SELECT len(price_flags), len(feature) FROM calls")
    assert "SIZE(price_flags)" in text and "LENGTH(feature)" in text
