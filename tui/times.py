"""How times read on screen: a local clock time for the feed and ``5 min ago`` for details."""

from __future__ import annotations

from datetime import datetime

from ecoute.engine.records import utcnow


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
