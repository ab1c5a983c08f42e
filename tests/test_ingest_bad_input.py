"""Bad input: every malformed record is quarantined with file, line and reason; good ones around it
are stored; no traceback reaches the user; prompt and response text is never stored."""

from __future__ import annotations

import gzip
import json

import duckdb
import pytest
from helpers import rows

from llmfinops.errors import InputError
from llmfinops.ingest.pipeline import ingest_paths

GOOD = {"ts": "2026-11-16T10:00:00Z", "model": "gpt-4o-mini", "input_tokens": 100, "output_tokens": 10}

BAD_LINES = [
    ('{"ts": "2026-11-16T10:00:00Z", "model": "gpt-4o-mini", "input_tokens": 1', "malformed JSON"),
    ('{"model": "gpt-4o-mini", "input_tokens": 1, "output_tokens": 1}', "missing ts"),
    (
        '{"ts": "last tuesday", "model": "gpt-4o-mini", "input_tokens": 1, "output_tokens": 1}',
        "unparsable ts",
    ),
    ('{"ts": "2026-11-16T10:00:00Z", "input_tokens": 1, "output_tokens": 1}', "missing model"),
    (
        '{"ts": "2026-11-16T10:00:00Z", "model": "gpt-4o", "input_tokens": -5, "output_tokens": 1}',
        "negative or non-numeric token count",
    ),
    (
        '{"ts": "2026-11-16T10:00:00Z", "model": "gpt-4o", "input_tokens": "lots", "output_tokens": 1}',
        "negative or non-numeric token count",
    ),
    (
        '{"ts": "2026-11-16T10:00:00Z", "model": "gpt-4o", "input_tokens": 1.5, "output_tokens": 1}',
        "negative or non-numeric token count",
    ),
    (
        '{"ts": "2026-11-16T10:00:00Z", "model": "gpt-4o", '
        '"usage": {"prompt_tokens": -1, "completion_tokens": 2}}',
        "negative or non-numeric token count",
    ),
    ('{"ts": "2026-11-16T10:00:00Z", "model": "gpt-4o"}', "missing token counts"),
    (
        '{"ts": "2026-11-16T10:00:00Z", "model": "gpt-4o", "input_tokens": 10, "cached_input_tokens": 20, '
        '"output_tokens": 1}',
        "cached tokens exceed input tokens",
    ),
    ('{"ts": "2026-11-16T10:00:00Z", "model": "gpt-4o", "usage": {"weird": 1}}', "unrecognised usage block"),
    ("[1, 2, 3]", "not a JSON object"),
    ('"just a string"', "not a JSON object"),
]


def test_each_bad_record_is_quarantined_and_neighbours_kept(warehouse, jsonl):
    lines: list = []
    for i, (bad, _) in enumerate(BAD_LINES):
        lines.append({**GOOD, "call_id": f"good-{i}"})
        lines.append(bad)
    lines.append({**GOOD, "call_id": "good-last"})
    path = jsonl(lines)
    summary = ingest_paths(warehouse, [path])

    assert summary.stored == len(BAD_LINES) + 1
    assert summary.records_read == 2 * len(BAD_LINES) + 1
    quarantined = rows(warehouse, "SELECT source_file, line, reason FROM quarantine ORDER BY line")
    # bad record i sits on line 2*i + 2 (1-based; a good line precedes each)
    expected = [(str(path), 2 * i + 2, reason) for i, (_, reason) in enumerate(BAD_LINES)]
    assert [(q["source_file"], q["line"], q["reason"]) for q in quarantined] == expected
    assert sum(summary.quarantined.values()) == len(BAD_LINES)


def test_blank_lines_are_not_records(warehouse, jsonl):
    summary = ingest_paths(warehouse, [jsonl([GOOD, "", "   ", {**GOOD, "call_id": "x"}])])
    assert (summary.stored, summary.quarantined_total) == (2, 0)


