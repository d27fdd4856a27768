"""PickOneScreen: choose one value from a short list (a sentiment, a tag to remove)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ..safe_text import safe_line


class PickOneScreen(ModalScreen[str | None]):
    """A list; Enter or a click returns the value, Escape returns ``None``.

    Options may name a key (a digit or letter) that picks them directly.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, options: Sequence[tuple[str, str, str]]) -> None:
        """``options`` are ``(value, label, key)``; ``key`` may be empty."""
        super().__init__()
        self.title_text = title
        self.options = list(options)

    def compose(self) -> ComposeResult:
        """Title and list."""
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            items = []
            for value, label, key in self.options:
                prompt = Text(end="")
                if key:
                    prompt.append(f"{key}  ", style="bold")
                prompt.append(safe_line(label, 60))
                items.append(Option(prompt, id=value))
            yield OptionList(*items, id="pick")
            yield Label(Text("enter choose · esc cancel", style="dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        """Focus the list."""
        self.query_one(OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        """A listed key picks its option at once."""
        for value, _, option_key in self.options:
            if option_key and event.character == option_key:
                event.stop()
                self.dismiss(value)
                return

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Return the chosen value."""
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
