"""Claude Code session logs: calls from assistant lines, de-duplicated across partial copies, resumed
sessions and subagent replays.

Prices (pinned catalog, per MTok): claude-sonnet-4 $3 in, $0.30 cache read, $3.75 5-minute cache
write, $6 1-hour write (2x input), $15 out; claude-opus-4 $15 / $1.50 / $18.75 / $75;
claude-3-5-haiku $0.80 in, $4 out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import CASES, rows

from llmfinops.ingest import registry
from llmfinops.ingest.pipeline import ingest_paths
from llmfinops.ingest.sources import discover

SAMPLE = CASES / "anthropic.claude_code.sample"
DEDUP = CASES / "anthropic.claude_code.dedup"
SESSION_A = "a1111111-1111-4111-8111-111111111111"
SESSION_B = "0b222222-2222-4222-8222-222222222222"

DAILY = """
SELECT day, model, count(*) AS calls,
       sum(input_tokens - cached_input_tokens - cache_write_tokens) AS uncached,
       sum(cached_input_tokens) AS cache_read,
       sum(cache_write_tokens - cache_write_1h_tokens) AS write_5m,
       sum(cache_write_1h_tokens) AS write_1h,
       sum(output_tokens) AS output,
       sum(cost_usd) AS cost
FROM calls GROUP BY ALL ORDER BY day, model
"""


def test_sample_projects_directory(warehouse):
    summary = ingest_paths(warehouse, [SAMPLE])
    # 27 assistant lines, 1 of them <synthetic>: 26 records for 21 responses (5 partial/repeated copies);
    # user and summary lines are not calls and not quarantined
    assert (summary.files_read, summary.records_read, summary.stored, summary.duplicates) == (2, 26, 21, 5)
    assert summary.quarantined_total == 0
    got = {(str(r["day"]), r["model"]): r for r in rows(warehouse, DAILY)}
    opus = got[("2025-06-01", "claude-opus-4-20250514")]
    # uncached 4+4+4+3 = 15; read 35979+46249+50708+51469 = 184405; 5m writes 373+563+4863+2858 = 8657;
    # output 156+103+241+141 = 641
    assert (opus["calls"], opus["uncached"], opus["cache_read"], opus["write_5m"], opus["output"]) == (
        4,
        15,
        184405,
        8657,
        641,
    )
    # 15*15 + 184405*1.5 + 8657*18.75 + 641*75 = 225 + 276607.5 + 162318.75 + 48075 = 487226.25 -> $0.48722625
    assert opus["cost"] == pytest.approx(0.48722625)
    sonnet = got[("2025-06-01", "claude-sonnet-4-20250514")]
    # uncached 3+4+4+4+4+4762+359+4+3+3+8 = 5158
    # read 15727+23617+28681+31300+32453+41493+42693+45404+48210+51695+56022 = 417295
    # 5m writes 27088+1078+211+3221+1334+0+417+3645+0+1078+2116 = 40188; the one 1h write: 1782
    # output (largest copy of each response) 703+151+397+129+71+215+489+159+73+305+162 = 2854
    assert (
        sonnet["calls"],
        sonnet["uncached"],
        sonnet["cache_read"],
        sonnet["write_5m"],
        sonnet["write_1h"],
        sonnet["output"],
    ) == (11, 5158, 417295, 40188, 1782, 2854)
    # 5158*3 + 417295*0.3 + 40188*3.75 + 1782*6 + 2854*15
    #   = 15474 + 125188.5 + 150705 + 10692 + 42810 = 344869.5 -> $0.3448695
    assert sonnet["cost"] == pytest.approx(0.3448695)
    side = got[("2025-06-18", "claude-sonnet-4-20250514")]
    # subagent: uncached 8+8+10 = 26; read 19097+39203+5454 = 63754; write 2294; output 43+105+84 = 232
    # 26*3 + 63754*0.3 + 2294*3.75 + 232*15 = 78 + 19126.2 + 8602.5 + 3480 = 31286.7 -> $0.0312867
    assert (side["uncached"], side["cache_read"], side["write_5m"], side["output"]) == (26, 63754, 2294, 232)
    assert side["cost"] == pytest.approx(0.0312867)
    haiku = got[("2025-06-18", "claude-3-5-haiku-20241022")]
    # 1820+584+1540 = 3944 in, 231+10+20 = 261 out: 3944*0.8 + 261*4 = 3155.2 + 1044 = 4199.2 -> $0.0041992
    assert (haiku["uncached"], haiku["output"], haiku["cost"]) == (3944, 261, pytest.approx(0.0041992))
    one = rows(
        warehouse,
        "SELECT * FROM calls WHERE call_id = 'msg_013f70b1db4e42893af15086:req_011Cf706e859d40338ecfbf4'",
    )
    assert one[0]["tags"] == {
        "project": "-home-dev-work-acme-api",
        "version": "1.0.70",
        "git_branch": "main",
        "service_tier": "standard",
    }
    assert (one[0]["feature"], one[0]["session_id"]) == (
        "claude-code",
        "e328b2d4-a715-40fd-90d0-bea1d9bf112f",
    )


def test_partial_copies_resumed_replays_and_sidechains(warehouse):
    summary = ingest_paths(warehouse, [DEDUP])
    # session A has 8 lines (user, 2 copies of A, B, <synthetic>, E, progress, summary), the resumed
    # session 2 (A replayed, C), the subagent 2 (B replayed, D). Calls: A, A, B, E | A, C | B, D = 8
    # records; kept A, B, E, C, D = 5; duplicates 3; user/summary/progress/<synthetic> skipped
    assert (summary.records_read, summary.stored, summary.duplicates, summary.quarantined_total) == (
        8,
        5,
        3,
        0,
    )
    got = {r["call_id"]: r for r in rows(warehouse)}
    assert set(got) == {"msg_A:req_A", "msg_B:req_B", "msg_C:req_C", "msg_D:req_D", "msg_E"}

    a = got["msg_A:req_A"]
    # the complete copy (output 120, not the partial 5), from the original session: the resumed
    # session's replay has the same tokens but a later time (its file sorts first, yet loses)
    assert (a["output_tokens"], a["session_id"], a["ts"].isoformat()) == (
        120,
        SESSION_A,
        "2025-07-01T10:00:01.500000+00:00",
    )
    # 10 + 5000 + 1000 = 6010 input;
    # 10*3 + 5000*0.3 + 1000*3.75 + 120*15 = 30 + 1500 + 3750 + 1800 = 7080 -> $0.00708
    assert (a["input_tokens"], a["cost_usd"]) == (6010, pytest.approx(0.00708))

    b = got["msg_B:req_B"]
    # the subagent's replay is earlier and equal in tokens, but a sidechain copy loses to its parent
    assert "sidechain" not in b["tags"]
    assert b["ts"].isoformat() == "2025-07-01T10:05:00+00:00"
    # costUSD 0.01 is the reported cost (the catalog would say 20*3 + 8000*0.3 + 2000*6 + 50*15 = $0.01521)
    assert (b["cost_usd"], b["cost_source"]) == (0.01, "reported")
    # 20 + 8000 + 2000 = 10020 input, the 2000 written with a 1-hour TTL
    assert (b["input_tokens"], b["cache_write_tokens"], b["cache_write_1h_tokens"]) == (10020, 2000, 2000)

    e = got["msg_E"]  # requestId null, cache fields null: kept, call_id is the message id alone
    # 7*3 + 3*15 = 21 + 45 = 66 -> $0.000066
    assert (e["input_tokens"], e["output_tokens"], e["cost_usd"]) == (7, 3, pytest.approx(0.000066))

    c = got["msg_C:req_C"]
    # 30*3 + 9000*0.3 + 80*15 = 90 + 2700 + 1200 = 3990 -> $0.00399
    assert (c["session_id"], c["cost_usd"]) == (SESSION_B, pytest.approx(0.00399))

    d = got["msg_D:req_D"]
    # haiku: 1500*0.8 + 40*4 = 1200 + 160 = 1360 -> $0.00136
    assert (d["tags"]["sidechain"], d["tags"]["agent_id"], d["cost_usd"]) == (
        "true",
        "s1",
        pytest.approx(0.00136),
    )
    assert d["session_id"] == SESSION_A

    # $0.00708 + $0.01 + $0.000066 + $0.00399 + $0.00136 = $0.022496
    assert sum(r["cost_usd"] for r in got.values()) == pytest.approx(0.022496)
    # again: nothing new
    again = ingest_paths(warehouse, [DEDUP], full=True)
    assert (again.stored, again.duplicates) == (0, 8)


def test_a_grown_session_file_is_read_from_where_it_stopped(warehouse, tmp_path):
    project = tmp_path / "projects" / "-home-dev-demo"
    project.mkdir(parents=True)
    session = project / f"{SESSION_B}.jsonl"
    lines = (DEDUP / "-home-dev-demo" / f"{SESSION_B}.jsonl").read_text().splitlines(keepends=True)
    session.write_text(lines[0])
    assert ingest_paths(warehouse, [tmp_path / "projects"]).stored == 1
    with open(session, "a") as fh:
        fh.write(lines[1])
    grown = ingest_paths(warehouse, [tmp_path / "projects"])
    assert (grown.records_read, grown.stored) == (1, 1)


def test_sniffing_claims_session_files_only(tmp_path, jsonl):
    found = {src.path.name: registry.detect(src).name for src in discover([DEDUP])}
    assert set(found.values()) == {"claude_code"}
    native = jsonl(
        [
            {
                "ts": "2025-07-01T10:00:00Z",
                "model": "claude-sonnet-4-20250514",
                "input_tokens": 1,
                "output_tokens": 1,
                "session_id": "s1",
            }
        ]
    )
    (src,) = discover([native])
    assert registry.detect(src).name == "native"


# --- Optional: the numbers of the tool people use today -------------------------------------------


def _ccusage_daily(config_dir: Path, home: Path) -> list[dict]:
    """ccusage's daily report (UTC) for a Claude config dir, or skip with the reason it cannot run."""
    if shutil.which("npx") is None:
        pytest.skip("npx is not installed: the ccusage comparison needs Node.js")
    env = {**os.environ, "HOME": str(home), "CLAUDE_CONFIG_DIR": str(config_dir), "TZ": "UTC"}
    attempts = (
        ["npx", "--yes", "ccusage@latest", "claude", "daily", "--json", "--offline", "-z", "UTC"],  # v20+
        ["npx", "--yes", "ccusage@17", "daily", "--json", "--offline", "-z", "UTC"],  # the JS releases
    )
    errors = []
    for cmd in attempts:
        try:
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            errors.append(f"{' '.join(cmd[2:4])}: {exc}")
            continue
        try:
            return json.loads(done.stdout)["daily"]
        except (ValueError, KeyError, TypeError):
            errors.append(f"{' '.join(cmd[2:4])}: exit {done.returncode}: {done.stderr.strip()[-200:]}")
    pytest.skip("ccusage could not be installed or run: " + " | ".join(errors))


