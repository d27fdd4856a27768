"""Untrusted text never becomes markup, links or terminal control sequences on screen."""

from __future__ import annotations

import asyncio
import unicodedata
from pathlib import Path
from typing import Any

from textual.strip import Strip

from ecoute.engine.health import Health
from ecoute.engine.records import Author, TopicMatch
from ecoute.engine.store import open_store
from ecoute.tui.app import EcouteApp
from ecoute.tui.commands import FeedCommands
from tests.tui.helpers import (
    NOW,
    detail_text,
    feed_of,
    filters_of,
    make_store,
    mention,
    options,
    read_stats,
    screen_text,
    settle,
)

MARKUP = "[bold]loud[/bold] [link=https://evil.example]click me[/link] [/]"
ESCAPES = "\x1b[2J\x1b]8;;https://evil.example\x07osc\x1b]8;;\x07 \x1b]0;pwned\x07\x9b31m"
BIDI = "abc\u202eevil\u202c \u2066iso\u2069"
INVISIBLE = "zero\u200bwidth\u200djoin\u2060word\ufeff"
FORBIDDEN = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200d\u2060\ufeff")


def hostile_store(path: Path) -> Path:
    text = f"acme {MARKUP} {ESCAPES} {BIDI} {INVISIBLE} end"
    start = text.index("acme")
    evil = mention(
        1,
        id="mastodon:[bold]1",
        text=text,
        title="[red]Title[/red] \x1b[5mblink",
        author=Author(handle="[b]handle\x1b[2J", name="Name\u202eeman", followers=3),
        url="https://example.org/[bold]x\x1b[2J",
        topics=[TopicMatch("[i]topic[/i]", "[b]acme", "acme", start, start + 4)],
        platform="[u]plat\x07",
    )
    make_store(path, [evil, mention(2)])
    with open_store(path) as store:
        store.add_tag(evil.id, "[blink]tag")
        store.add_note(evil.id, "note [bold]x[/bold] \x1b[2J")
        store.save_view("[bold]view\x1b[2J", {"platforms": ["[u]plat\x07"]})
        store.save_health(
            [
                Health(
                    component="source:[b]src",
                    kind="source",
                    state="error",
                    reason="HTTP 500 [red]boom[/red] \x1b[2J\u202e",
                    updated_at=NOW,
                )
            ]
        )
    return path


def strips_of(app: EcouteApp) -> list[Strip]:
    return app.screen._compositor.render_strips()


def assert_terminal_safe(strips: list[Strip]) -> None:
    for strip in strips:
        for segment in strip:
            for char in segment.text:
                category = unicodedata.category(char)
                assert category not in ("Cc", "Cf", "Cs"), f"{char!r} in {segment.text!r}"
                assert char not in FORBIDDEN
            style = segment.style
            assert style is None or not style.link, f"link in {segment!r}"


def test_hostile_text_is_shown_literally_and_safely(tmp_path: Path) -> None:
    path = hostile_store(tmp_path / "s.db")

    async def scenario() -> None:
        app = EcouteApp(options(path))
        async with app.run_test(size=(200, 50), notifications=True) as pilot:
            await settle(pilot)
            read_stats(app)
            await settle(pilot)
            await pilot.press("j")
            await settle(pilot)
            text = screen_text(app)
            assert "[bold]loud[/bold]" in text
            assert "[link=https://evil.example]click me[/link]" in text
            assert "[red]Title[/red]" in text and "[b]handle" in text
            assert "[u]plat" in text and "[i]topic[/i]" in text
            assert "HTTP 500 [red]boom[/red]" in text and "[b]src" in text
            assert "abcevil" in text and "zerowidthjoinword" in text
            assert "pwned" not in text and "osc" in text  # OSC strings go whole; text stays
            details = detail_text(app, width=200)
            for literal in (
                "[blink]tag",
                "note [bold]x[/bold]",
                "Name",
                "[b]acme",
                "https://example.org/[bold]x",
            ):
                assert literal in details
            assert_terminal_safe(strips_of(app))
            # A tag with markup in a notification stays literal too.
            await pilot.press("t", *"[red]x[/red]", "enter")
            await settle(pilot)
            assert any(n.message == "Tagged [red]x[/red]" for n in app._notifications)
            assert "Tagged [red]x[/red]" in screen_text(app)
            assert_terminal_safe(strips_of(app))

    asyncio.run(scenario())


def test_saved_view_names_and_filter_values_stay_literal(tmp_path: Path) -> None:
    path = hostile_store(tmp_path / "s.db")

    async def scenario() -> None:
        app = EcouteApp(options(path))
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            await pilot.press("v")
            await settle(pilot)
            assert "[bold]view" in screen_text(app)
            assert_terminal_safe(strips_of(app))
            await pilot.press("enter")
            await settle(pilot)
            assert filters_of(app).platforms == ("[u]plat\x07",)
            assert "platform: [u]plat" in screen_text(app)
            assert_terminal_safe(strips_of(app))
            titles = [c.title for c in FeedCommands(app.feed_screen).commands()]
            assert "View: [bold]view" in titles

    asyncio.run(scenario())


def test_every_hostile_line_renders_without_control_characters(tmp_path: Path) -> None:
    lines: list[Any] = [
        "[bold]x",
        "\x1b[2J",
        "\u202eevil",
        "a\u200bb",
        "\x00\x07\x08\x7f\x85\x9b",
        "line\nbreak\rreturn\ttab",
        "\U000e0041tag",
    ]
    path = make_store(tmp_path / "s.db", [mention(i, text=t) for i, t in enumerate(lines)])

    async def scenario() -> None:
        app = EcouteApp(options(path))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert len(feed_of(app).rows) == len(lines)
            assert_terminal_safe(strips_of(app))
            assert "line break return tab" in screen_text(app) or "line breakreturn tab" in (
                screen_text(app)
            )

    asyncio.run(scenario())
