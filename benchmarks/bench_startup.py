"""Start-up: `llmfinops --version`, `--help` and `ingest --help` next to importing duckdb + pyarrow.

    python benchmarks/bench_startup.py --repeat 10

Each command runs in a fresh process, interleaved with the baseline in the same run (the median
of --repeat runs is printed), so a busy machine slows both alike. The target: `--version` and
`--help` take at most 0.6x the baseline, since they need neither library.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

BASELINE = ("import duckdb, pyarrow", [sys.executable, "-c", "import duckdb, pyarrow"])


def commands() -> list[tuple[str, list[str]]]:
    exe = shutil.which("llmfinops")
    cli = [exe] if exe else [sys.executable, "-m", "llmfinops"]
    return [
        ("llmfinops --version", [*cli, "--version"]),
        ("llmfinops --help", [*cli, "--help"]),
        ("llmfinops ingest --help", [*cli, "ingest", "--help"]),
    ]


def once(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    cases = [BASELINE, *commands()]
    for _, cmd in cases:  # warm the file cache once
        once(cmd)
    times: dict[str, list[float]] = {name: [] for name, _ in cases}
    for _ in range(args.repeat):
        for name, cmd in cases:
            times[name].append(once(cmd))
    base = statistics.median(times[BASELINE[0]])
    print(f"{'command':<28} {'median s':>9} {'min s':>7}  vs baseline")
    for name, _ in cases:
        med = statistics.median(times[name])
        print(f"{name:<28} {med:9.3f} {min(times[name]):7.3f}  {med / base:5.2f}x")


if __name__ == "__main__":
    main()
