"""Benchmark: wall time of `ecoute --help` against `python -c pass`, in the same run.

Usage: python bench/startup.py [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def timed(command: list[str], runs: int) -> list[float]:
    """Wall seconds of each of ``runs`` executions (after one warm-up)."""
    subprocess.run(command, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    baseline = timed([sys.executable, "-c", "pass"], args.runs)
    script = Path(sys.executable).parent / "ecoute"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "ecoute"]
    help_times = timed([*command, "--help"], args.runs)
    base, ecoute = statistics.median(baseline), statistics.median(help_times)
    print(f"python -c pass   median {base * 1000:7.1f} ms")
    print(
        f"ecoute --help    median {ecoute * 1000:7.1f} ms  "
        f"(+{(ecoute - base) * 1000:.1f} ms over the interpreter, ratio {ecoute / base:.2f})"
    )
    print(f"goal: ecoute --help under 300 ms wall: {'met' if ecoute < 0.3 else 'NOT met'}")


if __name__ == "__main__":
    main()
