"""NewMarker: "N new" above the feed when mentions arrived out of view, or while paused."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Static


class NewMarker(Static):
    """Offers to jump to the top; hidden when there is nothing to say."""

    class Pressed(Message):
        """The marker was clicked."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.count = 0
        self.paused = False
        self.display = False

    def show(self, count: int, paused: bool) -> None:
        """``count`` mentions wait above the view; ``paused`` when the stream is paused."""
        self.count, self.paused = count, paused
        shown = bool(count) or paused
        if shown != self.display:
            self.display = shown  # this one changes the layout
        if not shown:
            return
        text = Text(no_wrap=True, end="")
        if paused:
            text.append("⏸ live stream paused", style="bold")
            text.append(f" · {count:,} new" if count else "")
            text.append(" · space to resume")
        else:
            text.append(f"▲ {count:,} new mention{'s' if count != 1 else ''}", style="bold")
            text.append(" · g or click to jump to the top")
        self.update(text, layout=False)

    def on_click(self, event: events.Click) -> None:
        """Ask the screen to show the top of the feed."""
        event.stop()
        self.post_message(self.Pressed())
