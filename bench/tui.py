"""TUI benchmark on a store of a million mentions: first paint, filter changes, live rows.

Usage: python bench/tui.py [--store PATH] [--n 1000000] [--rounds 3] [--size 160x45]

The store is generated once (bench/tui_store.py, a few minutes) and reused.

(1) first paint, in fresh processes (interpreter start and every import included):
    the time until Textual displays its first frame, and until the first page of
    mentions is on screen; baseline: a one-widget Textual app's first frame.
(2) filter changes, in one running app: the time from setting the filters to the
    new first page being painted, for a mix of filters; baseline: ``Store.page``
    alone for the same filter and page size (the query the TUI cannot avoid).
(3) live rows: the time from a commit by another connection to the row being
    painted, with the TUI's default 0.5 s polling (no in-process engine).
Never run as a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

FIRST_PAINT_GOAL = 1.5
FILTER_GOAL = 0.150


# -- (1) first paint, in a child process ----------------------------------------------------

CHILD_ECOUTE = """
import asyncio, json, sys, time
started = float(sys.argv[1])
from ecoute.cli.tui_cmd import launch  # the CLI's own import path
from ecoute.tui.app import EcouteApp
from ecoute.tui.messages import FeedShown
from ecoute.tui.options import TuiOptions
from ecoute.tui.run import prepare_store
from textual import events

marks = {}
async def main():
    options = TuiOptions(store_path=__import__("pathlib").Path(sys.argv[2]))
    prepare_store(options)
    app = EcouteApp(options)
    done = asyncio.Event()
    def hook(message):
        if isinstance(message, events.Ready) and "frame" not in marks:
            marks["frame"] = time.time() - started
        if isinstance(message, FeedShown) and "rows" not in marks:
            def painted():
                marks["rows"] = time.time() - started
                marks["shown"] = message.rows
                done.set()
            app.call_after_refresh(painted)
    async with app.run_test(size=(160, 45), message_hook=hook) as pilot:
        await asyncio.wait_for(done.wait(), 60)
asyncio.run(main())
print(json.dumps(marks))
"""

CHILD_BASELINE = """
import asyncio, json, sys, time
started = float(sys.argv[1])
from textual.app import App
from textual.widgets import Static
from textual import events

class Hello(App):
    def compose(self):
        yield Static("hello")

marks = {}
async def main():
    app = Hello()
    def hook(message):
        if isinstance(message, events.Ready) and "frame" not in marks:
            marks["frame"] = time.time() - started
    async with app.run_test(size=(160, 45), message_hook=hook) as pilot:
        await pilot.pause()
