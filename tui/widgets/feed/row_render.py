"""How one feed row looks: the cells of a mention on one line, as styled plain text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from rich.style import Style
from rich.text import Text

from ...safe_text import highlighted
from ...times import time_text
from .columns import Column
from .rows import MATCH, FeedRow

STATUS_GLYPHS = {"new": " ", "needs-reply": "!", "handled": "✓", "ignored": "–"}
SENTIMENT_SHORT = {"negative": "neg", "neutral": "neu", "positive": "pos"}
# A mention a scorer has not reached yet (its model still loading), while one has work pending.
PENDING_MARK = "…"


@dataclass(frozen=True, slots=True)
class RowStyles:
    """The styles a row uses, resolved once from the widget's component classes."""

    base: Style
    header: Style
    muted: Style
    match: Style
    search: Style
    cursor: Style
    cursor_blurred: Style
    ignored: Style
    by_state: dict[str, Style]  # workflow statuses and sentiment labels


def header(columns: Sequence[Column], width: int, styles: RowStyles) -> Text:
    """The column titles."""
    text = Text(no_wrap=True, end="")
    for column in columns:
        text.append(column.title.ljust(column.width)[: column.width] + " ")
    text.truncate(width, pad=True)
    text.stylize(styles.header)
    return text


def message(words: str, width: int, styles: RowStyles) -> Text:
    """A muted line of text (the empty feed's explanation)."""
    text = Text("  " + words, style=styles.base, no_wrap=True, end="")
    text.stylize(styles.muted)
    text.truncate(width, overflow="ellipsis", pad=True)
    return text


def row_text(
    row: FeedRow,
    columns: Sequence[Column],
    width: int,
    styles: RowStyles,
    now: datetime,
    cursor: Style | None = None,
    *,
    sentiment_pending: bool = False,
) -> Text:
    """One row's cells, ``width`` cells wide; ``cursor`` is laid over a selected row.

    ``sentiment_pending``: a scorer still has stored mentions to score, so a row
    without sentiment shows :data:`PENDING_MARK` rather than nothing.
    """
    cells = Text(no_wrap=True, end="", style=styles.base)
    for column in columns:
        if column.name == "sentiment" and sentiment_pending and row.sentiment is None:
            cells.append_text(_plain_cell(PENDING_MARK, styles.muted, column.width))
        else:
            cells.append_text(_cell(row, column, styles, now))
        cells.append(" ")
    cells.truncate(width, overflow="ellipsis", pad=True)
    if row.status == "ignored":
        cells.stylize(styles.ignored)
    if cursor is not None:
        cells.stylize(cursor)
    return cells


def _cell(row: FeedRow, column: Column, styles: RowStyles, now: datetime) -> Text:
    if column.name == "text":
        spans = [
            (s, e, styles.match if kind == MATCH else styles.search) for s, e, kind in row.spans
        ]
        text = highlighted(row.line, spans)
        text.truncate(column.width, overflow="ellipsis", pad=True)
        return text
    value, style = CELLS[column.name](row, styles, now)
    return _plain_cell(value, style, column.width)


def _plain_cell(value: str, style: Style, width: int) -> Text:
    text = Text(value, style=style, no_wrap=True, end="")
    text.truncate(width, overflow="ellipsis", pad=True)
    return text


def _topics(row: FeedRow) -> str:
    value = row.topics[0] if row.topics else ""
    return value + (f" +{len(row.topics) - 1}" if len(row.topics) > 1 else "")


def _sentiment(row: FeedRow) -> str:
    value = SENTIMENT_SHORT.get(row.sentiment or "", "")
    return value + "*" if row.corrected and value else value


Cell = Callable[[FeedRow, RowStyles, datetime], tuple[str, Style]]
CELLS: dict[str, Cell] = {
    "time": lambda row, styles, now: (time_text(row.created_at, now), styles.muted),
    "status": lambda row, styles, now: (
        STATUS_GLYPHS.get(row.status, "?"),
        styles.by_state.get(row.status, Style()),
    ),
    "platform": lambda row, styles, now: (row.platform, Style()),
    "author": lambda row, styles, now: (row.author, Style()),
    "topics": lambda row, styles, now: (_topics(row), Style()),
    "sentiment": lambda row, styles, now: (
        _sentiment(row),
        styles.by_state.get(row.sentiment or "", styles.muted),
    ),
}
