"""Claude Code logs: llmfinops ingest next to ccusage, the tool its users run today.

    python benchmarks/bench_claude_code.py --sessions 4000

Writes N copies of the real-shaped session in tests/cases/anthropic.claude_code.sample (fresh message,
request and session ids, spread over 28 days and 20 projects), then times, each in its own
process, `llmfinops ingest PROJECTS` and `ccusage daily --json --offline` (npx; skipped with a
note when it cannot run), and compares the daily input and cache token totals.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
SESSION = next((HERE.parent / "tests" / "cases" / "anthropic.claude_code.sample").rglob("e328b2d4-*.jsonl"))
CCUSAGE = ["npx", "--yes", "ccusage@17", "daily", "--json", "--offline", "-z", "UTC"]


def make_sessions(n: int, root: Path) -> int:
    records = [json.loads(line) for line in SESSION.read_text().splitlines() if line.strip()]
    for k in range(n):
        folder = root / "projects" / f"-home-dev-work-proj{k % 20}"
        folder.mkdir(parents=True, exist_ok=True)
        session = str(uuid.UUID(int=k + 1))
        with open(folder / f"{session}.jsonl", "w") as fh:
            for rec in records:
                rec = {**rec, "sessionId": session}
                if "timestamp" in rec:
                    rec["timestamp"] = f"2025-06-{1 + k % 28:02d}" + rec["timestamp"][10:]
                if "requestId" in rec:
                    rec["requestId"] += f"_{k}"
                if isinstance(rec.get("message"), dict) and "id" in rec["message"]:
                    rec["message"] = {**rec["message"], "id": f"{rec['message']['id']}_{k}"}
                fh.write(json.dumps(rec) + "\n")
    return sum(1 for _ in (root / "projects").rglob("*.jsonl"))


def timed(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)
    return time.perf_counter() - start, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=4000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="llmfinops-cc-"))
    try:
        files = make_sessions(args.sessions, work)
        size = sum(p.stat().st_size for p in (work / "projects").rglob("*.jsonl"))
        print(f"{files:,} session files, {size / 1e6:,.0f} MB")
        ours, done = timed(
            [
                sys.executable,
                "-m",
                "llmfinops",
                "ingest",
                str(work / "projects"),
                "-w",
                str(work / "wh"),
                "-q",
            ]
        )
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        print(f"llmfinops ingest   {ours:6.1f} s")
        if shutil.which("npx") is None:
            print("ccusage            skipped: npx is not installed")
            return
        home = work / "home"
        home.mkdir()
        env = {**os.environ, "HOME": str(home), "CLAUDE_CONFIG_DIR": str(work), "TZ": "UTC"}
        theirs, done = timed(CCUSAGE, env=env)
        if done.returncode != 0:
            print(f"ccusage            skipped: {done.stderr.strip()[-200:]}")
            return
        print(
            f"ccusage (npx)      {theirs:6.1f} s   ratio {theirs / ours:.1f}x in llmfinops' favour"
            if theirs >= ours
            else f"ccusage (npx)      {theirs:6.1f} s   llmfinops is slower"
        )
        compare(work / "wh", json.loads(done.stdout)["daily"])
    finally:
        shutil.rmtree(work, ignore_errors=True)


def compare(warehouse: Path, daily: list[dict]) -> None:
    from llmfinops.store import Warehouse, connect

    con = connect(Warehouse.at(warehouse))
    ours = con.execute(
        "SELECT CAST(day AS VARCHAR), sum(input_tokens - cached_input_tokens - cache_write_tokens), "
        "sum(cache_write_tokens), sum(cached_input_tokens) FROM calls GROUP BY ALL ORDER BY 1"
    ).fetchall()
    cc = {d["date"]: (d["inputTokens"], d["cacheCreationTokens"], d["cacheReadTokens"]) for d in daily}
    equal = sum(1 for day, *counts in ours if cc.get(day) == tuple(counts))
    print(f"daily input/cache-write/cache-read totals equal on {equal} of {len(cc)} days")


if __name__ == "__main__":
    main()
