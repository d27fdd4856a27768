"""StatusBar: live state, each source's health, the arrival rate, filters, sentiment model."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from ecoute.engine.health import Health

from ..columns import time_text
from ..safe_text import safe_line

GOOD, WAITING, BAD, QUIET = "green", "yellow", "red", "dim"
SOURCE_LOOK: dict[str, tuple[str, str]] = {
    "ok": ("●", GOOD),
    "starting": ("○", QUIET),
    "backing_off": ("◐", WAITING),
    "rate_limited": ("◐", WAITING),
    "auth_failed": ("✗", BAD),
    "gone": ("✗", BAD),
    "error": ("✗", BAD),
    "stopped": ("■", QUIET),
}
SENTIMENT_COMPONENT = "scorer:sentiment"


def sentiment_state(health: Sequence[Health]) -> tuple[str, str]:
    """The sentiment model's state in words, and its colour, from its health row."""
    row = next((h for h in health if h.component == SENTIMENT_COMPONENT), None)
    if row is None:
        return "off", QUIET
    if row.state == "ok":
        return "ready", GOOD
    if row.state == "starting":
        return "loading", WAITING
    if row.state == "stopped":
        return "stopped", QUIET
    reason = safe_line(row.reason.split("\n", 1)[0], 60)
    return (f"error: {reason}" if reason else row.state), BAD


class StatusBar(Static):
    """One line at the bottom; the screen sets its parts and it redraws."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.live = "live"
        self.health: list[Health] = []
        self.per_minute: float | None = None
        self.shown = 0
        self.total: int | None = None
        self.filters = 0
        self.now: datetime | None = None

    def set_parts(self, **parts: object) -> None:
        """Change some parts (``live``, ``health``, ``per_minute``, ...) and redraw."""
        for name, value in parts.items():
            if not hasattr(self, name):
                raise AttributeError(f"StatusBar has no part {name!r}")
            setattr(self, name, value)
        # One line of fixed size: no layout pass needed (it costs a full reflow).
        self.update(self.compose_text(), layout=False)

    def compose_text(self) -> Text:
        """The status line as plain text with styles (never markup)."""
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        live_styles = {"live": "bold green", "paused": "bold yellow"}
        text.append(f" {self.live} ", style=live_styles.get(self.live, "bold"))
        sources = [h for h in self.health if h.kind == "source"]
        if sources:
            text.append(" sources ")
            for health in sources:
                glyph, colour = SOURCE_LOOK.get(health.state, ("?", BAD))
                text.append(glyph + " ", style=colour)
                text.append(safe_line(health.component.split(":", 1)[-1], 24))
                text.append_text(self._source_detail(health))
                text.append(" ")
        if self.per_minute is not None:
            text.append(f"│ {self.per_minute:,.0f}/min ")
        if self.total is None:
            text.append(f"│ {self.shown:,} shown ")
        else:
            text.append(f"│ {self.total:,} match ")
        text.append("│ ")
        text.append(
            f"{self.filters} filter{'s' if self.filters != 1 else ''}"
            if self.filters
            else "no filter",
            style="bold" if self.filters else "",
        )
        state, colour = sentiment_state(self.health)
        text.append(" │ sentiment ")
        text.append(state, style=colour)
        return text

    def _source_detail(self, health: Health) -> Text:
        detail = Text(end="")
        if health.state in ("backing_off", "rate_limited"):
            word = "backing off" if health.state == "backing_off" else "rate limited"
            until = (
                f" until {time_text(health.next_attempt, self.now)}" if health.next_attempt else ""
            )
            detail.append(f" ({word}{until})", style=WAITING)
        elif health.state in ("error", "auth_failed", "gone"):
            reason = safe_line(health.reason.split("\n", 1)[0], 50) or health.state
            detail.append(f" ({reason})", style=BAD)
        return detail
