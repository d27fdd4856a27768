"""Safe, aligned text output for the CLI: untrusted text never reaches the terminal raw."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import datetime

from ecoute.engine.cleanup import neutralise
from ecoute.engine.records import as_utc


def one_line(text: object, width: int | None = None) -> str:
    """Text on one line with every escape, control, format and bidi character removed.

    Any value is accepted (a stored field may not be the string it should be);
    ``None`` and empty values give ``""``.
    """
    if text is None or text == "":
        return ""
    cleaned = " ".join(neutralise(text).split())
    if width is not None and len(cleaned) > width:
        cleaned = cleaned[: max(0, width - 1)] + "…"
    return cleaned


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An aware time shown in the local time zone."""
    if value is None:
        return "-"
    return as_utc(value).astimezone().strftime(fmt)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, flex: int = -1) -> str:
    """Left-aligned columns; column ``flex`` takes what is left of the terminal width."""
    if not rows:
        return ""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    total = shutil.get_terminal_size((120, 24)).columns
    if flex is not None:
        index = flex % len(headers)
        fixed = sum(w + 2 for i, w in enumerate(widths) if i != index)
        widths[index] = max(len(headers[index]), min(widths[index], total - fixed))
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in rows:
        cells = [
            cell if len(cell) <= w else cell[: max(0, w - 1)] + "…"
            for cell, w in zip(row, widths, strict=True)
        ]
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    return "\n".join(lines)