def test_daily_totals_match_ccusage(warehouse, tmp_path):
    config = tmp_path / "claude"
    shutil.copytree(SAMPLE, config / "projects")
    home = tmp_path / "home"
    home.mkdir()
    theirs = {d["date"]: d for d in _ccusage_daily(config, home)}
    ingest_paths(warehouse, [config / "projects"])
    ours = rows(
        warehouse,
        """
        SELECT CAST(day AS VARCHAR) AS date,
               sum(input_tokens - cached_input_tokens - cache_write_tokens) AS input,
               sum(cache_write_tokens) AS creation, sum(cached_input_tokens) AS read,
               sum(output_tokens) AS output, sum(cost_usd) AS cost
        FROM calls GROUP BY ALL ORDER BY 1""",
    )
    assert [r["date"] for r in ours] == sorted(theirs)
    for day in ours:
        cc = theirs[day["date"]]
        assert (day["input"], day["creation"], day["read"]) == (
            cc["inputTokens"],
            cc["cacheCreationTokens"],
            cc["cacheReadTokens"],
        )
        # Two known differences, both making ours larger: ccusage (JS releases) keeps the FIRST copy of
        # a response, we keep the largest (msg_0104f98de5811e6b6fdfa3c7: 151 vs a partial 37, +114
        # output); and it prices 1-hour cache writes like 5-minute ones (1782 tokens x $6 vs $3.75).
        assert 0 <= day["output"] - cc["outputTokens"] <= 114
        assert 0 <= day["cost"] - cc["totalCost"] <= 114 * 15e-6 + 1782 * (6 - 3.75) * 1e-6 + 1e-9
