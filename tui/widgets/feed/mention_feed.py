"""MentionFeed: the live feed, one line per mention, rendering only the lines on screen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ecoute.engine.records import utcnow
from ecoute.engine.store import PageKey

from ...keymap import bindings
from . import row_render
from .columns import Column, layout
from .row_render import RowStyles
from .rows import FeedRow
from .window import MAX_ROWS, FeedWindow

# Rows from the end of the window at which the next page is asked for.
PREFETCH_ROWS = 60


class MentionFeed(ScrollView, can_focus=True):
    """Mentions newest first; a fixed header line, then one line per mention.

    It holds a :class:`FeedWindow` (at most a few thousand rows) and renders only
    the visible lines, each cached. ``cursor`` is the selected row (``None``:
    nothing selected). With nothing selected and the view at the top, new
    mentions appear at the top; otherwise the view stays on the same rows and
    :class:`NewBelowTop` reports how many arrived above.
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("feed")
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "mention-feed--header",
        "mention-feed--cursor",
        "mention-feed--cursor-blurred",
        "mention-feed--match",
        "mention-feed--search",
        "mention-feed--muted",
        "mention-feed--negative",
        "mention-feed--positive",
        "mention-feed--needs-reply",
        "mention-feed--handled",
        "mention-feed--ignored",
    }

    cursor: var[int | None] = var(None)
    # A scorer has stored mentions still to score: rows without sentiment say so.
    sentiment_pending: var[bool] = var(False)

    class Selected(Message):
        """The selection changed (``row`` is ``None`` when nothing is selected)."""

        def __init__(self, row: FeedRow | None) -> None:
            super().__init__()
            self.row = row

    class Opened(Message):
        """The user asked to read the selected mention."""

        def __init__(self, row: FeedRow) -> None:
            super().__init__()
            self.row = row

    class WantOlder(Message):
        """The view is near the end of the loaded rows: read the next page."""

        def __init__(self, after: PageKey) -> None:
            super().__init__()
            self.after = after

    class WantNewer(Message):
        """The view reached the top of a window that dropped rows above."""

        def __init__(self, before: PageKey) -> None:
            super().__init__()
            self.before = before

    class WantTop(Message):
        """The user asked for the top of the feed, which is not in the window."""

    class NewBelowTop(Message):
        """How many new mentions arrived above the view since the user last looked."""

        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] = utcnow,
        window_rows: int = MAX_ROWS,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.window = FeedWindow(window_rows)
        self.clock = clock
        self.new_above = 0
        self.loading_older = False
        self.loading_newer = False
        self.empty_text = ""
        self._styles: RowStyles | None = None
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._columns: list[Column] = []
        self._columns_width = -1

    # -- state ------------------------------------------------------------------------

    @property
    def rows(self) -> list[FeedRow]:
        """The rows in memory, newest first."""
        return self.window.rows

    @property
    def selected(self) -> FeedRow | None:
        """The selected row, if any."""
        if self.cursor is None or not 0 <= self.cursor < len(self.rows):
            return None
        return self.rows[self.cursor]

    @property
    def following(self) -> bool:
        """Whether new mentions show at the top as they arrive."""
        return self.cursor is None and round(self.scroll_y) == 0 and not self.window.has_newer

    @property
    def first_visible(self) -> int:
        """Index of the first row on screen."""
        return round(self.scroll_y)

    @property
    def visible_rows(self) -> int:
        """How many rows fit under the header."""
        return max(1, self.size.height - 1)

    def show_rows(self, rows: Sequence[FeedRow], older_key: PageKey | None) -> None:
        """Replace everything with the first page of the feed; nothing selected."""
        self.window.reset(rows, older_key)
        self.loading_older = self.loading_newer = False
        self._strips.clear()
        self._set_new_above(0)
        self._resize_virtual()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor = None
        self.refresh()

    def add_older(self, rows: Sequence[FeedRow], older_key: PageKey | None) -> None:
        """Append a page below; the view keeps showing the same rows."""
        self.loading_older = False
        anchor = self._anchor()
        self.window.extend_older(rows, older_key)
        self._restore(anchor)

    def add_newer(self, rows: Sequence[FeedRow], complete: bool) -> None:
        """Put back rows above a window that had dropped its top."""
        self.loading_newer = False
        anchor = self._anchor()
        self.window.extend_newer(rows, complete)
        self._restore(anchor)

    def add_live(self, rows: Sequence[FeedRow], *, overflow: bool = False) -> int:
        """Merge newly stored rows; return how many were inserted above the view.

        ``overflow``: more were stored than were read, so the top of the feed is
        read again when the user goes there.
        """
        if overflow:
            self.window.has_newer = True
        if self.window.has_newer:
            # The top of the feed is not in memory: count them, show them on "top".
            self._set_new_above(self.new_above + len(rows))
            return len(rows)
        if self.following:
            self.window.merge_live(rows)
            self._resize_virtual()
            self.refresh()
            return 0
        anchor = self._anchor()
        self.window.merge_live(rows)
        above = self._restore(anchor)
        if above:
            self._set_new_above(self.new_above + above)
        return above

    def update_row(self, row: FeedRow) -> None:
        """Show a new version of a row (after a workflow action)."""
        index = self.window.replace(row)
        if index is not None:
            self.refresh()

    def _set_new_above(self, count: int) -> None:
        if count != self.new_above:
            self.new_above = count
            self.post_message(self.NewBelowTop(count))

    def _anchor(self) -> tuple[str | None, int, str | None, int]:
        """What the view shows: (first visible id, its index, selected id, its line)."""
        top = self.first_visible
        top_id = self.rows[top].id if top < len(self.rows) else None
        selected = self.selected
        line = (self.cursor or 0) - top
        return top_id, top, (selected.id if selected else None), line

    def _restore(self, anchor: tuple[str | None, int, str | None, int]) -> int:
        """Keep the same rows on screen after rows moved; return how many went above."""
        top_id, old_top, selected_id, line = anchor
        self._resize_virtual()
        new_top = self.window.index_of(top_id) if top_id is not None else None
        shifted = 0 if new_top is None else new_top - old_top
        selected_at = self.window.index_of(selected_id) if selected_id is not None else None
        if selected_at is not None:
            self.set_reactive(MentionFeed.cursor, selected_at)
            self.scroll_to(y=max(0, selected_at - line), animate=False, immediate=True)
        elif new_top is not None:
            if selected_id is not None:
                self.set_reactive(MentionFeed.cursor, None)
            self.scroll_to(y=new_top, animate=False, immediate=True)
        self.refresh()
        return max(0, shifted)

    def _resize_virtual(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)

    # -- moving -----------------------------------------------------------------------

    def validate_cursor(self, cursor: int | None) -> int | None:
        """Keep the cursor on a row."""
        if cursor is None or not self.rows:
            return None
        return max(0, min(cursor, len(self.rows) - 1))

    def watch_cursor(self, old: int | None, new: int | None) -> None:
        """Scroll the selection into view and tell the screen."""
        if new is not None:
            self._scroll_into_view(new)
            self._maybe_load_more(new)
        self.refresh()
        self.post_message(self.Selected(self.selected))

    def watch_sentiment_pending(self) -> None:
        """Draw the rows again with or without the pending mark."""
        self._strips.clear()
        self.refresh()

    def _scroll_into_view(self, index: int) -> None:
        top = self.first_visible
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + self.visible_rows:
            self.scroll_to(y=index - self.visible_rows + 1, animate=False, immediate=True)

    def _maybe_load_more(self, index: int) -> None:
        window = self.window
        if (
            index >= len(self.rows) - PREFETCH_ROWS
            and window.older_key is not None
            and not self.loading_older
        ):
            self.loading_older = True
            self.post_message(self.WantOlder(window.older_key))
        if index <= 1 and window.has_newer and self.rows and not self.loading_newer:
            self.loading_newer = True
            self.post_message(self.WantNewer(self.rows[0].key))

    def watch_scroll_y(self, old: float, new: float) -> None:
        """Repaint, and read more when scrolled near the end."""
        super().watch_scroll_y(old, new)
        self._maybe_load_more(round(new) + self.visible_rows)
        if round(new) == 0:
            self._maybe_load_more(0)
            if self.cursor is None:
                self._set_new_above(0)

    def action_cursor_down(self) -> None:
        """Select the next mention (the first visible one if none is selected)."""
        self.cursor = self.first_visible if self.cursor is None else self.cursor + 1

    def action_cursor_up(self) -> None:
        """Select the previous mention."""
        self.cursor = self.first_visible if self.cursor is None else self.cursor - 1

    def action_page_down(self) -> None:
        """Move a screenful down."""
        start = self.first_visible if self.cursor is None else self.cursor
        self.cursor = start + self.visible_rows - 1

    def action_page_up(self) -> None:
        """Move a screenful up."""
        start = self.first_visible if self.cursor is None else self.cursor
        self.cursor = start - self.visible_rows + 1

    def action_top(self) -> None:
        """Go to the top and follow new mentions (nothing selected)."""
        if self.window.has_newer:
            self.post_message(self.WantTop())
            return
        self.cursor = None
        self.scroll_to(y=0, animate=False, immediate=True)
        self._set_new_above(0)

    def action_bottom(self) -> None:
        """Select the last loaded mention (which asks for the next page)."""
        if self.rows:
            self.cursor = len(self.rows) - 1

    def action_deselect(self) -> None:
        """Select nothing; at the top, new mentions show again as they arrive."""
        self.cursor = None
        if round(self.scroll_y) == 0:
            self._set_new_above(0)

    def action_open(self) -> None:
        """Ask to read the selected mention (selecting the first one if none is)."""
        if self.cursor is None:
            self.cursor = self.first_visible
        row = self.selected
        if row is not None:
            self.post_message(self.Opened(row))

    def on_click(self, event: events.Click) -> None:
        """Select the clicked row; a double click opens it."""
        if event.y < 1:
            return
        index = self.first_visible + event.y - 1
        if index < len(self.rows):
            self.focus()
            self.cursor = index
            if event.chain >= 2:
                self.post_message(self.Opened(self.rows[index]))

    def on_focus(self) -> None:
        """Show the cursor in its focused colour."""
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        """Show the cursor in its unfocused colour."""
        self._strips.clear()
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        """Recompute the columns for the new width."""
        self._resize_virtual()
        self._strips.clear()

    def notify_style_update(self) -> None:
        """Forget cached lines and styles when the theme or styles change."""
        super().notify_style_update()
        self._strips.clear()
        self._styles = None

    # -- rendering --------------------------------------------------------------------

    def _row_styles(self) -> RowStyles:
        if self._styles is None:

            def part(name: str, default: Style | None = None) -> Style:
                return self.get_component_rich_style(
                    f"mention-feed--{name}", partial=True, default=default
                )

            states = ("needs-reply", "handled", "negative", "positive")
            self._styles = RowStyles(
                base=self.rich_style,
                header=self.get_component_rich_style("mention-feed--header"),
                muted=part("muted"),
                match=part("match"),
                search=part("search"),
                cursor=part("cursor"),
                cursor_blurred=part("cursor-blurred"),
                ignored=part("ignored"),
                by_state={state: part(state, Style()) for state in states},
            )
        return self._styles

    def render_line(self, y: int) -> Strip:
        """The header on line 0, then the row at the scroll position."""
        width = self.size.width
        if width != self._columns_width:
            self._columns = layout(width)
            self._columns_width = width
        styles = self._row_styles()
        if y == 0:
            return self._strip(row_render.header(self._columns, width, styles), width)
        index = self.first_visible + y - 1
        if index >= len(self.rows):
            if not self.rows and y == 2 and self.empty_text:
                return self._strip(row_render.message(self.empty_text, width, styles), width)
            return Strip.blank(width, self.rich_style)
        row = self.rows[index]
        selected = index == self.cursor
        key = (row, width, selected, self.has_focus)
        strip = self._strips.get(key)
        if strip is None:
            cursor = None
            if selected:
                cursor = styles.cursor if self.has_focus else styles.cursor_blurred
            text = row_render.row_text(
                row,
                self._columns,
                width,
                styles,
                self.clock(),
                cursor,
                sentiment_pending=self.sentiment_pending,
            )
            strip = self._strips[key] = self._strip(text, width).simplify()
        return strip

    def _strip(self, text: Text, width: int) -> Strip:
        return Strip(text.render(self.app.console), width)
