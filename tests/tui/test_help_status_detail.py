"""The help screen, the command palette, the status bar and the detail pane."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from textual.command import CommandPalette

from ecoute.engine.health import Health
from ecoute.engine.records import TopicMatch
from ecoute.engine.store import open_store
from ecoute.tui.app import EcouteApp
from ecoute.tui.commands import FeedCommands
from ecoute.tui.keymap import KEYS
from ecoute.tui.screens.help import HelpScreen
from ecoute.tui.screens.log import LogScreen
from ecoute.tui.widgets.status_bar import StatusBar
from tests.tui.helpers import (
    NOW,
    detail_text,
    feed_of,
    make_store,
    mention,
    options,
    read_stats,
    screen_text,
    settle,
)


def test_question_mark_shows_every_key(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.db", [mention(1)])

    async def scenario() -> None:
        app = EcouteApp(options(path))
        async with app.run_test(size=(120, 80)) as pilot:
            await settle(pilot)
            await pilot.press("question_mark")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            text = screen_text(app)
            for key in KEYS:
                assert key.description in text, key.description
            assert "double click" in text
            await pilot.press("escape")
            assert not isinstance(app.screen, HelpScreen)

    asyncio.run(scenario())


def test_the_palette_lists_the_actions_and_runs_them(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.db", [mention(1), mention(2)])

    async def scenario() -> None:
        app = EcouteApp(options(path))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            titles = {c.title for c in FeedCommands(app.feed_screen).commands()}
            for key in KEYS:
                if key.palette:
                    assert key.description in titles, key.description
            await pilot.press("j", "ctrl+p")
            await settle(pilot)
            assert isinstance(app.screen, CommandPalette)
            await pilot.press(*"mark handled")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            with open_store(path, readonly=True) as other:
                found = other.get("reddit:1")
            assert found is not None and found.status == "handled"

    asyncio.run(scenario())


def test_status_bar_shows_health_rate_filters_and_the_sentiment_model(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.db", [mention(i) for i in range(0, 5)])
    with open_store(path) as store:
        store.save_health(
            [
                Health("source:mastodon", "source", "ok", items=12, updated_at=NOW),
                Health(
                    "source:reddit",
                    "source",
                    "backing_off",
                    reason="HTTP 503",
                    next_attempt=NOW + timedelta(seconds=30),
                    updated_at=NOW,
                ),
                Health("source:rss", "source", "error", reason="feed gone\nmore", updated_at=NOW),
                Health(
                    "scorer:sentiment",
                    "scorer",
                    "starting",
                    detail="loading model",
                    pending=3,
                    updated_at=NOW,
                ),
            ]
        )

    async def scenario() -> None:
        app = EcouteApp(options(path))
        async with app.run_test(size=(200, 30)) as pilot:
            await settle(pilot)
            status = app.feed_screen.query_one(StatusBar).compose_text().plain
            assert "● mastodon" in status
            assert "◐ reddit (backing off until 12:00:30)" in status
            assert "✗ rss (feed gone)" in status
            assert "│ sentiment loading model · 3 pending" in status
            # Collected 30 s after publication: mentions 0 and 1 in the last minute.
            assert "2/min" in status
            assert "5 match" in status and "no filter" in status
            with open_store(path) as store:
                store.save_health(
                    [Health("scorer:sentiment", "scorer", "ok", detail="ready", updated_at=NOW)]
                )
            read_stats(app)
            await settle(pilot)
            assert "│ sentiment ready" in screen_text(app)
            assert "pending" not in screen_text(app)
            await pilot.press("space")
            assert " paused " in screen_text(app)

    asyncio.run(scenario())


def test_detail_pane_explains_the_matches(tmp_path: Path) -> None:
    text = "Anyone else seeing akme clowd sync errors? #AcmeCloud"
    matches = [
        TopicMatch("Acme Cloud", "acme", "akme", 19, 23, distance=1, kind="fuzzy"),
        TopicMatch("Acme Cloud", "cloud", "clowd", 24, 29, distance=1, kind="fuzzy"),
        TopicMatch("Acme Cloud", "#acmecloud", "#AcmeCloud", 43, 53, kind="hashtag"),
    ]
    m = mention(1, text=text, topics=matches, title="Sync trouble", likes=7, shares=2, views=900)
    path = make_store(tmp_path / "s.db", [m])

    async def scenario() -> None:
        app = EcouteApp(options(path))
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("j")
            await settle(pilot)
            details = detail_text(app)
            assert "user1  User 1  · 10 followers  on reddit via fixture" in details
            assert "published 2026-11-22 11:59:00 UTC (1 min ago)" in details
            assert "sentiment neutral (90%, fixture-model)" in details
            assert "7 likes" in details and "900 views" in details
            assert "link https://example.org/1" in details and "language fr" in details
            assert "Why it matched" in details
            assert "akme" in details and "fuzzy" in details and "hashtag" in details
            row = feed_of(app).rows[0]
            line = row.line
            assert [line[s:e] for s, e, _ in row.spans] == ["akme", "clowd", "#AcmeCloud"]
            body = app.feed_screen.detail.renderable
            renderables = list(body.renderables)  # type: ignore[attr-defined]
            texts = [r for r in renderables if hasattr(r, "spans") and r.plain.startswith("Any")]
            assert [texts[0].plain[s.start : s.end] for s in texts[0].spans] == [
                "akme",
                "clowd",
                "#AcmeCloud",
            ]

    asyncio.run(scenario())


def test_log_screen_shows_engine_log_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logging.getLogger("ecoute"), "level", logging.INFO)
    path = make_store(tmp_path / "s.db", [mention(1)])

    async def scenario() -> None:
        from ecoute.tui.logbridge import captured_logs

        app = EcouteApp(options(path))
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            with captured_logs(app.record_log):
                logging.getLogger("ecoute.runtime").warning("source x: HTTP 429 \x1b[2J")
                logging.getLogger("ecoute.runtime").info("all good")
            await settle(pilot)
            assert any("HTTP 429" in n.message for n in app._notifications)
            await pilot.press("L")
            await settle(pilot)
            assert isinstance(app.screen, LogScreen)
            text = screen_text(app)
            assert "HTTP 429" in text and "all good" in text and "\x1b" not in text
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, LogScreen)

    asyncio.run(scenario())