asyncio.run(main())
print(json.dumps(marks))
"""


def first_paint(store: Path, runs: int) -> tuple[list[dict[str, float]], list[float]]:
    """First-paint marks of ``runs`` ecoute processes, and baseline first frames."""
    ecoute, baseline = [], []
    for _ in range(runs):
        for code, sink in ((CHILD_ECOUTE, ecoute), (CHILD_BASELINE, baseline)):
            started = time.time()
            out = subprocess.run(
                [sys.executable, "-c", code, repr(started), str(store)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            marks = json.loads(out.strip().splitlines()[-1])
            sink.append(marks if code is CHILD_ECOUTE else marks["frame"])  # type: ignore[arg-type]
    return ecoute, baseline  # type: ignore[return-value]


# -- (2) and (3), in this process --------------------------------------------------------------


def filter_mix(now: datetime) -> list[tuple[str, Any]]:
    """Representative filter changes (label, FeedFilters), each applied from "all"."""
    from ecoute.tui.filters import FeedFilters

    f = FeedFilters()
    return [
        ("last hour", replace(f, range="1h")),
        ("last 24 h", replace(f, range="24h")),
        ("last 7 days", replace(f, range="7d")),
        ("last 30 days, collected", replace(f, range="30d", time_field="collected_at")),
        ("platform reddit", replace(f, platforms=("reddit",))),
        ("platforms reddit+news", replace(f, platforms=("news", "reddit"))),
        ("platform youtube (rare)", replace(f, platforms=("youtube",))),
        ("topic Acme Cloud", replace(f, topics=("Acme Cloud",))),
        ("topic Cumulus Vault (rare)", replace(f, topics=("Cumulus Vault",))),
        ("sentiment negative", replace(f, sentiments=("negative",))),
        ("language ja (rare)", replace(f, langs=("ja",))),
        ("status needs-reply", replace(f, statuses=("needs-reply",))),
        ("status new", replace(f, statuses=("new",))),
        ("search 'refund'", replace(f, text="refund")),
        ("search 'sync error'", replace(f, text="sync error")),
        (
            "7d + fr + negative + 2 platforms",
            replace(
                f,
                range="7d",
                langs=("fr",),
                sentiments=("negative",),
                platforms=("mastodon", "reddit"),
            ),
        ),
        (
            "30d + de + positive + handled",
            replace(f, range="30d", langs=("de",), sentiments=("positive",), statuses=("handled",)),
        ),
        ("clear all", FeedFilters()),
    ]


async def filter_changes(store: Path, now: datetime, rounds: int, size: tuple[int, int]) -> Any:
    """Per filter: TUI latencies (set -> painted) and Store.page latencies."""
    from ecoute.engine.store import open_store
    from ecoute.tui.app import EcouteApp
    from ecoute.tui.messages import FeedShown
    from ecoute.tui.options import TuiOptions
    from ecoute.tui.reader import FIRST_PAGE_ROWS

    shown: asyncio.Queue[int] = asyncio.Queue()
    options = TuiOptions(
        store_path=store,
        clock=lambda: now,
        live_interval=None,
        stats_interval=None,
        choices_interval=None,
    )
    app = EcouteApp(options)

    def hook(message: Any) -> None:
        if isinstance(message, FeedShown):
            app.call_after_refresh(shown.put_nowait, message.generation)

    mix = filter_mix(now)
    tui: dict[str, list[float]] = {label: [] for label, _ in mix}
    raw: dict[str, list[float]] = {label: [] for label, _ in mix}
    async with app.run_test(size=size, message_hook=hook):
        await asyncio.wait_for(shown.get(), 60)
        bar, pane = app.feed_screen.filter_bar, app.feed_screen.feed_pane
        for _ in range(rounds):
            for label, filters in mix:
                started = time.perf_counter()
                bar.filters = filters  # the filters' one owner; the feed pane reads the page
                while await asyncio.wait_for(shown.get(), 60) != pane.generation:
                    pass
                tui[label].append(time.perf_counter() - started)
    with open_store(store, readonly=True) as reader:
        for _ in range(rounds):
            for label, filters in mix:
                started = time.perf_counter()
                reader.page(filters.mention_filter(now), limit=FIRST_PAGE_ROWS)
                raw[label].append(time.perf_counter() - started)
    return tui, raw


async def live_latency(store: Path, now: datetime, samples: int) -> list[float]:
    """Seconds from another connection's commit to the row painted (0.5 s polling)."""
    from ecoute.engine.records import Mention
    from ecoute.engine.store import open_store
    from ecoute.tui.app import EcouteApp
    from ecoute.tui.messages import LiveRows
    from ecoute.tui.options import TuiOptions

    arrived: asyncio.Queue[float] = asyncio.Queue()
    app = EcouteApp(TuiOptions(store_path=store, clock=lambda: now, stats_interval=None))

    def hook(message: Any) -> None:
        if isinstance(message, LiveRows) and message.rows:
            app.call_after_refresh(lambda: arrived.put_nowait(time.perf_counter()))

    latencies = []
    ids = [f"bench:live-{time.time_ns()}-{i}" for i in range(samples)]
    async with app.run_test(size=(160, 45), message_hook=hook) as pilot:
        await pilot.pause()
        with open_store(store) as writer:
            for i, mention_id in enumerate(ids):
                moment = now + timedelta(seconds=i)
                mention = Mention(
                    id=mention_id,
                    platform="bench",
                    text=f"live row {i}",
                    created_at=moment,
                    collected_at=moment,
                )
                started = time.perf_counter()
                await asyncio.get_running_loop().run_in_executor(
                    None, writer.upsert_mentions, [mention]
                )
                latencies.append(await asyncio.wait_for(arrived.get(), 10) - started)
                await asyncio.sleep(0.13)  # land at varied points of the polling period
            writer.delete_mentions(ids)  # leave the store as it was
    return latencies


