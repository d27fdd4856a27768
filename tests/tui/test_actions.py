"""Every action on the selected mention is saved in the store at once, for every process."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from ecoute.engine.store import StoredMention, open_store
from ecoute.tui.app import EcouteApp
from ecoute.tui.mention_actions import web_link
from tests.tui.helpers import (
    detail_text,
    feed_of,
    make_store,
    mention,
    options,
    screen_text,
    settle,
)


def stored(path: Path, mention_id: str) -> StoredMention:
    """The mention as another process reads it now."""
    with open_store(path, readonly=True) as other:
        found = other.get(mention_id)
    assert found is not None
    return found


def run(path: Path, scenario: Any, **option_changes: Any) -> None:
    async def main() -> None:
        app = EcouteApp(options(path, **option_changes))
        async with app.run_test(size=(120, 34), notifications=True) as pilot:
            await settle(pilot)
            await scenario(app, pilot)

    asyncio.run(main())


def test_status_actions_persist_and_show_on_the_row(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.db", [mention(i) for i in range(1, 10)])

    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        await pilot.press("j")  # selects reddit:1
        for key, status in (("r", "needs-reply"), ("h", "handled"), ("i", "ignored")):
            await pilot.press(key)
            await settle(pilot)
            assert stored(path, "reddit:1").status == status
            assert feed_of(app).rows[0].status == status
            assert f"status {status}" in screen_text(app)
        await pilot.press("u")
        await settle(pilot)
        assert stored(path, "reddit:1").status == "new"

    run(path, scenario)


def test_correcting_the_sentiment_and_going_back_to_the_model(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.db", [mention(i) for i in range(1, 5)])

    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        await pilot.press("j", "j")  # news:2, the model says positive
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("1")  # negative
        await settle(pilot)
        saved = stored(path, "news:2")
        assert saved.sentiment_override == "negative" and saved.effective_sentiment == "negative"
        row = feed_of(app).rows[1]
        assert (row.sentiment, row.corrected) == ("negative", True)
        assert "neg*" in screen_text(app)
        assert "corrected by you; model said positive" in screen_text(app)
        await pilot.press("e", "0")
        await settle(pilot)
        assert stored(path, "news:2").sentiment_override is None
        assert feed_of(app).rows[1].sentiment == "positive"

    run(path, scenario)


def test_tags_and_notes(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.db", [mention(i) for i in range(1, 5)])

    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        await pilot.press("j", "t", *"urgent", "enter")
        await settle(pilot)
        await pilot.press("t", *"press", "enter")
        await settle(pilot)
        assert stored(path, "reddit:1").tags == ["press", "urgent"]
        assert "tags press, urgent" in screen_text(app)
        await pilot.press("T")
        await settle(pilot)
        await pilot.press("enter")  # the first listed: press
        await settle(pilot)
        assert stored(path, "reddit:1").tags == ["urgent"]
        await pilot.press("n", *"call them back", "enter")
        await settle(pilot)
        notes = stored(path, "reddit:1").notes
        assert [n.text for n in notes] == ["call them back"]
        assert "call them back" in detail_text(app)

    run(path, scenario)


def test_an_overlong_tag_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.db", [mention(1)])

    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        await pilot.press("j", "t", *("x" * 70), "enter")
        await settle(pilot)
        assert stored(path, "reddit:1").tags == []
        messages = [n.message for n in app._notifications]
        assert any("at most 64 characters" in m for m in messages)

    run(path, scenario)


def test_actions_need_a_selection(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.db", [mention(1)])

    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        await pilot.press("h")
        await settle(pilot)
        assert stored(path, "reddit:1").status == "new"
        assert any("Select a mention first" in n.message for n in app._notifications)

    run(path, scenario)


def test_open_and_copy_the_link(tmp_path: Path) -> None:
    path = make_store(
        tmp_path / "s.db",
        [mention(1), mention(2, url="javascript:alert(1)")],
    )
    opened: list[str] = []

    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        await pilot.press("j", "o", "y")
        await settle(pilot)
        assert opened == ["https://example.org/1"]
        assert app.clipboard == "https://example.org/1"
        await pilot.press("j", "o", "y")
        await settle(pilot)
        assert opened == ["https://example.org/1"]
        assert app.clipboard == "https://example.org/1"
        assert any("no web link" in n.message for n in app._notifications)

    run(path, scenario, url_opener=opened.append)


def test_web_link_accepts_only_plain_http_links() -> None:
    assert web_link("https://example.org/a?b=c") == "https://example.org/a?b=c"
    for bad in (
        None,
        "",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://a b",
        "--help",
        "https://x\x1b[2J",
        "http:///nohost",
    ):
        assert web_link(bad) is None, bad


def test_a_click_selects_and_a_double_click_opens_the_detail(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.db", [mention(i) for i in range(1, 6)])

    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        feed = feed_of(app)
        await pilot.click("#feed", offset=(5, 3))  # header, then rows 0, 1, 2
        await settle(pilot)
        assert feed.selected is not None and feed.selected.id == "bluesky:3"
        assert "user3" in screen_text(app)
        await pilot.double_click("#feed", offset=(5, 2))
        await settle(pilot)
        assert feed.selected.id == "news:2"
        assert app.feed_screen.detail.has_focus
        await pilot.press("escape")
        assert feed.has_focus and feed.selected.id == "news:2"

    run(path, scenario)
