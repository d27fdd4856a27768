"""SearchBox: the full-text search field; Enter applies, Escape goes back to the feed."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class SearchBox(Input):
    """An input whose value becomes the feed's search when Enter is pressed.

    Escape puts back the search in force and returns to the feed.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Back to the feed", show=False)
    ]

    class Applied(Message):
        """The user asked to search for ``text`` (empty: no search)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Left(Message):
        """The user left the search box without applying it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            placeholder='search: words, "a phrase", prefix*  (Enter)', id=id, compact=True
        )
        self.applied = ""

    def show(self, text: str) -> None:
        """Display the search in force (unless the user is typing)."""
        self.applied = text
        if not self.has_focus:
            self.value = text

    async def action_submit(self) -> None:
        """Apply the typed search."""
        self.post_message(self.Applied(self.value))

    def action_cancel(self) -> None:
        """Restore the search in force and leave."""
        self.value = self.applied
        self.post_message(self.Left())
