"""Snapshot tests of the main screens (SVG files under __snapshots__; review changes).

Update them after an intended change with ``pytest tests/tui/test_snapshots.py
--snapshot-update`` and look at the report before committing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from ecoute.engine.health import Health
from ecoute.engine.records import Author, TopicMatch
from ecoute.engine.store import open_store
from ecoute.tui.app import EcouteApp
from tests.tui.helpers import NOW, make_store, mention, options, settle

Compare = Callable[..., bool]
SIZE = (130, 34)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    text = "Anyone else seeing akme clowd sync errors since the update? #AcmeCloud"
    fuzzy = [
        TopicMatch("Acme Cloud", "acme", "akme", 19, 23, distance=1, kind="fuzzy"),
        TopicMatch("Acme Cloud", "cloud", "clowd", 24, 29, distance=1, kind="fuzzy"),
        TopicMatch("Acme Cloud", "#acmecloud", "#AcmeCloud", 60, 70, kind="hashtag"),
    ]
    mentions = [mention(1, text=text, topics=fuzzy, title="Sync trouble", views=900)]
    mentions += [mention(i) for i in range(2, 40)]
    mentions.append(
        mention(3, id="news:evil", text="[bold]not bold[/bold] \x1b[2J acme \u202eevil")
    )
    path = make_store(tmp_path / "s.db", mentions)
    with open_store(path) as s:
        s.set_status("news:2", "needs-reply")
        s.set_status("mastodon:4", "handled")
        s.set_status("reddit:5", "ignored")
        s.set_sentiment_override("news:6", "negative")
        s.add_tag("reddit:1", "urgent")
        s.add_note("reddit:1", "Call them back before noon.")
        s.save_health(
            [
                Health("source:mastodon", "source", "ok", items=40, updated_at=NOW),
                Health(
                    "source:rss",
                    "source",
                    "backing_off",
                    reason="HTTP 503",
                    next_attempt=NOW.replace(minute=5),
                    updated_at=NOW,
                ),
                Health("scorer:sentiment", "scorer", "ok", detail="ready", updated_at=NOW),
            ]
        )
        s.upsert_mentions([mention(45, author=Author("x", "[b]Name"))])
    return path


def settled(*keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return run_before


def test_feed(snap_compare: Compare, store: Path) -> None:
    assert snap_compare(EcouteApp(options(store)), terminal_size=SIZE, run_before=settled())


def test_selected_mention_with_its_detail(snap_compare: Compare, store: Path) -> None:
    app = EcouteApp(options(store))
    assert snap_compare(app, terminal_size=SIZE, run_before=settled("j"))


def test_wide_terminal_puts_the_detail_beside_the_feed(snap_compare: Compare, store: Path) -> None:
    app = EcouteApp(options(store))
    assert snap_compare(app, terminal_size=(200, 34), run_before=settled("j", "j"))


def test_help(snap_compare: Compare, store: Path) -> None:
    app = EcouteApp(options(store))
    assert snap_compare(app, terminal_size=(130, 70), run_before=settled("question_mark"))


def test_platform_picker(snap_compare: Compare, store: Path) -> None:
    app = EcouteApp(options(store))
    assert snap_compare(app, terminal_size=SIZE, run_before=settled("2", "down", "space"))


def test_date_range_dialog(snap_compare: Compare, store: Path) -> None:
    app = EcouteApp(options(store))
    assert snap_compare(app, terminal_size=SIZE, run_before=settled("1"))


def test_filtered_and_searched(snap_compare: Compare, store: Path) -> None:
    app = EcouteApp(options(store))
    keys = ("slash", *"acme", "enter", "4")
    assert snap_compare(app, terminal_size=SIZE, run_before=settled(*keys, "space", "enter"))
