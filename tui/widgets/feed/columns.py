"""The feed's columns for a given width."""

from __future__ import annotations

from dataclasses import dataclass


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
