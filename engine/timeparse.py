"""Parse the times users type: ``7d``, ``24h``, ``90m``, ``2w`` ago, or ISO dates."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from .records import as_utc, utcnow

_RELATIVE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)\s*$", re.I)
_UNITS = {"s": "seconds", "m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str, *, now: datetime | None = None) -> datetime:
    """``7d`` (ago), ``2026-11-01`` or ``2026-11-01T08:00`` (UTC unless an offset is given).

    Raises:
        ValueError: with a message that shows the accepted forms.
    """
    match = _RELATIVE.match(text)
    if match:
        amount, unit = float(match.group(1)), _UNITS[match.group(2).lower()]
        return (now or utcnow()) - timedelta(**{unit: amount})
    try:
        cleaned = text.strip().replace("Z", "+00:00")
        return as_utc(datetime.fromisoformat(cleaned))
    except ValueError:
        raise ValueError(
            f"'{text}' is not a time: use a duration like 30m, 24h, 7d, 2w, "
            "or a date like 2026-11-01 or 2026-11-01T08:00"
        ) from None
