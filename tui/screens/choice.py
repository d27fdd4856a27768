"""ChoiceScreen: pick any number of values for one filter (platforms, topics, ...)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, SelectionList
from textual.widgets.selection_list import Selection

from ..safe_text import safe_line


class ChoiceScreen(ModalScreen[tuple[str, ...] | None]):
    """A checklist; returns the checked values, or ``None`` when cancelled.

    Space toggles, Enter applies, ``a`` checks or unchecks everything, Escape cancels.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "apply", "Apply", priority=True),
        Binding("a", "toggle_all", "All / none"),
    ]

    def __init__(
        self, title: str, options: Sequence[tuple[str, str]], selected: Sequence[str]
    ) -> None:
        super().__init__()
        self.title_text = title
        self.options = list(options)
        self.initially = set(selected)

    def compose(self) -> ComposeResult:
        """Title, checklist, buttons."""
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            yield SelectionList[str](
                *(
                    Selection(Text(safe_line(label, 60)), value, value in self.initially)
                    for value, label in self.options
                ),
                id="choices",
            )
            yield Label(
                Text("space toggle · a all/none · enter apply · esc cancel", style="dim"),
                classes="dialog-hint",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Any (clear)", id="clear")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Focus the list."""
        self.query_one(SelectionList).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Apply, clear or cancel."""
        if event.button.id == "apply":
            self.action_apply()
        elif event.button.id == "clear":
            self.dismiss(())
        else:
            self.dismiss(None)

    def action_apply(self) -> None:
        """Return the checked values."""
        self.dismiss(tuple(self.query_one(SelectionList).selected))

    def action_toggle_all(self) -> None:
        """Check everything, or nothing if everything is checked."""
        choices: SelectionList[str] = self.query_one(SelectionList)
        if len(choices.selected) == len(self.options):
            choices.deselect_all()
        else:
            choices.select_all()

    def action_cancel(self) -> None:
        """Close without changing the filter."""
        self.dismiss(None)