# -- report -----------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ms(value: float) -> str:
    """Seconds as right-aligned milliseconds."""
    return f"{value * 1000:7.1f} ms"


def verdict(ok: bool) -> str:
    """``met`` or ``NOT met``."""
    return "met" if ok else "NOT met"


def main() -> None:
    """Generate the store if needed, then run (1), (2) and (3) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, default=Path("/tmp/ecoute-bench-tui-1m.db"))
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--paint-runs", type=int, default=5)
    parser.add_argument("--live-samples", type=int, default=20)
    parser.add_argument("--size", default="160x45")
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))

    from tui_store import build_store

    from ecoute.engine.store import open_store

    if not args.store.exists():
        print(f"generating {args.n:,} mentions into {args.store} (once) ...", file=sys.stderr)
        build_store(args.store, args.n)
    open_store(args.store).close()  # upgrade the schema once, outside the timings
    with open_store(args.store, readonly=True) as reader:
        total = reader.count()
        newest = reader.page(limit=1).rows[0].mention.created_at
    now = newest + timedelta(minutes=1)
    print(f"store: {args.store} ({total:,} mentions)")

    paints, baseline = first_paint(args.store, args.paint_runs)
    frame = statistics.median(m["frame"] for m in paints)
    rows = statistics.median(m["rows"] for m in paints)
    base = statistics.median(baseline)
    worst = max(m["rows"] for m in paints)
    print(f"\n(1) first paint (median of {args.paint_runs} fresh processes)")
    print(f"  baseline: one-widget Textual app, first frame  {ms(base)}")
    print(f"  ecoute: first frame                            {ms(frame)}  ratio {frame / base:.2f}")
    print(f"  ecoute: first page of mentions painted         {ms(rows)}  ratio {rows / base:.2f}")
    print(
        f"  goal: rows within {FIRST_PAINT_GOAL} s: {verdict(worst < FIRST_PAINT_GOAL)}"
        f" (worst run {worst:.2f} s)"
    )

    tui, raw = asyncio.run(filter_changes(args.store, now, args.rounds, (width, height)))
    print(f"\n(2) filter change to first page painted ({args.rounds} rounds, {width}x{height})")
    print(f"  {'filter':34} {'TUI median':>11} {'TUI max':>10} {'Store.page':>11}  ratio")
    every = []
    for label in tui:
        every.extend(tui[label])
        t, r = statistics.median(tui[label]), statistics.median(raw[label])
        print(f"  {label:34} {ms(t)} {ms(max(tui[label]))} {ms(r)}  {t / r:5.1f}")
    everything = p95(every)
    base_p95 = p95([v for values in raw.values() for v in values])
    print(
        f"  all changes: median {ms(statistics.median(every))}, p95 {ms(everything)}"
        f" (Store.page p95 {ms(base_p95)})"
    )
    print(f"  goal: p95 under {FILTER_GOAL * 1000:.0f} ms: {verdict(everything < FILTER_GOAL)}")

    live = asyncio.run(live_latency(args.store, now + timedelta(hours=1), args.live_samples))
    print(f"\n(3) commit to row painted, 0.5 s polling ({len(live)} rows)")
    print(
        f"  median {ms(statistics.median(live))}, max {ms(max(live))}"
        f"  (goal: under 1 s: {verdict(max(live) < 1.0)})"
    )


if __name__ == "__main__":
    main()
