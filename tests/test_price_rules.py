"""The price join's scalar macros (queries/price_rules.sql), as data: inputs and the expected
result worked out from the rule, and the queries that look a price row up use them, not a copy.

The prices they select are tested on real-shaped records in test_pricing.py,
test_price_modifiers.py and test_realworld.py (ingest) and test_focus_export.py (FOCUS).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import duckdb
import pytest

from llmfinops import sqlfiles


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    sqlfiles.install_price_macros(con)
    return con


# batch, service_tier, provider, region_scope -> the catalog variant whose price the call takes
VARIANTS = [
    (False, None, "openai", None, None),  # standard row
    (False, "standard", "openai", None, None),
    (False, "default", "openai", None, None),  # OpenAI's "default" tier is the standard price
    (True, None, "openai", None, "batch"),
    (True, "batch", "anthropic", None, "batch"),
    (True, "flex", "openai", None, "batch"),  # batch first (pricing order step 1 per modifier)
    (False, "flex", "openai", None, "service_tier=flex"),
    (False, "priority", "openai", None, "service_tier=priority"),
    (False, "scale", "openai", None, None),  # prepaid: no variant row (price_calls.sql flags it)
    (False, None, "aws", "global", "region_scope=global"),
    (False, None, "aws", "us", None),  # geo profile: the model's standard (regional) Bedrock row
    (False, None, "google", "global", None),  # only Bedrock profiles have a global catalog entry
    (True, None, "aws", "global", "batch"),
]


@pytest.mark.parametrize(("batch", "tier", "provider", "scope", "expected"), VARIANTS)
def test_price_variant(con, batch, tier, provider, scope, expected):
    got = con.execute("SELECT price_variant(?, ?, ?, ?)", [batch, tier, provider, scope]).fetchone()
    assert got == (expected,)


NOV17 = datetime(2026, 11, 17, 10, 30, tzinfo=UTC)
# valid_from, valid_until, tod_from, tod_until, band_min_input, band_max_input, ts, input_tokens
IN_FORCE = [
    ((None, None, None, None, -1, None, NOV17, 0), True),  # an open row holds any call, 0 input too
    ((NOV17, None, None, None, -1, None, NOV17, 10), True),  # valid_from inclusive
    ((None, NOV17, None, None, -1, None, NOV17, 10), False),  # valid_until exclusive
    ((None, None, time(10, 30), time(11), -1, None, NOV17, 10), True),  # UTC slice, start inclusive
    ((None, None, time(9), time(10, 30), -1, None, NOV17, 10), False),  # end exclusive
    ((None, None, None, None, 200_000, None, NOV17, 200_000), False),  # over the threshold only
    ((None, None, None, None, 200_000, None, NOV17, 200_001), True),
    ((None, None, None, None, -1, 200_000, NOV17, 200_000), True),  # band max inclusive
    ((None, None, None, None, -1, 200_000, NOV17, 200_001), False),
]


@pytest.mark.parametrize(("args", "expected"), IN_FORCE)
def test_price_row_in_force(con, args, expected):
    got = con.execute("SELECT price_row_in_force(?, ?, ?, ?, ?, ?, ?, ?)", list(args)).fetchone()
    assert got == (expected,)


def test_the_price_row_in_force_reads_the_utc_wall_clock_whatever_the_session_zone():
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'America/Los_Angeles'")
    sqlfiles.install_price_macros(con)
    # 10:30 UTC is 02:30 in Los Angeles: the 10:00-11:00 UTC slice holds it
    args = [None, None, time(10), time(11), -1, None, NOV17, 10]
    assert con.execute("SELECT price_row_in_force(?, ?, ?, ?, ?, ?, ?, ?)", args).fetchone() == (True,)


def body(name: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sqlfiles.load(name).splitlines())


@pytest.mark.parametrize("name", ["price_calls", "focus_export", "whatif_changes"])
def test_the_price_look_ups_use_the_macros_not_a_copy(name):
    text = body(name)
    assert "price_row_in_force(p.valid_from, p.valid_until, p.tod_from, p.tod_until" in text
    # (the modifier-table joins check their own validity: `mp.valid_until`, `mt.…`)
    assert not re.search(r"\bp\.(band_max_input|valid_until|tod_from) IS NULL OR", text)
    if name != "whatif_changes":  # it looks up the batch variant by name
        assert "price_variant(c.batch, c.service_tier, c.provider, c.region_scope)" in text
        assert "THEN 'service_tier=' ||" not in text
