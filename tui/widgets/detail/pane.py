"""DetailPane: the selected mention in full; scrolls when it is long."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import var
from textual.widgets import Static

from ecoute.engine.records import utcnow
from ecoute.engine.store import StoredMention

from ...safe_text import safe_line
from .view import detail

HINT = (
    "Select a mention (↓ or j, or a click) to read it here in full, with why it matched.\n"
    "Then r needs reply · h handled · i ignored · e sentiment · t tag · n note · o open · y copy"
)


class DetailPane(VerticalScroll, can_focus=True):
    """Shows one stored mention (or a hint when nothing is selected); Escape leaves it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back to the feed", show=False)
    ]

    # A scorer has stored mentions still to score: a mention without sentiment says so.
    sentiment_pending: var[bool] = var(False, init=False)

    class Left(Message):
        """The user asked to go back to the feed."""

    def __init__(self, *, clock: Callable[[], datetime] = utcnow, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.mention_id: str | None = None
        self.stored: StoredMention | None = None
        self.terms: tuple[str, ...] = ()
        self.renderable: RenderableType = Text(HINT, style="dim")

    def action_leave(self) -> None:
        """Ask the screen to focus the feed again."""
        self.post_message(self.Left())

    def compose(self) -> ComposeResult:
        """One Static holding the rendered mention."""
        yield Static(self.renderable, id="detail-body")

    def show(self, stored: StoredMention | None, terms: Sequence[str] = ()) -> None:
        """Display ``stored`` with the searched ``terms`` highlighted (``None``: the hint)."""
        if stored is None and self.stored is None and self.mention_id is None:
            return  # the hint is already there
        self.stored = stored
        self.mention_id = stored.id if stored else None
        self.terms = tuple(terms)
        self._render_body()
        self.scroll_home(animate=False)

    def show_missing(self, mention_id: str) -> None:
        """The mention is gone from the store (deleted by someone else)."""
        self.stored = None
        self.mention_id = mention_id
        text = Text("This mention is no longer in the store: ", style="dim")
        text.append(safe_line(mention_id))
        self._update(text)

    def watch_sentiment_pending(self) -> None:
        """Show a mention without sentiment again, waiting or not scored."""
        stored = self.stored
        if stored is not None and stored.effective_sentiment is None:
            self._render_body()

    def _render_body(self) -> None:
        stored = self.stored
        if stored is None:
            self._update(Text(HINT, style="dim"))
            return
        now = self.clock()
        self._update(detail(stored, self.terms, now, sentiment_pending=self.sentiment_pending))

    def _update(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self.query_one("#detail-body", Static).update(renderable)
