"""Claude Code logs: `llmfinops ingest` next to ccusage 20, the tool its users run today.

    python benchmarks/bench_claude_code.py                 # >= 200k lines, >= 250 MB, ~1,400 files
    python benchmarks/bench_claude_code.py --lines 50000   # a quicker look

Generates a projects folder from the real-shaped sessions in
tests/cases/anthropic.claude_code.sample: main sessions (with the streamed copies of one response
the sample has), subagent files (`<session>/subagents/agent-*.jsonl`, sidechain lines) and resumed
sessions (a new file that replays an earlier session's lines, same message and request ids), with
fresh ids, spread over 28 days and 20 projects. Then, in the same run and each as a whole command
timed by /usr/bin/time (wall clock and peak RSS), it runs:

1. `llmfinops ingest PROJECTS` into a new warehouse (the first ingest);
2. `ccusage claude daily --json --offline -z UTC` (npm `ccusage`, installed into a scratch
   directory; skipped with the reason where npm is missing or the install fails), with HOME,
   XDG_* and CLAUDE_CONFIG_DIR pointed at scratch directories so it reads only this folder;
3. `llmfinops ingest PROJECTS` again into the same warehouse (nothing changed: a no-op).

Rounds alternate the two tools (--rounds), so a busy machine slows both alike; the medians and
the ratio are printed, and the daily token totals of both are compared. Then a day's work is
appended (a session's worth of new lines to each of 100 files, --grow) and both run once more:
llmfinops reads what was added since its last run, ccusage reads the folder again.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "tests" / "cases" / "anthropic.claude_code.sample"
SESSION = next(SAMPLE.rglob("e328b2d4-*.jsonl"))
SUBAGENT = next(SAMPLE.rglob("agent-*.jsonl"))
# ccusage 20.0.25+ was published without its linux-x64 native package; 20.0.24 has it.
CCUSAGE_VERSION = "20.0.24"
TIME = "/usr/bin/time"


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _dump(rec: dict) -> str:
    # Claude Code writes compact JSON, and ccusage's reader relies on it (`"type":"assistant"`)
    return json.dumps(rec, separators=(",", ":"), ensure_ascii=False)


def _copy(rec: dict, k: int, session: str, day: int, sidechain: bool | None = None) -> dict:
    """One sample line as copy ``k``: fresh ids, the given session and day."""
    rec = {**rec}
    if "sessionId" in rec:
        rec["sessionId"] = session
    if "timestamp" in rec:
        rec["timestamp"] = f"2025-06-{1 + day % 28:02d}" + rec["timestamp"][10:]
    if "requestId" in rec:
        rec["requestId"] = f"{rec['requestId']}_{k}"
    if isinstance(rec.get("message"), dict) and "id" in rec["message"]:
        rec["message"] = {**rec["message"], "id": f"{rec['message']['id']}_{k}"}
    if "uuid" in rec:
        rec["uuid"] = str(uuid.UUID(int=random.getrandbits(128)))
    if sidechain is not None and "isSidechain" in rec:
        rec["isSidechain"] = sidechain
    return rec


def make_projects(root: Path, lines_wanted: int, seed: int = 7) -> dict[str, int]:
    """Write the projects folder (anew: a kept --workdir is rewritten, not added to); returns
    counts of files, lines and bytes by kind."""
    shutil.rmtree(root / "projects", ignore_errors=True)
    random.seed(seed)
    session_recs, agent_recs = _records(SESSION), _records(SUBAGENT)
    copies_per_file = 4  # ~150 lines and ~200 KB per main session file, like real ones
    counts = {"main": 0, "subagent": 0, "resumed": 0, "lines": 0, "bytes": 0}
    written: list[list[str]] = []  # main sessions' lines, for resumed sessions to replay
    k = 0
    n = 0
    while counts["lines"] < lines_wanted:
        project = root / "projects" / f"-home-dev-work-proj{n % 20}"
        project.mkdir(parents=True, exist_ok=True)
        session = str(uuid.UUID(int=n + 1))
        if n % 10 == 9 and written:  # a resumed session: replays half of an earlier one, then more
            earlier = written[random.randrange(len(written))]
            out = earlier[: len(earlier) // 2]
            kind = "resumed"
        else:
            out = []
            kind = "main"
        for _ in range(copies_per_file if kind == "main" else copies_per_file // 2):
            k += 1
            out += [_dump(_copy(r, k, session, n)) for r in session_recs]
        if kind == "main":
            written.append(out)
            if n % 8 == 0:  # a subagent of this session
                k += 1
                agent = [_dump(_copy(r, k, session, n, sidechain=True)) for r in agent_recs]
                sub = project / session / "subagents"
                sub.mkdir(parents=True)
                text = "\n".join(agent * 8) + "\n"
                (sub / f"agent-{k:08x}.jsonl").write_text(text)
                counts["subagent"] += 1
                counts["lines"] += len(agent) * 8
                counts["bytes"] += len(text.encode())
        text = "\n".join(out) + "\n"
        (project / f"{session}.jsonl").write_text(text)
        counts[kind] += 1
        counts["lines"] += len(out)
        counts["bytes"] += len(text.encode())
        n += 1
    return counts


def grow_projects(root: Path, files: int, seed: int = 11) -> int:
    """Append a session's worth of new lines (fresh ids, all on the folder's last day) to
    ``files`` main session files, as a day of work does; returns the lines added."""
    random.seed(seed)
    session_recs = _records(SESSION)
    mains = sorted(p for p in (root / "projects").glob("*/*.jsonl"))
    added = 0
    for i, path in enumerate(random.sample(mains, min(files, len(mains)))):
        lines = [_dump(_copy(r, 10_000_000 + i, path.stem, 27)) for r in session_recs]
        with path.open("a") as out:
            out.write("\n".join(lines) + "\n")
        added += len(lines)
    return added


def timed(cmd: list[str], work: Path, env: dict[str, str] | None = None) -> tuple[float, float, int, str]:
    """Wall seconds, CPU seconds (user + system, all threads) and peak RSS (MB) of one whole
    command, measured by /usr/bin/time. On a shared machine the CPU time is the steadier figure."""
    report = work / "time.txt"
    out = work / "stdout.txt"
    with open(out, "w") as fh:
        done = subprocess.run(
            [TIME, "-o", str(report), "-f", "%e %U %S %M", *cmd],
            stdout=fh,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            env=env,
        )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed: {done.stderr.strip()[-400:]}")
    wall, user, system, rss = report.read_text().split()[-4:]
    return float(wall), float(user) + float(system), int(rss) // 1024, out.read_text()


def install_ccusage(work: Path, version: str) -> tuple[list[str] | None, str]:
    """The ccusage command, installed with npm into a scratch directory, or None and why not."""
    if shutil.which("npm") is None:
        return None, "npm is not installed"
    prefix = work / "npm"
    prefix.mkdir(exist_ok=True)  # a kept --workdir: npm installs over it
    done = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(prefix), f"ccusage@{version}"],
        capture_output=True,
        text=True,
        check=False,
    )
    binary = prefix / "node_modules" / ".bin" / "ccusage"
    if done.returncode != 0 or not binary.exists():
        return None, f"npm install ccusage@{version} failed: {done.stderr.strip()[-200:]}"
    return [str(binary), "claude", "daily", "--json", "--offline", "-z", "UTC"], ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=200_000, help="lines to generate (default 200,000)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of both tools")
    parser.add_argument("--ccusage-version", default=CCUSAGE_VERSION)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the generated folder here")
    parser.add_argument("--grow", type=int, default=100, help="session files a day's work appends to")
    args = parser.parse_args()
    if not Path(TIME).exists():
        raise SystemExit(f"{TIME} is needed to time whole commands (Debian: apt-get install time)")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="llmfinops-cc-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        counts = make_projects(work, args.lines)
        files = counts["main"] + counts["subagent"] + counts["resumed"]
        print(
            f"{files:,} session files ({counts['main']:,} main, {counts['subagent']:,} subagent, "
            f"{counts['resumed']:,} resumed), {counts['lines']:,} lines, {counts['bytes'] / 1e6:,.0f} MB"
        )
        exe = shutil.which("llmfinops") or shutil.which("llmfinops", path=str(Path(sys.executable).parent))
        ours_cmd = [exe] if exe else [sys.executable, "-m", "llmfinops"]
        ccusage, why = install_ccusage(work, args.ccusage_version)
        scratch = work / "home"
        scratch.mkdir(exist_ok=True)
        cc_env = {
            **os.environ,
            "HOME": str(scratch),
            "XDG_CONFIG_HOME": str(scratch / "config"),
            "XDG_CACHE_HOME": str(scratch / "cache"),
            "XDG_DATA_HOME": str(scratch / "data"),
            "CLAUDE_CONFIG_DIR": str(work),
            "TZ": "UTC",
        }
        first: list[tuple[float, float, int]] = []
        again: list[tuple[float, float, int]] = []
        theirs: list[tuple[float, float, int]] = []
        daily: list[dict] = []
        for r in range(args.rounds):
            wh = work / f"wh{r}"
            shutil.rmtree(wh, ignore_errors=True)  # a first ingest, also in a kept --workdir
            ingest = [*ours_cmd, "ingest", str(work / "projects"), "-w", str(wh), "-q"]
            wall, cpu, rss, _ = timed(ingest, work)
            first.append((wall, cpu, rss))
            if ccusage:
                wall, cpu, rss, out = timed(ccusage, work, env=cc_env)
                theirs.append((wall, cpu, rss))
                daily = json.loads(out)["daily"]
            wall, cpu, rss, _ = timed(ingest, work)
            again.append((wall, cpu, rss))
        report(first, again, theirs, why, args.ccusage_version)
        if daily:
            compare(work / "wh0", daily)
        if args.grow:
            grown_rounds(work, args.grow, args.rounds, ours_cmd, ccusage, cc_env)
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


def grown_rounds(
    work: Path,
    files: int,
    rounds: int,
    ours_cmd: list[str],
    ccusage: list[str] | None,
    cc_env: dict[str, str],
) -> None:
    """A day's work appended to ``files`` session files; each round puts the first round's
    warehouse back as it was (at its own path: the analyst file names it) and ingests the grown
    folder into it, and runs ccusage over the grown folder."""
    before = work / "wh-before-growth"
    shutil.rmtree(before, ignore_errors=True)
    shutil.copytree(work / "wh0", before, symlinks=True)
    added = grow_projects(work, files)
    print(f"a day's work: {added:,} lines appended to {files} session files")
    ours: list[tuple[float, float, int]] = []
    theirs: list[tuple[float, float, int]] = []
    daily: list[dict] = []
    wh = work / "wh0"
    for _ in range(rounds):
        shutil.rmtree(wh, ignore_errors=True)
        shutil.copytree(before, wh, symlinks=True)
        wall, cpu, rss, _ = timed([*ours_cmd, "ingest", str(work / "projects"), "-w", str(wh), "-q"], work)
        ours.append((wall, cpu, rss))
        if ccusage:
            wall, cpu, rss, out = timed(ccusage, work, env=cc_env)
            theirs.append((wall, cpu, rss))
            daily = json.loads(out)["daily"]
    wall, cpu, rss = _median(ours)
    runs = ", ".join(f"{w:.2f}" for w, _, _ in ours)
    print(f"{'llmfinops ingest (grown)':30}{wall:8.2f} {cpu:7.2f} {rss:8,}   wall runs: {runs}")
    if theirs:
        cc_wall, cc_cpu, cc_rss = _median(theirs)
        runs = ", ".join(f"{w:.2f}" for w, _, _ in theirs)
        print(f"{'ccusage (grown folder)':30}{cc_wall:8.2f} {cc_cpu:7.2f} {cc_rss:8,}   wall runs: {runs}")
        print(
            f"ratio after a day's work (ours reads what was added, ccusage all): wall {wall / cc_wall:.2f}, "
            f"CPU {cpu / cc_cpu:.2f}"
        )
        compare(wh, daily)


def _median(runs: list[tuple[float, float, int]]) -> tuple[float, float, int]:
    return (
        statistics.median(w for w, _, _ in runs),
        statistics.median(c for _, c, _ in runs),
        max(m for _, _, m in runs),
    )


def report(
    first: list[tuple[float, float, int]],
    again: list[tuple[float, float, int]],
    theirs: list[tuple[float, float, int]],
    why: str,
    version: str,
) -> None:
    ours, ours_cpu, ours_rss = _median(first)
    noop, noop_cpu, noop_rss = _median(again)
    runs = ", ".join(f"{w:.2f}" for w, _, _ in first)
    print(f"{'':30}{'wall s':>8} {'CPU s':>7} {'peak MB':>8}")
    print(f"{'llmfinops ingest (first)':30}{ours:8.2f} {ours_cpu:7.2f} {ours_rss:8,}   wall runs: {runs}")
    print(f"{'llmfinops ingest (unchanged)':30}{noop:8.2f} {noop_cpu:7.2f} {noop_rss:8,}")
    if not theirs:
        print(f"ccusage: skipped: {why}")
        return
    cc, cc_cpu, cc_rss = _median(theirs)
    runs = ", ".join(f"{w:.2f}" for w, _, _ in theirs)
    print(
        f"{'ccusage@' + version + ' claude daily':30}{cc:8.2f} {cc_cpu:7.2f} {cc_rss:8,}   wall runs: {runs}"
    )
    print(
        f"ratio llmfinops / ccusage: wall {ours / cc:.2f}, CPU {ours_cpu / cc_cpu:.2f} (target <= 1, aim 0.5)"
    )


def compare(warehouse: Path, daily: list[dict]) -> None:
    from llmfinops.store import Warehouse, connect

    con = connect(Warehouse.at(warehouse))
    ours = con.execute(
        "SELECT CAST(day AS VARCHAR), sum(input_tokens - cached_input_tokens - cache_write_tokens), "
        "sum(cache_write_tokens), sum(cached_input_tokens), sum(output_tokens) FROM calls "
        "GROUP BY ALL ORDER BY 1"
    ).fetchall()
    cc = {
        d["date"]: (d["inputTokens"], d["cacheCreationTokens"], d["cacheReadTokens"], d["outputTokens"])
        for d in daily
    }
    equal = sum(1 for day, *counts in ours if cc.get(day) == tuple(counts))
    print(f"daily input/cache-write/cache-read/output totals equal on {equal} of {len(cc)} days")


if __name__ == "__main__":
    main()
