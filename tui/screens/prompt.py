"""PromptScreen: ask for one line of text (a tag, a note, a view name)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class PromptScreen(ModalScreen[str | None]):
    """An input; Enter returns the trimmed text (not empty), Escape returns ``None``."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.initial = value

    def compose(self) -> ComposeResult:
        """Title, input, hint."""
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            yield Input(value=self.initial, placeholder=self.placeholder, id="prompt")
            yield Label(Text("enter save · esc cancel", style="dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        """Focus the input."""
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Return the text, unless it is blank."""
        text = event.value.strip()
        if text:
            self.dismiss(text)
        else:
            self.notify("Type something first, or Escape to cancel.", severity="warning")

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)
