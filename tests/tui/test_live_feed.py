"""The live feed: first page, new mentions streaming in, keeping the reader's place, paging."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ecoute.engine.store import open_store
from ecoute.tui.app import EcouteApp
from ecoute.tui.filters import FeedFilters
from ecoute.tui.messages import EngineCommitted
from ecoute.tui.widgets.feed.new_marker import NewMarker
from tests.tui.helpers import (
    feed_of,
    make_store,
    mention,
    options,
    poll_live,
    screen_text,
    set_filters,
    settle,
    shown_ids,
    visible_ids,
)


def add(store: Path, *mentions: object) -> None:
    """Store mentions as another writer would (its own connection)."""
    with open_store(store) as writer:
        writer.upsert_mentions(list(mentions))  # type: ignore[arg-type]


def test_first_page_is_newest_first_with_a_header_and_a_count(tmp_path: Path) -> None:
    store = make_store(tmp_path / "s.db", [mention(i) for i in range(1, 41)])

    async def scenario() -> None:
        app = EcouteApp(options(store))
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            assert shown_ids(app)[:3] == ["reddit:1", "news:2", "bluesky:3"]
            text = screen_text(app)
            assert "TIME" in text and "PLATFORM" in text and "MENTION" in text
            assert "11:59:00" in text and "post 1 about acme cloud" in text
            assert "40 match" in text and "no filter" in text
            assert feed_of(app).cursor is None

    asyncio.run(scenario())


def test_new_mentions_stream_in_at_the_top_when_following(tmp_path: Path) -> None:
    store = make_store(tmp_path / "s.db", [mention(i) for i in range(1, 20)])

    async def scenario() -> None:
        app = EcouteApp(options(store))
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            add(store, mention(0, text="fresh acme news"))
            # The engine's commit notice triggers the poll (no timer in tests).
            app.feed_screen.post_message(EngineCommitted())
            await settle(pilot)
            assert shown_ids(app)[0] == "mastodon:0"
            assert visible_ids(app)[0] == "mastodon:0"
            assert not app.feed_screen.query_one(NewMarker).display
            assert "fresh acme news" in screen_text(app)
            assert "20 match" in screen_text(app)

    asyncio.run(scenario())


def test_a_reader_scrolled_down_keeps_their_place_and_sees_n_new(tmp_path: Path) -> None:
    store = make_store(tmp_path / "s.db", [mention(i) for i in range(3, 80)])

    async def scenario() -> None:
        app = EcouteApp(options(store))
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            feed = feed_of(app)
            feed.focus()
            await pilot.press("pagedown", "pagedown", "escape")  # scrolled, nothing selected
            await settle(pilot)
            before = visible_ids(app)
            assert feed.first_visible > 0 and feed.cursor is None
            add(store, mention(1), mention(2))
            poll_live(app)
            await settle(pilot)
            assert visible_ids(app)[: len(before) - 1] == before[: len(before) - 1]
            marker = app.feed_screen.query_one(NewMarker)
            assert marker.display and marker.count == 2
            assert "▲ 2 new mentions" in screen_text(app)
            await pilot.press("g")
            await settle(pilot)
            assert shown_ids(app)[:2] == ["reddit:1", "news:2"]
            assert visible_ids(app)[0] == "reddit:1"
            assert not marker.display

    asyncio.run(scenario())


def test_a_selected_row_stays_selected_and_in_place(tmp_path: Path) -> None:
    store = make_store(tmp_path / "s.db", [mention(i) for i in range(2, 30)])

    async def scenario() -> None:
        app = EcouteApp(options(store))
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            await pilot.press("j", "j")
            await settle(pilot)
            feed = feed_of(app)
            assert feed.selected is not None and feed.selected.id == "bluesky:3"
            line = feed.cursor - feed.first_visible  # type: ignore[operator]
            add(store, mention(1), mention(0))
            poll_live(app)
            await settle(pilot)
            assert feed.selected.id == "bluesky:3"
            assert feed.cursor - feed.first_visible == line  # type: ignore[operator]
            assert visible_ids(app)[0] == "news:2"  # the new ones wait above
            assert app.feed_screen.query_one(NewMarker).count == 2
            # Clicking the marker jumps to the top and follows again.
            await pilot.click(NewMarker)
            await settle(pilot)
            assert visible_ids(app)[:2] == ["mastodon:0", "reddit:1"]
            assert feed.cursor is None

    asyncio.run(scenario())


def test_pause_holds_new_mentions_until_resumed(tmp_path: Path) -> None:
    store = make_store(tmp_path / "s.db", [mention(i) for i in range(2, 10)])

    async def scenario() -> None:
        app = EcouteApp(options(store))
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            await pilot.press("space")
            add(store, mention(1))
            poll_live(app)
            await settle(pilot)
            assert "reddit:1" not in shown_ids(app)
            text = screen_text(app)
            assert "paused" in text and "1 new" in text
            await pilot.press("space")
            await settle(pilot)
            assert shown_ids(app)[0] == "reddit:1"
            assert " live " in screen_text(app)

    asyncio.run(scenario())


def test_paging_reads_older_rows_and_the_window_stays_bounded(tmp_path: Path) -> None:
    store = make_store(tmp_path / "s.db", [mention(i) for i in range(1, 601)])

    async def scenario() -> None:
        app = EcouteApp(options(store, window_rows=300))
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            feed = feed_of(app)
            assert len(feed.rows) == 100
            for _ in range(5):
                await pilot.press("end")
                await settle(pilot)
            assert feed.rows[-1].id == "mastodon:600" and feed.window.older_key is None
            assert len(feed.rows) == 300 and feed.window.has_newer
            # Back up: the dropped top is read again as the cursor nears it.
            await pilot.press(*["pageup"] * 45)
            await settle(pilot)
            assert feed.cursor == 0 and not feed.window.has_newer
            assert feed.rows[0].id == "reddit:1"
            numbers = [int(i.split(":")[1]) for i in shown_ids(app)]
            assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) <= 300

    asyncio.run(scenario())


@pytest.mark.slow
def test_the_feed_follows_a_store_written_by_another_process(tmp_path: Path) -> None:
    store = make_store(tmp_path / "s.db", [mention(i) for i in range(5, 10)])
    lines = tmp_path / "new.jsonl"
    payload = mention(1, text="imported by another process, acme").to_dict()
    lines.write_text(json.dumps(payload) + "\n")
    config = tmp_path / "config.toml"  # no sentiment model to load: a quick import
    config.write_text("[scorers.sentiment]\nenabled = false\n")

    async def scenario() -> None:
        app = EcouteApp(options(store))
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            command = [sys.executable, "-m", "ecoute", "--config", str(config)]
            result = subprocess.run(
                [*command, "--store", str(store), "import", str(lines)],
                capture_output=True,
                text=True,
            )
            assert result.returncode == 0, result.stderr
            poll_live(app)
            await settle(pilot)
            assert shown_ids(app)[0] == "reddit:1"
            assert "imported by another process" in screen_text(app)

    asyncio.run(scenario())


def test_live_rows_respect_the_filters(tmp_path: Path) -> None:
    store = make_store(tmp_path / "s.db", [mention(i) for i in range(4, 12)])

    async def scenario() -> None:
        app = EcouteApp(options(store))
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            set_filters(app, FeedFilters(platforms=("news",)))
            await settle(pilot)
            add(store, mention(1), mention(2))  # reddit:1, news:2
            poll_live(app)
            await settle(pilot)
            ids = shown_ids(app)
            assert ids[0] == "news:2" and "reddit:1" not in ids
            assert all(i.startswith("news:") for i in ids)

    asyncio.run(scenario())


def test_an_empty_feed_says_why_and_what_to_do(tmp_path: Path) -> None:
    store = make_store(tmp_path / "s.db", [])

    async def scenario() -> None:
        app = EcouteApp(options(store))
        async with app.run_test(size=(160, 30)) as pilot:
            await settle(pilot)
            assert "No mentions in the store yet: run `ecoute run`" in screen_text(app)
            add(store, mention(1))
            set_filters(app, FeedFilters(platforms=("news",)))
            await settle(pilot)
            assert "No mention matches these filters (x clears them)." in screen_text(app)

    asyncio.run(scenario())
