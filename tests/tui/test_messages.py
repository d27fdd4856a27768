"""What the parts of the TUI tell each other: the messages a change sends, bursts collapsing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.message import Message

from ecoute.engine.store import open_store
from ecoute.tui.app import EcouteApp
from ecoute.tui.filters import FeedFilters
from ecoute.tui.messages import (
    EngineCommitted,
    FeedCounted,
    FeedShown,
    FiltersChanged,
    LivePaused,
    LiveRows,
    PageLoaded,
)
from ecoute.tui.widgets.status_bar import StatusBar
from tests.tui.helpers import make_store, mention, options, settle, shown_ids


class Recorder:
    """Every message the app's pumps dispatch, each once, in order."""

    def __init__(self) -> None:
        self.seen: list[Message] = []
        self._ids: set[int] = set()

    def __call__(self, message: Message) -> None:
        # A bubbling message is dispatched at each level; ``seen`` keeps ids unique.
        if id(message) not in self._ids:
            self._ids.add(id(message))
            self.seen.append(message)

    def forget(self) -> None:
        """Start recording afresh."""
        self.seen.clear()
        self._ids.clear()

    def of(self, *kinds: type[Message]) -> list[Message]:
        return [m for m in self.seen if isinstance(m, kinds)]


def test_a_filter_change_is_one_message_from_the_bar_then_the_new_page(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.db", [mention(i) for i in range(1, 9)])
    recorder = Recorder()

    async def scenario() -> None:
        app = EcouteApp(options(path))
        async with app.run_test(size=(120, 30), message_hook=recorder) as pilot:
            await settle(pilot)
            recorder.forget()
            app.feed_screen.filter_bar.filters = FeedFilters(platforms=("news", "news"))
            await settle(pilot)
            kinds = [type(m) for m in recorder.of(FiltersChanged, PageLoaded, FeedShown)]
            assert kinds == [FiltersChanged, PageLoaded, FeedShown]
            (changed,) = recorder.of(FiltersChanged)
            assert isinstance(changed, FiltersChanged)
            assert changed.filters.platforms == ("news",)  # normalised by its owner
            counted = recorder.of(FeedCounted)
            assert counted and counted[-1] == FeedCounted(2, 2)
            assert set(shown_ids(app)) == {"news:2", "news:6"}

    asyncio.run(scenario())


def test_a_burst_of_engine_commits_collapses_into_one_poll(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.db", [mention(i) for i in range(2, 6)])
    recorder = Recorder()

    async def scenario() -> None:
        app = EcouteApp(options(path))
        async with app.run_test(size=(120, 30), message_hook=recorder) as pilot:
            await settle(pilot)
            with open_store(path) as writer:
                writer.upsert_mentions([mention(1)])
            for _ in range(25):  # as the engine's thread posts them, faster than handled
                app.feed_screen.post_message(EngineCommitted())
            await settle(pilot)
            assert len(recorder.of(EngineCommitted)) == 1
            (rows,) = recorder.of(LiveRows)
            assert isinstance(rows, LiveRows) and [r.id for r in rows.rows] == ["reddit:1"]
            assert shown_ids(app)[0] == "reddit:1"

    asyncio.run(scenario())


def test_pausing_is_told_to_the_status_bar_by_message(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.db", [mention(1)])
    recorder = Recorder()

    async def scenario() -> None:
        app = EcouteApp(options(path))
        async with app.run_test(size=(120, 30), message_hook=recorder) as pilot:
            await settle(pilot)
            await pilot.press("space")
            await settle(pilot)
            assert recorder.of(LivePaused) == [LivePaused(True)]
            status = app.feed_screen.query_one(StatusBar)
            assert status.paused and status.compose_text().plain.startswith(" paused ")
            await pilot.press("space")
            await settle(pilot)
            assert recorder.of(LivePaused) == [LivePaused(True), LivePaused(False)]
            assert not status.paused

    asyncio.run(scenario())
