"""StatusBar: live state, sources, the arrival rate, counts, filters, components' own words."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from ecoute.engine.health import Health

from ..safe_text import safe_line
from ..times import time_text

GOOD, WAITING, BAD, QUIET = "green", "yellow", "red", "dim"
SOURCE_LOOK: dict[str, tuple[str, str]] = {
    "ok": ("●", GOOD),
    "starting": ("○", QUIET),
    "backing_off": ("◐", WAITING),
    "rate_limited": ("◐", WAITING),
    "auth_failed": ("✗", BAD),
    "gone": ("✗", BAD),
    "error": ("✗", BAD),
    "stuck": ("✗", BAD),
    "stopped": ("■", QUIET),
}
STATE_COLOURS = {"ok": GOOD, "starting": WAITING, "stopped": QUIET}
# States in which a component is shown even when it says nothing itself, with their words.
FAILING = {
    "backing_off": ("backing off", WAITING),
    "rate_limited": ("rate limited", WAITING),
    "auth_failed": ("authentication failed", BAD),
    "gone": ("gone", BAD),
    "error": ("error", BAD),
    "stuck": ("stuck", BAD),
}


def component_state(health: Health) -> tuple[str, str] | None:
    """What a scorer or sink says of itself, and its colour; ``None``: nothing to say.

    The component's own word (``health.detail``: "loading model", "ready") when it
    has one; in a failing state, the state's word if it has none, and the reason.
    """
    failing = FAILING.get(health.state)
    word = safe_line(health.detail, 40)
    if failing is None:
        return (word, STATE_COLOURS.get(health.state, QUIET)) if word else None
    reason = safe_line(health.reason.split("\n", 1)[0], 60)
    word = word or failing[0]
    return (f"{word} ({reason})" if reason else word), failing[1]


class StatusBar(Widget):
    """One line at the bottom; the screen sets its parts and it draws itself again."""

    paused: reactive[bool] = reactive(False)
    stopping: reactive[bool] = reactive(False)
    health: reactive[list[Health]] = reactive(list, always_update=True)
    per_minute: reactive[float | None] = reactive(None)
    shown: reactive[int] = reactive(0)
    total: reactive[int | None] = reactive(None)
    filters: reactive[int] = reactive(0)
    now: reactive[datetime | None] = reactive(None)

    def render(self) -> Text:
        """The status line."""
        return self.compose_text()

    def compose_text(self) -> Text:
        """The status line as plain text with styles (never markup)."""
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        if self.stopping:
            text.append(" stopping ", style="bold")
        elif self.paused:
            text.append(" paused ", style="bold yellow")
        else:
            text.append(" live ", style="bold green")
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
        for health in self.health:
            if health.kind != "source":
                text.append_text(self._component(health))
        return text

    def _component(self, health: Health) -> Text:
        part = Text(end="")
        state = component_state(health)
        if state is None and health.pending <= 0:
            return part
        part.append(" │ " + safe_line(health.component.split(":", 1)[-1], 24))
        if state is not None:
            part.append(" ")
            part.append(state[0], style=state[1])
        if health.pending > 0:
            part.append(f" · {health.pending:,} pending", style=WAITING)
        return part

    def _source_detail(self, health: Health) -> Text:
        detail = Text(end="")
        if health.state in ("backing_off", "rate_limited"):
            word = "backing off" if health.state == "backing_off" else "rate limited"
            until = (
                f" until {time_text(health.next_attempt, self.now)}" if health.next_attempt else ""
            )
            detail.append(f" ({word}{until})", style=WAITING)
        elif health.state in ("error", "auth_failed", "gone", "stuck"):
            reason = safe_line(health.reason.split("\n", 1)[0], 50) or health.state
            detail.append(f" ({reason})", style=BAD)
        return detail
