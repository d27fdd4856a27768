"""Filters in words, for saved views, the palette and the status line."""

from __future__ import annotations

from ..filters import SET_FIELDS, TIME_FIELDS, FeedFilters
from ..safe_text import safe_line

NAMES = {
    "platforms": "platform",
    "topics": "topic",
    "sentiments": "sentiment",
    "langs": "lang",
    "statuses": "status",
}


def describe(filters: FeedFilters) -> str:
    """``last 24 h (published) · platform reddit, news · search "sync"``, or ``everything``."""
    parts = []
    if filters.range != "all":
        parts.append(f"{filters.range_label()} ({TIME_FIELDS[filters.time_field]})")
    for name in SET_FIELDS:
        values = getattr(filters, name)
        if values:
            parts.append(f"{NAMES[name]} {', '.join(safe_line(v) for v in values)}")
    if filters.text:
        parts.append(f'search "{safe_line(filters.text)}"')
    return " · ".join(parts) or "everything"
