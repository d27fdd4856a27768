"""The engine in the same process: its commits stream in, and q stops it like SIGTERM."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from textual.message import Message

from ecoute.engine.config import load_config
from ecoute.engine.plugins import create_plugin_manager
from ecoute.engine.records import utcnow
from ecoute.engine.runtime import Engine
from ecoute.tui.app import EcouteApp
from ecoute.tui.messages import EngineChanged, EngineStopped, LiveRows
from tests.engine.helpers import demo_config
from tests.tui.helpers import feed_of, options, settle


def engine_for(tmp_path: Path, **demo: object) -> Engine:
    config = load_config(demo_config(tmp_path, **demo), must_exist=True)
    plugins = create_plugin_manager(load_entry_points=False, disabled=config.disabled_plugins)
    return Engine(config, plugins, handle_signals=False)


def test_engine_commits_show_up_and_q_drains_it_cleanly(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, rate=200.0)
    store = engine.config.engine.store
    streamed = asyncio.Event()
    stopped = asyncio.Event()
    engine_states: list[str] = []

    def hook(message: Message) -> None:
        if isinstance(message, LiveRows) and message.rows:
            streamed.set()
        if isinstance(message, EngineStopped):
            stopped.set()
        if isinstance(message, EngineChanged):
            engine_states.append(message.state)

    async def scenario() -> None:
        from ecoute.tui.run import prepare_store

        app_options = options(store, engine=engine, clock=utcnow)
        prepare_store(app_options)
        app = EcouteApp(app_options)
        async with app.run_test(size=(120, 30), message_hook=hook) as pilot:
            await asyncio.wait_for(streamed.wait(), 60)
            await settle(pilot)
            assert feed_of(app).rows
            assert all(row.platform for row in feed_of(app).rows)
            host = app.engine_host
            assert host is not None and host.running
            await pilot.press("q")
            await asyncio.wait_for(stopped.wait(), 60)
            await pilot.pause()
            assert host.finished and host.report is not None
            assert host.report.stored > 0
            # The app told the screen, which showed "stopping" while the engine drained.
            assert engine_states[:2] == ["running", "stopping"]
        with sqlite3.connect(store) as conn:
            states = dict(conn.execute("SELECT component, state FROM health"))
            stored = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
            cursors = conn.execute("SELECT count(*) FROM cursors").fetchone()[0]
        assert states["source:demo"] == "stopped"
        assert stored == host.report.stored and cursors == 1

    asyncio.run(scenario())


def test_a_second_q_leaves_at_once_and_the_engine_still_stops(tmp_path: Path) -> None:
    engine = engine_for(tmp_path, rate=50.0)
    store = engine.config.engine.store
    streamed = asyncio.Event()

    def hook(message: Message) -> None:
        if isinstance(message, LiveRows) and message.rows:
            streamed.set()

    async def scenario() -> EcouteApp:
        from ecoute.tui.run import prepare_store

        app_options = options(store, engine=engine, clock=utcnow)
        prepare_store(app_options)
        app = EcouteApp(app_options)
        async with app.run_test(size=(120, 30), message_hook=hook) as pilot:
            await asyncio.wait_for(streamed.wait(), 60)
            await pilot.press("q", "q")
            await pilot.pause()
        return app

    app = asyncio.run(scenario())
    host = app.engine_host
    assert host is not None
    assert host.wait(60), "the engine did not stop after the UI closed"
    assert host.report is not None and host.report.stored > 0


FIRST_PAINT_PROBE = """
import asyncio, json, sys
from pathlib import Path
from textual import events
from ecoute.engine.config import load_config
from ecoute.engine.plugins import create_plugin_manager
from ecoute.engine.runtime import Engine
from ecoute.tui.app import EcouteApp
from ecoute.tui.options import TuiOptions
from ecoute.tui.run import prepare_store

config = load_config(Path(sys.argv[1]), must_exist=True)
engine = Engine(config, create_plugin_manager(load_entry_points=False), handle_signals=False)
seen = {}

async def main():
    options = TuiOptions(store_path=config.engine.store, engine=engine)
    prepare_store(options)
    app = EcouteApp(options)

    def hook(message):
        if isinstance(message, events.Ready):
            seen["heavy"] = sorted(m for m in ("flair", "torch") if m in sys.modules)
            seen["engine_running"] = app.engine_host.running

    async with app.run_test(message_hook=hook) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+c")
        await pilot.pause()
    seen["stopped"] = app.engine_host.wait(120)

asyncio.run(main())
print(json.dumps(seen))
"""


@pytest.mark.slow
def test_nothing_heavy_loads_before_the_first_frame(tmp_path: Path) -> None:
    """The sentiment scorer is on (the default), the engine in-process: at the first
    frame neither Flair nor torch is imported and the engine has not started yet."""
    config = demo_config(tmp_path, rate=0.01)
    result = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT_PROBE, str(config)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen == {"heavy": [], "engine_running": False, "stopped": True}
