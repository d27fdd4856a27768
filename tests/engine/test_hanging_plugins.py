"""Plugins that hang: each call has a deadline, the stuck one is named, the rest goes on."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pytest

from ecoute.engine import Annotations, FetchResult, Mention, Scorer, Sink, Source, hookimpl
from ecoute.engine.config import load_config
from ecoute.engine.plugins import create_plugin_manager
from ecoute.engine.runtime import Engine
from ecoute.engine.store import open_store
from tests.engine.helpers import run_once, stored_ids
from tests.engine.plugin_dist import make_distribution

RELEASE = threading.Event()


class FrozenSource(Source):
    """Blocks the thread it runs on (a synchronous call inside ``async fetch``)."""

    type = "frozen"

    async def fetch(self, cursor: str | None) -> FetchResult:
        RELEASE.wait(timeout=30)
        return FetchResult()


class FrozenScorer(Scorer):
    name = "frozen"
    order = 40

    def score(self, batch: Sequence[Mention]) -> list[Annotations | None]:
        RELEASE.wait(timeout=30)
        return [Annotations(flags=["late"]) for _ in batch]


class FlaggingScorer(Scorer):
    name = "flagging"
    order = 45

    def score(self, batch: Sequence[Mention]) -> list[Annotations | None]:
        return [Annotations(flags=["seen"]) for _ in batch]


class FrozenSink(Sink):
    type = "frozen"
    writes: ClassVar[int] = 0

    def write(self, batch: Sequence[Mention]) -> None:
        type(self).writes += 1
        RELEASE.wait(timeout=30)


class Plugin:
    @hookimpl
    def register_sources(self, register):  # type: ignore[no-untyped-def]
        register(FrozenSource)

    @hookimpl
    def register_scorers(self, register):  # type: ignore[no-untyped-def]
        register(FrozenScorer)
        register(FlaggingScorer)

    @hookimpl
    def register_sinks(self, register):  # type: ignore[no-untyped-def]
        register(FrozenSink)


def config(tmp_path: Path, extra: str, *, frozen_scorer: str | None = "enabled = false") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        'disabled_plugins = ["scorers.sentiment", "scorers.language", "scorers.topics"]\n'
        '[engine]\nstore = "store.db"\nbatch_size = 10\nbatch_wait = 0.05\n\n'
        '[[sources]]\ntype = "demo"\nname = "demo"\ninterval = 0.05\nrate = 200.0\nseed = 5\n'
        "limit = 30\n\n"
        + extra
        + (f"\n[scorers.frozen]\n{frozen_scorer}\n" if frozen_scorer else ""),
        encoding="utf-8",
    )
    return path


def health(store: Path) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(store) as connection:
        return {
            row[0]: (row[1], row[2])
            for row in connection.execute("SELECT component, state, reason FROM health")
        }


@pytest.fixture(autouse=True)
def blocked() -> None:
    RELEASE.clear()
    FrozenSink.writes = 0
    yield
    RELEASE.set()  # let any stuck daemon thread end


def test_a_source_blocking_its_thread_is_reported_stuck_and_the_others_go_on(
    tmp_path: Path,
) -> None:
    path = config(tmp_path, '[[sources]]\ntype = "frozen"\nname = "ice"\ndeadline = 0.3\n')
    loaded = load_config(path, must_exist=True)
    plugins = create_plugin_manager(
        load_entry_points=False, extra={"frozen": Plugin()}, disabled=loaded.disabled_plugins
    )
    engine = Engine(loaded, plugins, handle_signals=False)
    seen: dict[str, str] = {}

    async def run() -> None:
        task = asyncio.create_task(engine.run())
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            state = engine.health.get("source:ice")
            if state is not None and state.state == "stuck":
                seen["reason"] = state.reason
                seen["stored"] = str(engine.report.stored)
                break
        engine.stop()
        RELEASE.set()
        await asyncio.wait_for(task, 20)

    asyncio.run(run())
    assert "fetch has not returned after 0.3 s" in seen["reason"]
    assert len(stored_ids(tmp_path / "store.db")) == 30, "the demo source kept going"


def test_a_scorer_that_hangs_is_skipped_past_its_deadline(tmp_path: Path) -> None:
    path = config(tmp_path, "", frozen_scorer="deadline = 0.3")
    report = run_once(path, extra_plugins={"frozen": Plugin()})
    RELEASE.set()
    assert report.stored == len(stored_ids(tmp_path / "store.db")) > 0
    with sqlite3.connect(tmp_path / "store.db") as connection:
        flags = {row[0] for row in connection.execute("SELECT flags FROM mentions")}
    assert flags == {'["seen"]'}, "the next scorer still ran; the stuck one added nothing"
    state, reason = health(tmp_path / "store.db")["scorer:frozen"]
    assert state == "stuck" and "score has not returned after 0.3 s" in reason


def test_a_sink_that_hangs_never_holds_back_the_store_or_the_end_of_the_run(
    tmp_path: Path,
) -> None:
    path = config(tmp_path, '[[sinks]]\ntype = "frozen"\nname = "ice"\ndeadline = 0.3\n')
    started = time.monotonic()
    report = run_once(path, extra_plugins={"frozen": Plugin()})
    elapsed = time.monotonic() - started
    RELEASE.set()
    assert report.stored == len(stored_ids(tmp_path / "store.db")) > 0
    assert FrozenSink.writes == 1, "batches after the stuck write were dropped, not queued"
    state, reason = health(tmp_path / "store.db")["sink:ice"]
    assert state == "stuck" and "write has not returned after 0.3 s" in reason
    assert elapsed < 15


HANGING_SHUTDOWN = '''
"""A plugin whose shutdown hook never returns."""
import time
from ecoute.engine import hookimpl


@hookimpl
def shutdown(engine):
    time.sleep(120)
'''


@pytest.mark.slow
def test_sigterm_ends_the_run_in_bounded_time_and_says_what_was_stuck(tmp_path: Path) -> None:
    site = make_distribution(
        tmp_path / "site",
        "ecoute-hang",
        "1.0",
        {"hang": "ecoute_hang"},
        {"ecoute_hang": HANGING_SHUTDOWN},
    )
    path = config(tmp_path, "", frozen_scorer=None)
    env = {**os.environ, "PYTHONPATH": str(site)}
    process = subprocess.Popen(
        [sys.executable, "-m", "ecoute", "--config", str(path), "run"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(_ids(tmp_path / "store.db")) < 30:
        time.sleep(0.1)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    elapsed = time.monotonic() - started
    assert process.returncode == 128 + signal.SIGTERM
    assert "could not stop cleanly within 10 s" in stderr
    assert 9 < elapsed < 15
    assert len(_ids(tmp_path / "store.db")) == 30, "what was committed stays"


def _ids(store: Path) -> list[str]:
    try:
        return stored_ids(store)
    except sqlite3.Error:
        return []


def test_a_retry_request_ends_a_sources_wait_at_once(tmp_path: Path) -> None:
    path = config(tmp_path, "", frozen_scorer=None)
    text = (
        path.read_text()
        .replace("interval = 0.05", "interval = 600")
        .replace("limit = 30", "limit = 1000")
    )
    path.write_text(text.replace("rate = 200.0", "rate = 1000.0"), encoding="utf-8")
    loaded = load_config(path, must_exist=True)
    plugins = create_plugin_manager(load_entry_points=False, disabled=loaded.disabled_plugins)
    engine = Engine(loaded, plugins, handle_signals=False)
    fetched: list[int] = []

    async def run() -> None:
        task = asyncio.create_task(engine.run())
        while engine.health.get("source:demo") is None or not engine.health["source:demo"].items:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        fetched.append(engine.health["source:demo"].items)
        with open_store(tmp_path / "store.db") as other_process:
            other_process.request_retry("source:demo")
        for _ in range(100):  # the engine reads requests every 2 s
            await asyncio.sleep(0.1)
            if engine.health["source:demo"].items > fetched[0]:
                break
        fetched.append(engine.health["source:demo"].items)
        engine.stop()
        await asyncio.wait_for(task, 20)

    asyncio.run(run())
    assert fetched[1] > fetched[0], "the 600 s interval was cut short by the request"


class RaisingSink(Sink):
    type = "raising"

    def write(self, batch: Sequence[Mention]) -> None:
        raise ConnectionError("webhook down")


class RaisingPlugin:
    @hookimpl
    def register_sinks(self, register):  # type: ignore[no-untyped-def]
        register(RaisingSink)


def test_a_stop_does_not_wait_out_a_failing_sinks_backoff(tmp_path: Path) -> None:
    path = config(tmp_path, '[[sinks]]\ntype = "raising"\nname = "hook"\n', frozen_scorer=None)
    loaded = load_config(path, must_exist=True)
    plugins = create_plugin_manager(
        load_entry_points=False,
        extra={"raising": RaisingPlugin()},
        disabled=loaded.disabled_plugins,
    )
    engine = Engine(loaded, plugins, handle_signals=False)
    timing: dict[str, float] = {}

    async def run() -> None:
        task = asyncio.create_task(engine.run())
        while engine.health.get("sink:hook") is None or not engine.health["sink:hook"].errors:
            await asyncio.sleep(0.05)
        timing["stop"] = time.monotonic()
        engine.stop()
        await asyncio.wait_for(task, 30)
        timing["end"] = time.monotonic()

    asyncio.run(run())
    # Five attempts with backoff took 31 s before; a stop now ends the retries at once.
    assert timing["end"] - timing["stop"] < 5
    assert engine.report.stored == len(stored_ids(tmp_path / "store.db")) > 0
