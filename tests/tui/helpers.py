"""Helpers for TUI tests: stores with known mentions, a fixed clock, waiting for workers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from ecoute.engine.records import Author, Mention, Sentiment, TopicMatch
from ecoute.engine.store import open_store
from ecoute.tui import TuiOptions
from ecoute.tui.app import EcouteApp
from ecoute.tui.filters import FeedFilters
from ecoute.tui.messages import EngineCommitted
from ecoute.tui.screens.feed import FeedScreen
from ecoute.tui.widgets.feed.mention_feed import MentionFeed

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PLATFORMS = ("mastodon", "reddit", "news", "bluesky")
LANGS = ("en", "fr", "ru")
LABELS = ("negative", "neutral", "positive")


def mention(index: int, **changes: Any) -> Mention:
    """Mention ``index``: published ``index`` minutes before :data:`NOW`, on a rotating
    platform, language and sentiment, matching the topic "Acme Cloud" on "acme"."""
    text = changes.pop("text", f"post {index} about acme cloud and more")
    start = text.find("acme")
    topics = changes.pop(
        "topics",
        [TopicMatch("Acme Cloud", "acme", "acme", start, start + 4)] if start >= 0 else [],
    )
    created = NOW - timedelta(minutes=index)
    values: dict[str, Any] = {
        "id": f"{PLATFORMS[index % 4]}:{index}",
        "platform": PLATFORMS[index % 4],
        "text": text,
        "created_at": created,
        "collected_at": created + timedelta(seconds=30),
        "author": Author(handle=f"user{index}", name=f"User {index}", followers=index * 10),
        "source": "fixture",
        "url": f"https://example.org/{index}",
        "lang": LANGS[index % 3],
        "likes": index,
        "topics": topics,
        "sentiment": Sentiment(LABELS[index % 3], 0.9, "fixture-model"),
    }
    values.update(changes)
    return Mention(**values)


def make_store(path: Path, mentions: Iterable[Mention]) -> Path:
    """A store at ``path`` holding ``mentions``."""
    with open_store(path) as store:
        store.upsert_mentions(list(mentions))
    return path


def options(store: Path, **changes: Any) -> TuiOptions:
    """Options for a test: fixed clock, no timers (tests poll explicitly)."""
    values: dict[str, Any] = {
        "store_path": store,
        "clock": lambda: NOW,
        "live_interval": None,
        "stats_interval": None,
        "choices_interval": None,
    }
    values.update(changes)
    return TuiOptions(**values)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until no worker runs and every posted message is handled (no sleeping)."""
    app = pilot.app
    for _ in range(50):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            return
    raise AssertionError("workers did not finish")


def feed_of(app: EcouteApp) -> MentionFeed:
    """The feed widget of the app's main screen."""
    return app.feed_screen.query_one(MentionFeed)


def filters_of(app: EcouteApp) -> FeedFilters:
    """The filters in force (their one owner is the filter bar)."""
    return app.feed_screen.filter_bar.filters


def set_filters(app: EcouteApp, filters: FeedFilters) -> None:
    """Set the filters as the pickers do (the screen reads the feed again)."""
    app.feed_screen.filter_bar.filters = filters


def poll_live(app: EcouteApp) -> None:
    """Ask the feed to read new mentions now, as the engine's commit notice does."""
    app.feed_screen.post_message(EngineCommitted())


def read_stats(app: EcouteApp) -> None:
    """Read the components' health now, as the stats timer does."""
    app.feed_screen.read_stats()


def screen_of(app: EcouteApp) -> FeedScreen:
    """The app's main screen."""
    return app.feed_screen


def shown_ids(app: EcouteApp) -> list[str]:
    """Ids of the rows the feed holds, in order."""
    return [row.id for row in feed_of(app).rows]


def visible_ids(app: EcouteApp) -> list[str]:
    """Ids of the rows on screen, top to bottom."""
    feed = feed_of(app)
    first = feed.first_visible
    return [row.id for row in feed.rows[first : first + feed.visible_rows]]


def screen_text(app: EcouteApp) -> str:
    """What the top screen shows, as plain text, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def detail_text(app: EcouteApp, width: int = 120) -> str:
    """The whole detail pane (also what is scrolled out of view), as plain text."""
    from io import StringIO

    from rich.console import Console

    console = Console(width=width, file=StringIO(), color_system=None, record=True)
    console.print(app.feed_screen.detail.renderable)
    return console.export_text()
