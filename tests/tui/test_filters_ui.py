"""Each filter from the keyboard and the mouse, search, clearing, and saved views."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, SelectionList

from ecoute.engine.store import open_store
from ecoute.tui.app import EcouteApp
from ecoute.tui.filters import FeedFilters
from ecoute.tui.screens.choice import ChoiceScreen
from ecoute.tui.screens.date_range import DateRangeScreen
from ecoute.tui.widgets.filter_chip import FilterChip
from tests.tui.helpers import (
    NOW,
    feed_of,
    filters_of,
    make_store,
    mention,
    options,
    screen_text,
    set_filters,
    settle,
    shown_ids,
)


def store_with_variety(tmp_path: Path) -> Path:
    """60 mentions over 60 hours, rotating platform, language and sentiment."""
    mentions = [
        mention(i * 60, id=f"m:{i}", platform=("mastodon", "reddit", "news")[i % 3])
        for i in range(60)
    ]
    mentions += [
        mention(5, id="x:sync", text="desktop sync broken again, acme", lang="fr"),
        mention(7, id="x:other", text="nothing to see here", topics=[], lang="ru"),
    ]
    path = make_store(tmp_path / "s.db", mentions)
    with open_store(path) as store:
        store.set_status("m:1", "needs-reply")
        store.set_status("m:2", "handled")
        store.set_sentiment_override("m:3", "positive")  # the model said negative
    return path


async def pick(pilot: Pilot[Any], key: str, *values: str) -> None:
    """Open a checklist with ``key`` and check ``values`` with the keyboard."""
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ChoiceScreen)
    order = [value for value, _ in screen.options]
    for value in values:
        choices = screen.query_one(SelectionList)
        target = order.index(value)
        while choices.highlighted != target:
            await pilot.press("down" if (choices.highlighted or 0) < target else "up")
        await pilot.press("space")
    await pilot.press("enter")
    await settle(pilot)


def run(path: Path, scenario: Any, size: tuple[int, int] = (140, 36)) -> None:
    async def main() -> None:
        app = EcouteApp(options(path))
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await scenario(app, pilot)

    asyncio.run(main())


def rows(app: EcouteApp) -> list[Any]:
    return feed_of(app).rows


def test_platform_filter_is_multi_select(tmp_path: Path) -> None:
    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        await pick(pilot, "2", "news", "reddit")
        assert filters_of(app).platforms == ("news", "reddit")
        assert rows(app) and {r.platform for r in rows(app)} == {"news", "reddit"}
        assert "platform: news, reddit" in screen_text(app)
        assert "1 filter" in screen_text(app)

    run(store_with_variety(tmp_path), scenario)


def test_topic_sentiment_language_and_status_filters(tmp_path: Path) -> None:
    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        await pick(pilot, "3", "Acme Cloud")
        assert "x:other" not in shown_ids(app) and all(r.topics for r in rows(app))
        await pick(pilot, "4", "positive")
        # The user's correction wins over the model's label.
        assert "m:3" in shown_ids(app)
        assert {r.sentiment for r in rows(app)} == {"positive"}
        await pick(pilot, "5", "en")
        assert rows(app) and all(i.startswith("m:") for i in shown_ids(app))
        assert filters_of(app).active == 3
        await pilot.press("x")
        await settle(pilot)
        await pick(pilot, "6", "needs-reply", "handled")
        assert sorted(shown_ids(app)) == ["m:1", "m:2"]
        assert "2 match" in screen_text(app)

    run(store_with_variety(tmp_path), scenario)


def test_date_presets_and_the_time_field(tmp_path: Path) -> None:
    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, DateRangeScreen)
        presets = app.screen.query_one("#presets", OptionList)
        presets.highlighted = 1  # last 24 h
        await pilot.press("enter")
        await settle(pilot)
        f = filters_of(app)
        assert f.range == "24h"
        since = NOW - timedelta(hours=24)
        assert rows(app) and all(r.created_at >= since for r in rows(app))
        assert len(rows(app)) == 27  # m:0..m:24 (since is inclusive), x:sync, x:other
        assert "when: last 24 h" in screen_text(app)

    run(store_with_variety(tmp_path), scenario)


def test_custom_range_typed_in_local_time_on_collection_time(tmp_path: Path) -> None:
    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        await pilot.press("1")
        await settle(pilot)
        dialog = app.screen
        await pilot.click("#collected_at")
        dialog.query_one("#since", Input).value = "2026-11-21 12:00"
        dialog.query_one("#until", Input).value = "2026-11-22 00:00"
        await pilot.click("#apply")
        await settle(pilot)
        f = filters_of(app)
        assert (f.range, f.time_field) == ("custom", "collected_at")
        assert f.since == NOW - timedelta(days=1) and f.until == NOW - timedelta(hours=12)
        assert rows(app) and all(f.since <= r.created_at < f.until for r in rows(app))
        assert "collected" in screen_text(app)

    run(store_with_variety(tmp_path), scenario)


def test_a_bad_custom_date_is_explained_and_nothing_changes(tmp_path: Path) -> None:
    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        await pilot.press("1")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#since", Input).value = "yesterday-ish"
        await pilot.click("#apply")
        await settle(pilot)
        assert isinstance(app.screen, DateRangeScreen)
        assert "is not a time" in str(dialog.query_one("#date-error").render())
        await pilot.press("escape")
        await settle(pilot)
        assert filters_of(app) == FeedFilters()

    run(store_with_variety(tmp_path), scenario)


def test_search_from_the_keyboard_highlights_and_escape_restores(tmp_path: Path) -> None:
    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        await pilot.press("slash")
        await pilot.press(*"sync")
        await pilot.press("enter")
        await settle(pilot)
        assert filters_of(app).text == "sync"
        assert shown_ids(app) == ["x:sync"]
        row = rows(app)[0]
        assert [row.line[s:e] for s, e, kind in row.spans if kind == "search"] == ["sync"]
        assert feed_of(app).has_focus
        await pilot.press("slash", "backspace", "backspace", "escape")
        await settle(pilot)
        assert app.feed_screen.query_one("#search", Input).value == "sync"
        assert filters_of(app).text == "sync"

    run(store_with_variety(tmp_path), scenario)


def test_chips_open_their_picker_with_a_click(tmp_path: Path) -> None:
    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        await pilot.click("#chip-sentiments")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        assert [v for v, _ in app.screen.options] == ["negative", "neutral", "positive"]
        await pilot.press("escape")
        await pilot.click("#chip-range")
        await settle(pilot)
        assert isinstance(app.screen, DateRangeScreen)
        await pilot.press("escape")
        chip = app.feed_screen.query_one("#chip-platforms", FilterChip)
        assert chip.kind == "platforms"

    run(store_with_variety(tmp_path), scenario)


def test_one_key_clears_every_filter(tmp_path: Path) -> None:
    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        set_filters(app, FeedFilters(range="7d", platforms=("news",), text="acme", langs=("en",)))
        await settle(pilot)
        assert filters_of(app).active == 4
        await pilot.press("x")
        await settle(pilot)
        assert filters_of(app) == FeedFilters()
        assert len(rows(app)) == 62 and "no filter" in screen_text(app)

    run(store_with_variety(tmp_path), scenario)


def test_views_are_saved_in_the_store_and_recalled(tmp_path: Path) -> None:
    path = store_with_variety(tmp_path)

    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        wanted = FeedFilters(range="24h", platforms=("reddit",), sentiments=("negative",))
        set_filters(app, wanted)
        await settle(pilot)
        await pilot.press("s")
        await pilot.press(*"angry reddit")
        await pilot.press("enter")
        await settle(pilot)
        with open_store(path, readonly=True) as other:
            saved = other.views()
        assert [v.name for v in saved] == ["angry reddit"]
        assert FeedFilters.from_json(saved[0].filters) == wanted
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert "angry reddit" in screen_text(app) and "platform reddit" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert filters_of(app) == wanted
        assert {r.platform for r in rows(app)} == {"reddit"}
        # And deleted.
        await pilot.press("v", "d")
        await settle(pilot)
        with open_store(path, readonly=True) as other:
            assert other.views() == []
        assert app.feed_screen.filter_bar.views == []

    run(path, scenario)


def test_pickers_offer_values_that_arrived_after_start(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.db", [mention(1)])

    async def scenario(app: EcouteApp, pilot: Pilot[Any]) -> None:
        with open_store(path) as writer:
            writer.upsert_mentions([mention(2, id="lemmy:2", platform="lemmy", lang="de")])
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        assert [v for v, _ in app.screen.options] == ["lemmy", "reddit"]
        await pilot.press("escape", "5")
        await settle(pilot)
        assert [v for v, _ in app.screen.options] == ["de", "fr"]

    run(path, scenario)
