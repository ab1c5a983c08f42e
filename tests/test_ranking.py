"""Rankings are the same on every run: equal costs tie exactly and fall to the group value.

A float sum depends on the order its terms arrive in, and on two threads that order changes
from run to run: on a 1M-call store top-spenders ranked users three ways in three runs. The
store below gives every user exactly the same multiset of costs (so every user costs the
same), each in another order, spread over enough row groups that DuckDB sums them on both
threads. The only right ranking is then by user id, every time.
"""

from __future__ import annotations

import duckdb
import pytest

from llmfinops import schema, sqlfiles
from llmfinops.metrics import compute, resolve_period

USERS = 40
BLOCK = 1000  # consecutive calls of one user; each block holds every cost k/3 000 000 once
ROWS = 600_000  # ~5 row groups of 122 880, so both threads sum part of every user
W47 = resolve_period("2026-W47", None, None)
RUNS = 5


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET threads = 2")
    con.execute(f"CREATE TABLE calls ({schema.duckdb_columns()}, day DATE)")
    # Row i belongs to user (i // BLOCK) % USERS; within a block the costs (k + 1) / 3e6 for
    # k = 0..999 come in an order that depends on the user ((i * 7919 + 13 * user) mod 1000
    # is a permutation of the block, 7919 being prime to 1000). Thirds have no exact binary
    # form, so the float partial sums differ in their last bits between users and runs.
    con.execute(
        f"""
        INSERT INTO calls BY NAME
        SELECT
            'c' || i AS call_id,
            TIMESTAMPTZ '2026-11-16 00:00:00+00' + to_seconds(i % 600000) AS ts,
            CAST(TIMESTAMPTZ '2026-11-16 00:00:00+00' + to_seconds(i % 600000) AS DATE) AS day,
            printf('u%02d', (i // {BLOCK}) % {USERS}) AS user_id,
            printf('f%02d', (i // {BLOCK}) % {USERS}) AS feature,
            'chat' AS team,
            'act' || (i // {BLOCK}) AS action_id,
            ((i * 7919 + 13 * ((i // {BLOCK}) % {USERS})) % {BLOCK} + 1) / 3e6 AS cost_usd,
            10 AS input_tokens,
            1 AS output_tokens
        FROM range({ROWS}) AS t(i)
        """
    )
    sqlfiles.install_macros(con)
    return con


def ranking(con: duckdb.DuckDBPyConnection, metric: str, key: str, group_by: str) -> list[str]:
    table = compute(con, metric, period=W47, group_by=group_by)
    return [str(v) for v in table.column(key).to_pylist()]


@pytest.mark.parametrize(
    ("metric", "key", "group_by"),
    [
        ("top-spenders", "user_id", "user_id"),
        ("spend", "feature", "feature"),
        ("cost-per-action", "feature", "feature"),
        ("cost-per-tier", "feature", "feature"),
    ],
)
def test_equal_costs_rank_by_name_on_every_run(con, metric, key, group_by):
    # 600 blocks of 1000 rows, 15 per user; each user's cost is 15 * sum(k/3e6, k=1..1000)
    # = 15 * 500500 / 3e6 = 2.5025 exactly: a 40-way tie, ranked by the group value.
    expected = [f"u{n:02d}" if key == "user_id" else f"f{n:02d}" for n in range(USERS)]
    runs = [ranking(con, metric, key, group_by) for _ in range(RUNS)]
    assert runs == [expected] * RUNS


def test_tied_costs_are_equal_to_the_cent_and_beyond(con):
    table = compute(con, "top-spenders", period=W47, group_by="user_id")
    costs = set(table.column("cost_usd").to_pylist())
    assert len(costs) == 1  # one exact value, not forty neighbours
    assert abs(costs.pop() - 15 * 500_500 / 3e6) < 1e-9
    assert table.column("cumulative_share").to_pylist()[-1] == 1.0
