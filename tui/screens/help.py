"""HelpScreen: every key, grouped, read from the one key table."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from ..keymap import GROUPS, KEYS

MOUSE = (
    ("click", "select a mention, open a filter, jump to new mentions"),
    ("double click", "read the mention in the detail pane"),
    ("wheel", "scroll the feed or the detail pane"),
)


def keys_table() -> Table:
    """All keys by group, as a table of plain text."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for group in GROUPS:
        table.add_row(Text(group, style="bold underline"), Text(""))
        for key in KEYS:
            if key.group == group:
                table.add_row(Text(key.shown_keys), Text(key.description))
        table.add_row(Text(""), Text(""))
    table.add_row(Text("Mouse", style="bold underline"), Text(""))
    for what, does in MOUSE:
        table.add_row(Text(what), Text(does))
    return table


class HelpScreen(ModalScreen[None]):
    """Shows every key binding; Escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        """Title and the key table, scrollable."""
        with Vertical(classes="dialog help"):
            yield Label(Text("Keys", style="bold"), classes="dialog-title")
            with VerticalScroll(id="help-keys"):
                yield Static(keys_table())
            yield Label(Text("esc close · ctrl+p command palette", style="dim"))

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