def test_gzip_csv_and_parquet_read_the_same_records(warehouse, tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    with gzip.open(logs / "a.jsonl.gz", "wt") as fh:
        fh.write(json.dumps({**GOOD, "call_id": "gz"}) + "\n")
    (logs / "b.csv").write_text(
        "call_id,ts,model,input_tokens,output_tokens,feature,response_cache_hit\n"
        "csv-1,2026-11-16T10:00:00+02:00,gpt-4o-mini,100,10,chat,false\n"
        "csv-2,2026-11-16T10:00:00Z,gpt-4o-mini,lots,10,chat,false\n"
        "csv-3,2026-11-16T11:00:00Z,gpt-4o-mini,100,10,chat,true,extra,columns\n"
    )
    duckdb.sql(
        "COPY (SELECT 'pq-1' AS call_id, TIMESTAMPTZ '2026-11-16 10:00:00+00' AS ts, 'gpt-4o-mini' AS model, "
        f"100 AS input_tokens, 10 AS output_tokens) TO '{logs / 'c.parquet'}' (FORMAT parquet)"
    )
    summary = ingest_paths(warehouse, [logs])
    got = {r["call_id"]: r for r in rows(warehouse)}
    assert set(got) == {"gz", "csv-1", "pq-1"}
    assert str(got["csv-1"]["ts"]).startswith("2026-11-16 08:00:00")  # +02:00 stored as UTC
    reasons = {
        (q["source_file"].rsplit("/", 1)[1], q["line"], q["reason"])
        for q in rows(warehouse, "FROM quarantine")
    }
    assert ("b.csv", 3, "negative or non-numeric token count") in reasons  # header is line 1
    assert any(f == "b.csv" and line == 4 and r.startswith("malformed CSV row") for f, line, r in reasons)
    assert summary.stored == 3


def test_missing_path_is_an_input_error_and_stores_nothing(warehouse, jsonl, tmp_path):
    good = jsonl([GOOD])
    with pytest.raises(InputError, match="no such file"):
        ingest_paths(warehouse, [good, tmp_path / "nope.jsonl"])
    assert not warehouse.exists()


def test_cli_bad_path_one_line_reason_no_traceback(cli, tmp_path):
    code, out, err = cli("ingest", tmp_path / "missing", "-w", tmp_path / "wh")
    assert code == 2
    assert err.strip() == f"Error: no such file or directory: {tmp_path / 'missing'}"
    assert "Traceback" not in out + err


def test_cli_quarantine_warns_exit_zero_and_strict_exits_one(cli, jsonl, tmp_path):
    path = jsonl([GOOD, "{broken"])
    code, out, err = cli("ingest", path, "-w", tmp_path / "wh")
    assert code == 0
    assert "1 record(s) quarantined" in err
    assert f"quarantined {path}:2: malformed JSON" in out
    code, _, _ = cli("ingest", path, "-w", tmp_path / "wh2", "--strict")
    assert code == 1


MARKER = "SECRET-PROMPT-TEXT-7f3a"


def test_prompt_and_response_text_is_never_stored(warehouse, jsonl):
    from helpers import case

    response = case("openai.chat.reasoning.json")
    response["choices"][0]["message"]["content"] = MARKER
    records = [
        {
            **GOOD,
            "call_id": "p1",
            "prompt": MARKER,
            "messages": [{"role": "user", "content": MARKER}],
            "completion": MARKER,
            "note": MARKER * 20,
            "env": "prod",
        },
        {"ts": GOOD["ts"], "response": response, "metadata": {"input": MARKER, "tenant": "acme"}},
        f'{{"ts": "{GOOD["ts"]}", "model": "gpt-4o", "prompt": "{MARKER}", "input_tokens": -1}}',
    ]
    ingest_paths(warehouse, [jsonl(records)])
    # Everything the store holds, every column, as text: the marker appears nowhere.
    dump = rows(warehouse, "SELECT CAST(c AS VARCHAR) AS v FROM calls AS c")
    dump += rows(warehouse, "SELECT CAST(q AS VARCHAR) AS v FROM quarantine AS q")
    assert dump and all(MARKER not in r["v"] for r in dump)
    tags = {r["call_id"]: r["tags"] for r in rows(warehouse)}
    assert tags["p1"] == {"env": "prod"}
    assert tags["chatcmpl-C9xQ2kR7bZt1mYp4LwV8sN3aEfGh"] == {"metadata.tenant": "acme"}
    raw = b"".join(p.read_bytes() for p in warehouse.root.rglob("*.parquet"))
    assert MARKER.encode() not in raw
