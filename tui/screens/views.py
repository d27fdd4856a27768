"""ViewsScreen: recall a saved view, or delete one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from ecoute.engine.store import SavedView

from ..filters import SET_FIELDS, TIME_FIELDS, FeedFilters
from ..safe_text import safe_line

NAMES = {
    "platforms": "platform",
    "topics": "topic",
    "sentiments": "sentiment",
    "langs": "lang",
    "statuses": "status",
}


def describe(filters: FeedFilters) -> str:
    """``last 24 h (published) · platform reddit, news · search "sync"``, or ``everything``."""
    parts = []
    if filters.range != "all":
        parts.append(f"{filters.range_label()} ({TIME_FIELDS[filters.time_field]})")
    for name in SET_FIELDS:
        values = filters.values(name)
        if values:
            parts.append(f"{NAMES[name]} {', '.join(safe_line(v) for v in values)}")
    if filters.text:
        parts.append(f'search "{safe_line(filters.text)}"')
    return " · ".join(parts) or "everything"


class ViewsScreen(ModalScreen[tuple[str, str] | None]):
    """Returns ``("apply", name)`` or ``("delete", name)``, or ``None`` when closed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close"),
        Binding("d,delete", "delete", "Delete view"),
    ]

    def __init__(self, views: Sequence[SavedView]) -> None:
        super().__init__()
        self.views = list(views)

    def compose(self) -> ComposeResult:
        """The views with what each one filters."""
        with Vertical(classes="dialog"):
            yield Label(Text("Saved views", style="bold"), classes="dialog-title")
            if not self.views:
                yield Label(
                    Text("No saved views yet: set filters, then press s to save them.", "dim")
                )
            items = []
            for view in self.views:
                prompt = Text(safe_line(view.name, 40), style="bold", end="")
                try:
                    summary = describe(FeedFilters.from_json(view.filters))
                except ValueError as exc:
                    summary = f"unreadable: {exc}"
                prompt.append("\n  " + safe_line(summary, 100), style="dim")
                items.append(Option(prompt, id=view.name))
            yield OptionList(*items, id="views")
            yield Label(
                Text("enter apply · d delete · esc close", style="dim"), classes="dialog-hint"
            )

    def on_mount(self) -> None:
        """Focus the list."""
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Apply the chosen view."""
        if event.option.id is not None:
            self.dismiss(("apply", event.option.id))

    def action_delete(self) -> None:
        """Delete the highlighted view."""
        views = self.query_one(OptionList)
        if views.highlighted is not None:
            option = views.get_option_at_index(views.highlighted)
            if option.id is not None:
                self.dismiss(("delete", option.id))

    def action_cancel(self) -> None:
        """Close."""
        self.dismiss(None)
