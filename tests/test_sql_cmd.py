"""``llmfinops sql`` and ``run_sql``: one statement, reads only, decided by DuckDB's parser."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from llmfinops import schema
from llmfinops.cli import app
from llmfinops.cli.app import console, run_app
from llmfinops.errors import QueryError
from llmfinops.metrics import run_sql
from llmfinops.store import Warehouse
from llmfinops.store.writer import commit_calls

runner = CliRunner()


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute(f"CREATE TABLE calls ({schema.duckdb_columns()}, day DATE)")
    con.execute(
        "INSERT INTO calls (call_id, feature, cost_usd) VALUES ('c1', 'chat', 1.5), ('c2', 'chat', 0.5)"
    )
    return con


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT count(*) AS n FROM calls",
        "WITH c AS (SELECT * FROM calls) SELECT count(*) AS n FROM c",
        "FROM calls SELECT count(*) AS n",
        "select count(*) as n from calls;",
    ],
)
def test_reads_run(con, sql):
    assert run_sql(con, sql).to_pylist() == [{"n": 2}]


@pytest.mark.parametrize(
    "sql",
    [
        "DESCRIBE calls",
        "SHOW TABLES",
        "SUMMARIZE calls",
        "EXPLAIN SELECT * FROM calls",
        "EXPLAIN ANALYZE SELECT * FROM calls",
        "VALUES (1, 2)",
    ],
)
def test_describe_show_explain_are_reads(con, sql):
    assert run_sql(con, sql).num_rows > 0


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("INSERT INTO calls (call_id) VALUES ('x')", "INSERT"),
        ("UPDATE calls SET cost_usd = 0", "UPDATE"),
        ("DELETE FROM calls", "DELETE"),
        ("DROP TABLE calls", "DROP"),
        ("CREATE TABLE t AS SELECT 1", "CREATE"),
        ("COPY calls TO '/tmp/llmfinops-never-written.csv'", "COPY"),
        ("ATTACH '/tmp/llmfinops-never-written.duckdb' AS other", "ATTACH"),
        ("PRAGMA version", "PRAGMA"),
        ("SET threads = 1", "SET"),
        ("INSTALL httpfs", "LOAD"),
        ("CALL pragma_version()", "CALL"),
        # EXPLAIN ANALYZE runs its statement, so what it wraps must be a read too.
        ("EXPLAIN ANALYZE DELETE FROM calls", "EXPLAIN DELETE"),
        ("EXPLAIN (FORMAT JSON) INSERT INTO calls (call_id) VALUES ('x')", "EXPLAIN INSERT"),
    ],
)
def test_writes_are_refused_and_nothing_changes(con, sql, kind):
    with pytest.raises(QueryError, match=f"refused the {kind} statement"):
        run_sql(con, sql)
    assert con.execute("SELECT count(*), sum(cost_usd) FROM calls").fetchall() == [(2, 2.0)]
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 't'").fetchall() == [(0,)]


def test_a_write_hidden_after_a_read_is_refused(con):
    with pytest.raises(QueryError, match="one statement at a time"):
        run_sql(con, "SELECT 1; DROP TABLE calls")
    assert con.execute("SELECT count(*) FROM calls").fetchall() == [(2,)]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("", "no SQL statement"),
        ("-- nothing", "no SQL statement"),
        ("SELEC 1", "cannot parse"),
        ("SELECT * FROM nowhere", "nowhere"),
    ],
)
def test_bad_sql_is_a_query_error(con, sql, message):
    with pytest.raises(QueryError, match=message):
        run_sql(con, sql)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wh = Warehouse(tmp_path_factory.mktemp("sqlcmd") / "wh")
    commit_calls(
        wh,
        pa.table(
            {
                "call_id": ["s1", "s2", "s3"],
                "ts": [
                    datetime.fromisoformat(t)
                    for t in (
                        "2026-11-16T08:00:00+00:00",
                        "2026-11-17T08:00:00+00:00",
                        "2026-11-17T09:00:00+00:00",
                    )
                ],
                "feature": ["chat", "search", "chat"],
                "cost_usd": [1.25, 2.0, 0.25],
            }
        ),
    )
    return wh.root


@pytest.fixture(autouse=True)
def fixed_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "_width", 100)


QUERY = (
    "SELECT feature, sum(cost_usd) AS cost, count(*) AS calls FROM calls GROUP BY feature ORDER BY feature"
)


def sql(warehouse: Path, *args: str) -> str:
    result = runner.invoke(app, ["sql", *args, "--warehouse", str(warehouse)])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def test_csv(warehouse):
    # chat = s1 + s3 = 1.25 + 0.25; search = s2
    assert sql(warehouse, QUERY, "--format", "csv") == "feature,cost,calls\nchat,1.5,2\nsearch,2.0,1\n"


def test_json(warehouse):
    assert json.loads(sql(warehouse, QUERY, "-f", "json")) == [
        {"feature": "chat", "cost": 1.5, "calls": 2},
        {"feature": "search", "cost": 2.0, "calls": 1},
    ]


def test_table(warehouse):
    rows = [line.split() for line in sql(warehouse, QUERY).splitlines() if line.strip()]
    assert rows[0] == ["feature", "cost", "calls"]
    assert rows[2:] == [["chat", "1.5", "2"], ["search", "2", "1"]]


def test_file_and_the_metric_macros(warehouse, tmp_path):
    query = tmp_path / "q.sql"
    query.write_text(
        "-- spend per day of W47\n"
        "SELECT \"group\", cost_usd FROM metric_spend(TIMESTAMPTZ '2026-11-16 00:00:00+00', "
        "TIMESTAMPTZ '2026-11-23 00:00:00+00', group_by := 'day')\n"
    )
    assert (
        sql(warehouse, "--file", str(query), "-f", "csv")
        == "group,cost_usd\n2026-11-16,1.25\n2026-11-17,2.25\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["DROP TABLE calls"], "refused the DROP statement"),
        (["COPY calls TO 'out.csv'"], "refused the COPY statement"),
        ([], "give the SQL either as an argument or with --file"),
        (["SELECT 1", "--file", "q.sql"], "give the SQL either as an argument or with --file"),
        (["--file", "/nonexistent/q.sql"], "cannot read /nonexistent/q.sql"),
    ],
)
def test_refusals_exit_2_with_a_message(warehouse, capsys, args, message):
    assert run_app(app, ["sql", *args, "--warehouse", str(warehouse)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and message in " ".join(err.split())
