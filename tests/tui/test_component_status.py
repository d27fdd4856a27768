"""Scorers and sinks report their own state on the status bar; unscored mentions say they wait."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from rich.text import Text

from ecoute.engine.health import Health
from ecoute.engine.store import open_store
from ecoute.tui.app import EcouteApp
from ecoute.tui.widgets.status_bar import StatusBar
from tests.tui.helpers import (
    NOW,
    detail_text,
    make_store,
    mention,
    options,
    read_stats,
    screen_text,
    settle,
)


def save_health(path: Path, *rows: Health) -> None:
    """Save health rows as the engine does after each batch."""
    with open_store(path) as store:
        store.save_health(list(rows))


def style_of(text: Text, part: str) -> str:
    """The style of the span that covers ``part`` in ``text``."""
    start = text.plain.index(part)
    styles = [str(span.style) for span in text.spans if span.start <= start and span.end > start]
    return styles[-1] if styles else ""


def test_every_scorer_and_sink_reports_its_own_state(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.db", [mention(1)])
    save_health(
        path,
        Health("source:demo", "source", "ok", updated_at=NOW),
        Health(
            "scorer:sentiment",
            "scorer",
            "starting",
            detail="loading model",
            pending=1234,
            updated_at=NOW,
        ),
        Health("source:rss", "source", "stuck", reason="no answer in 30 s", updated_at=NOW),
        Health("scorer:toxicity", "scorer", "ok", updated_at=NOW),  # says nothing: not shown
        Health("scorer:langid", "scorer", "stuck", reason="no answer in 30 s", updated_at=NOW),
        Health("sink:webhook", "sink", "error", reason="HTTP 500\ntrace", updated_at=NOW),
        Health("sink:archive", "sink", "ok", detail="3 files", updated_at=NOW),
    )

    async def scenario() -> None:
        app = EcouteApp(options(path))
        async with app.run_test(size=(200, 30)) as pilot:
            await settle(pilot)
            line = app.feed_screen.query_one(StatusBar).compose_text()
            status = line.plain
            assert "● demo" in status and "✗ rss (no answer in 30 s)" in status
            assert "│ langid stuck (no answer in 30 s)" in status
            assert "│ sentiment loading model · 1,234 pending" in status
            assert "│ webhook error (HTTP 500)" in status and "trace" not in status
            assert "│ archive 3 files" in status
            assert "toxicity" not in status
            assert style_of(line, "loading model") == "yellow"
            assert style_of(line, "error (HTTP 500)") == "red"
            assert style_of(line, "3 files") == "green"
            save_health(
                path,
                Health("scorer:sentiment", "scorer", "ok", detail="ready", updated_at=NOW),
                Health("sink:webhook", "sink", "backing_off", reason="HTTP 503", updated_at=NOW),
            )
            read_stats(app)
            await settle(pilot)
            text = screen_text(app)
            assert "│ sentiment ready" in text and "pending" not in text
            assert "│ webhook backing off (HTTP 503)" in text

    asyncio.run(scenario())


def sent_cells(app: EcouteApp) -> dict[str, str]:
    """The SENT cell of each row on screen, by author."""
    lines = screen_text(app).splitlines()
    header = next(line for line in lines if "SENT" in line and "AUTHOR" in line)
    sent, author = header.index("SENT"), header.index("AUTHOR")
    return {
        line[author:].split()[0]: line[sent : sent + 4].strip()
        for line in lines
        if line[author:].startswith("user")
    }


def test_mentions_a_scorer_has_not_reached_show_that_they_wait(tmp_path: Path) -> None:
    # Stored while the model loaded in the background: no sentiment yet.
    path = make_store(
        tmp_path / "s.db",
        [mention(1, sentiment=None), mention(2), mention(3, sentiment=None)],
    )
    loading = Health("scorer:sentiment", "scorer", "starting", detail="loading model", pending=2)
    save_health(path, loading)

    async def scenario() -> None:
        app = EcouteApp(options(path))
        async with app.run_test(size=(160, 30)) as pilot:
            await settle(pilot)
            assert sent_cells(app) == {"user1": "…", "user2": "pos", "user3": "…"}
            await pilot.press("j")
            await settle(pilot)
            assert "sentiment … not scored yet" in detail_text(app)
            # The scorer catches up with the first one (updated in place: same seq).
            with open_store(path) as store:
                store.upsert_mentions([mention(1)])
            save_health(path, replace(loading, state="ok", detail="ready", pending=1))
            read_stats(app)
            await settle(pilot)
            assert sent_cells(app) == {"user1": "neu", "user2": "pos", "user3": "…"}
            assert "sentiment neutral (90%, fixture-model)" in detail_text(app)
            # Nothing waits any more: a mention without sentiment is simply not scored.
            save_health(path, replace(loading, state="ok", detail="ready", pending=0))
            read_stats(app)
            await settle(pilot)
            assert sent_cells(app) == {"user1": "neu", "user2": "pos", "user3": ""}
            await pilot.press("j", "j")
            await settle(pilot)
            assert "sentiment not scored" in detail_text(app)
            assert "not scored yet" not in detail_text(app)

    asyncio.run(scenario())


def test_capital_r_asks_the_engine_to_retry_the_failing_sources(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.db", [mention(1)])
    save_health(
        path,
        Health("source:demo", "source", "ok", updated_at=NOW),
        Health("source:masto", "source", "auth_failed", reason="401", updated_at=NOW),
        Health("source:rss", "source", "stuck", reason="no answer", updated_at=NOW),
        Health("sink:webhook", "sink", "error", reason="HTTP 500", updated_at=NOW),
    )

    async def scenario() -> None:
        app = EcouteApp(options(path))
        async with app.run_test(size=(200, 30)) as pilot:
            await settle(pilot)
            await pilot.press("R")
            await settle(pilot)
            messages = [n.message for n in app._notifications]
            assert any("Asked the engine to retry masto, rss now" in m for m in messages)

    asyncio.run(scenario())
    with open_store(path) as store:
        assert store.take_retry_requests() == ["source:masto", "source:rss"]


def test_capital_r_with_every_source_well_says_so(tmp_path: Path) -> None:
    path = make_store(tmp_path / "s.db", [mention(1)])
    save_health(path, Health("source:demo", "source", "ok", updated_at=NOW))

    async def scenario() -> None:
        app = EcouteApp(options(path))
        async with app.run_test(size=(200, 30)) as pilot:
            await settle(pilot)
            await pilot.press("R")
            await settle(pilot)
            messages = [n.message for n in app._notifications]
            assert any("No source is failing or waiting to retry." in m for m in messages)

    asyncio.run(scenario())
    with open_store(path) as store:
        assert store.take_retry_requests() == []
