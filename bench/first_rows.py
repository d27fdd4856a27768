"""Benchmark: how soon `ecoute demo --headless` prints its first mention, and how soon
the first mentions carry sentiment, against `python -c pass` in the same run.

Each run starts from an empty demo workspace (a fresh temporary home), so the store
is created and the sentiment model loads from cold, as on a user's first try.

Usage: python bench/first_rows.py [--runs 5]
Goals (issue 10): first line <= 1.0 s after start; sentiment on the first mentions
<= 10 s after start.
"""

from __future__ import annotations

import argparse
import os
import selectors
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIMEOUT = 60.0


def ecoute_command() -> list[str]:
    script = Path(sys.executable).parent / "ecoute"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ecoute"]


def interpreter_start() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - start


def first_scored(store: Path) -> bool:
    """True once the earliest stored mention has its sentiment (read-only, never blocks)."""
    if not store.exists():
        return False
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=0.1) as connection:
            row = connection.execute(
                "SELECT sentiment FROM mentions ORDER BY seq LIMIT 1"
            ).fetchone()
    except sqlite3.Error:
        return False
    return row is not None and row[0] is not None


def one_run() -> tuple[float, float]:
    """Seconds from start to the first printed line, and to the first scored mention."""
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "XDG_DATA_HOME": f"{home}/data", "XDG_CONFIG_HOME": f"{home}/cfg"}
        env = {k: v for k, v in env.items() if not k.startswith("ECOUTE_")}
        store = Path(home, "data", "ecoute", "demo", "ecoute.db")
        start = time.perf_counter()
        process = subprocess.Popen(
            [*ecoute_command(), "demo", "--headless"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        assert process.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        first_line = scored = None
        try:
            while time.perf_counter() - start < TIMEOUT and (first_line is None or scored is None):
                readable = first_line is None and selector.select(timeout=0.01)
                if readable and process.stdout.readline():
                    first_line = time.perf_counter() - start
                if scored is None and first_scored(store):
                    scored = time.perf_counter() - start
                if first_line is not None and scored is None:
                    time.sleep(0.05)
        finally:
            process.terminate()
            process.wait(timeout=30)
        if first_line is None or scored is None:
            raise SystemExit(f"no first line or no sentiment within {TIMEOUT:.0f} s")
        return first_line, scored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    baseline, lines, scored = [], [], []
    for _ in range(args.runs):
        baseline.append(interpreter_start())
        line, sentiment = one_run()
        lines.append(line)
        scored.append(sentiment)
    base = statistics.median(baseline)
    line, sentiment = statistics.median(lines), statistics.median(scored)
    print(f"python -c pass                 median {base:6.3f} s")
    print(
        f"first line printed             median {line:6.3f} s  (max {max(lines):.3f}; "
        f"{line / base:.1f}x the interpreter's start)"
    )
    print(f"first mention with sentiment   median {sentiment:6.3f} s  (max {max(scored):.3f})")
    print(f"goal first line <= 1.0 s: {'met' if line <= 1.0 else 'NOT met'}")
    print(f"goal sentiment <= 10 s: {'met' if sentiment <= 10.0 else 'NOT met'}")


if __name__ == "__main__":
    main()
