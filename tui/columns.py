"""The feed's columns for a given width, and how its times read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ecoute.engine.records import utcnow


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, header title and width in cells (0: the rest)."""

    name: str
    title: str
    width: int


# (column, minimum terminal width to show it); the text takes what is left.
_COLUMNS: tuple[tuple[Column, int], ...] = (
    (Column("time", "TIME", 12), 0),
    (Column("status", "", 1), 0),
    (Column("platform", "PLATFORM", 10), 60),
    (Column("author", "AUTHOR", 18), 90),
    (Column("topics", "TOPICS", 16), 110),
    (Column("sentiment", "SENT", 4), 70),
)
MIN_TEXT = 20


def layout(width: int) -> list[Column]:
    """The columns that fit in ``width`` cells, the text column last and widest."""
    columns = [column for column, minimum in _COLUMNS if width >= minimum]
    used = sum(column.width + 1 for column in columns)
    return [*columns, Column("text", "MENTION", max(MIN_TEXT, width - used - 1))]


def time_text(moment: datetime, now: datetime | None = None) -> str:
    """A time in the local zone: ``14:03:07`` today, ``Nov 21 09:12`` this year, else the date."""
    local = moment.astimezone()
    today = (now or utcnow()).astimezone()
    if local.date() == today.date():
        return local.strftime("%H:%M:%S")
    if local.year == today.year:
        return local.strftime("%b %d %H:%M")
    return local.strftime("%Y-%m-%d")


def ago(moment: datetime, now: datetime) -> str:
    """How long before ``now``: ``just now``, ``12 s ago``, ``5 min ago``, ``3 h ago``, ..."""
    seconds = (now - moment).total_seconds()
    if seconds < 0:
        return "in the future"
    if seconds < 5:
        return "just now"
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{int(seconds // size)} {unit} ago"
    return f"{int(seconds)} s ago"
