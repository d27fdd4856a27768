"""LogScreen: what the engine and plugins logged while the TUI ran."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, RichLog

from ..logbridge import LogLine

LEVEL_STYLES = {logging.WARNING: "yellow", logging.ERROR: "bold red", logging.CRITICAL: "bold red"}


def log_text(line: LogLine) -> Text:
    """One log line as plain text with a level colour (the message is already cleaned)."""
    text = Text(end="")
    text.append(line.at.astimezone().strftime("%H:%M:%S "), style="dim")
    text.append(
        f"{logging.getLevelName(line.level).lower():8}", style=LEVEL_STYLES.get(line.level, "")
    )
    text.append(line.message)
    return text


class LogScreen(ModalScreen[None]):
    """The recent log lines, newest at the bottom; Escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,L", "close", "Close")]

    def __init__(self, lines: Iterable[LogLine]) -> None:
        super().__init__()
        self.lines = list(lines)

    def compose(self) -> ComposeResult:
        """Title and the log."""
        with Vertical(classes="dialog log"):
            yield Label(Text("Engine log", style="bold"), classes="dialog-title")
            yield RichLog(id="log-lines", wrap=True, markup=False, highlight=False)
            yield Label(Text("esc close", style="dim"))

    def on_mount(self) -> None:
        """Fill the log."""
        log = self.query_one(RichLog)
        if not self.lines:
            log.write(Text("Nothing logged yet.", style="dim"))
        for line in self.lines:
            log.write(log_text(line))

    def action_close(self) -> None:
        """Close the log."""
        self.dismiss(None)
