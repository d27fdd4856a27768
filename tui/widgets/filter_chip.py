"""FilterChip: one filter in the filter bar, with its key, name and current value."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Static

from ..safe_text import safe_line

MAX_VALUE_CHARS = 48


class FilterChip(Static):
    """Shows ``[key] Name: value``; a click asks the screen to edit this filter."""

    class Pressed(Message):
        """The chip was clicked."""

        def __init__(self, chip: FilterChip) -> None:
            super().__init__()
            self.chip = chip

    def __init__(self, kind: str, key: str, name: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind = kind
        self.key = key
        self.label = name
        self.value = "-"  # nothing shown yet

    def show(self, value: str, active: bool) -> None:
        """Display ``value`` when ``active`` (untrusted text is cleaned), else the name only."""
        self.value = value if active else ""
        self.set_class(active, "-active")
        text = Text(no_wrap=True, end="")
        text.append(self.key, style="bold")
        text.append(f" {self.label}")
        if active:
            text.append(": " + safe_line(value, MAX_VALUE_CHARS))
        self.update(text)

    def on_click(self, event: events.Click) -> None:
        """Ask the screen to open this filter's picker."""
        event.stop()
        self.post_message(self.Pressed(self))
