"""Property: any mention the store can hand back renders as a feed row and a detail pane,
without raising and without a control or bidi character reaching the screen."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.style import Style

from ecoute.engine.records import TopicMatch
from ecoute.engine.store import Note, StoredMention
from ecoute.tui.widgets.detail.view import detail
from ecoute.tui.widgets.feed.columns import layout
from ecoute.tui.widgets.feed.row_render import RowStyles, row_text
from ecoute.tui.widgets.feed.rows import feed_row
from tests.tui.helpers import mention

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
HOSTILE = st.sampled_from(
    ["\x1b[2J", "\x1b]52;c;aGk=\x07", "\x1b]8;;http://x\x1b\\", "\u009b31m", "\u202e", "\u2066",
     "\u200b", "[bold red]x[/]", "\r", "\x00", "\ud800", "é", "Щ", "👩\u200d💻", "\t", "\n"]
)  # fmt: skip
TEXT = st.lists(st.text(max_size=8) | HOSTILE, max_size=12).map("".join)
SMALL_INT = st.integers(min_value=-5, max_value=400)
MATCHES = st.lists(
    st.builds(
        TopicMatch,
        topic=TEXT,
        term=TEXT,
        found=TEXT,
        start=SMALL_INT,
        end=SMALL_INT,
        distance=st.integers(min_value=0, max_value=3),
        kind=st.sampled_from(["exact", "fuzzy", "phrase", "hashtag", "handle"]),
        field=st.sampled_from(["text", "title", "author"]),
    ),
    max_size=4,
)
# Anything but C0/C1 controls (tab and newline aside, which no row keeps anyway) and bidi.
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
STYLES = RowStyles(*(Style() for _ in range(8)), by_state={})


@settings(max_examples=150, deadline=None)
@given(
    text=TEXT,
    title=st.none() | TEXT,
    handle=TEXT,
    lang=st.none() | TEXT,
    url=st.none() | TEXT,
    topics=MATCHES,
    flags=st.lists(TEXT, max_size=3),
    tags=st.lists(TEXT, max_size=3),
    note=st.none() | TEXT,
    pending=st.booleans(),
    terms=st.lists(TEXT, max_size=3),
)
def test_any_stored_mention_renders_safely(
    text: str,
    title: str | None,
    handle: str | None,
    lang: str | None,
    url: str | None,
    topics: list[TopicMatch],
    flags: list[str],
    tags: list[str],
    note: str | None,
    pending: bool,
    terms: list[str],
) -> None:
    m = mention(1, text=text, title=title, lang=lang, url=url, topics=topics, flags=flags)
    m.author.handle = handle or ""
    notes = [Note(1, m.id, NOW, note)] if note is not None else []
    stored = StoredMention(m, seq=1, tags=tags, notes=notes)
    row = feed_row(stored, "created_at", terms)
    line = row_text(row, layout(160), 160, STYLES, NOW, sentiment_pending=pending)
    assert not UNSAFE.search(line.plain)
    assert "\n" not in line.plain
    console = Console(width=120, color_system=None, force_terminal=False, record=True)
    console.print(detail(stored, terms, NOW, sentiment_pending=pending))
    shown = console.export_text()
    assert not UNSAFE.search(shown.replace("\n", ""))
