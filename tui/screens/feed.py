"""FeedScreen: the filter bar, the live feed, the detail pane and the status bar."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container, Vertical
from textual.events import Resize
from textual.widgets import Footer

from .. import reader
from ..filters import FeedFilters
from ..keymap import bindings
from ..messages import (
    ChoicesLoaded,
    CountLoaded,
    DetailLoaded,
    FeedShown,
    PageLoaded,
    StatsLoaded,
    StoreFailed,
    ViewsLoaded,
)
from ..widgets.detail_pane import DetailPane
from ..widgets.filter_bar import FilterBar
from ..widgets.filter_chip import FilterChip
from ..widgets.mention_feed import MentionFeed
from ..widgets.new_marker import NewMarker
from ..widgets.search_box import SearchBox
from ..widgets.status_bar import StatusBar
from .feed_live import FeedLive
from .filter_actions import FilterActions
from .mention_actions import MentionActions

WIDE = 180  # columns from which the detail pane sits beside the feed


class FeedScreen(FeedLive, FilterActions, MentionActions):
    """The main screen: filter bar, feed, detail pane, status bar and key hints.

    State and the workers that read the store are in :class:`~.feed_base.FeedBase`;
    live streaming, filter and mention actions in their own mixins; here the
    layout and the handlers that put what workers read on screen.
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("screen")

    # -- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Filter bar; feed and detail side by side or stacked; status bar; key hints."""
        yield FilterBar(id="filter-bar")
        with Container(id="panes"):
            with Vertical(id="feed-pane"):
                yield NewMarker(id="new-marker")
                yield MentionFeed(clock=self.clock, window_rows=self.window_rows, id="feed")
            yield DetailPane(id="detail")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        """Show the filters, read the first page and the choices, focus the feed."""
        self.query_one(FilterBar).show(self.filters)
        self.status.set_parts(filters=self.filters.active, live=self.live_word())
        self.feed.focus()
        self.reload()
        self.load_choices()
        self.load_views()
        self.load_stats()

    def on_resize(self, event: Resize) -> None:
        """Detail beside the feed on wide terminals, below it otherwise."""
        self.set_class(event.size.width >= WIDE, "-wide")

    # -- filters ----------------------------------------------------------------------

    def watch_filters(self, old: FeedFilters, new: FeedFilters) -> None:
        """Show the new filters and read the feed again."""
        self.query_one(FilterBar).show(new)
        self.status.set_parts(filters=new.active)
        self.reload()

    def on_page_loaded(self, message: PageLoaded) -> None:
        """Put a page in the feed (a page of outdated filters is dropped)."""
        if message.generation != self.generation:
            return
        feed = self.feed
        if message.where == "reset":
            self.last_seq = message.latest_seq
            feed.empty_text = self.empty_text()
            feed.show_rows(message.rows, message.older_key)
            if self.detail.mention_id is not None:
                self.detail.show(None, (), self.clock())
            self.post_message(FeedShown(self.generation, len(message.rows)))
            self.count_matches()
        elif message.where == "older":
            feed.add_older(message.rows, message.older_key)
        else:
            feed.add_newer(message.rows, complete=len(message.rows) >= reader.PAGE_ROWS)
        self.status.set_parts(shown=len(feed.rows))

    def empty_text(self) -> str:
        """What the feed says when it has no row."""
        if self.filters.active:
            return "No mention matches these filters (x clears them)."
        if self.engine_running:
            return "Waiting for the first mentions from the engine..."
        return (
            "No mentions in the store yet: run `ecoute run` in another terminal "
            "(this feed follows it), or `ecoute tui --engine`, or try `ecoute demo`."
        )

    def on_count_loaded(self, message: CountLoaded) -> None:
        """Show how many mentions match."""
        if message.generation == self.generation:
            self.status.set_parts(total=message.count)

    @on(MentionFeed.WantOlder)
    def read_older(self, message: MentionFeed.WantOlder) -> None:
        """Read the page below the loaded rows."""
        self.read_more("older", message.after)

    @on(MentionFeed.WantNewer)
    def read_newer(self, message: MentionFeed.WantNewer) -> None:
        """Read back the page above a window that dropped its top."""
        self.read_more("newer", message.before)

    @on(MentionFeed.WantTop)
    def read_top(self) -> None:
        """The top of the feed is not in memory: read it again."""
        self.reload()

    # -- selection and detail -----------------------------------------------------------

    @on(MentionFeed.Selected)
    def selection_changed(self, message: MentionFeed.Selected) -> None:
        """Read the selected mention in full (nothing selected: the hint)."""
        row = message.row
        if row is None:
            self.detail.show(None, (), self.clock())
            return
        self.read_detail(row.id)

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        """Show the mention, and refresh its row with its current state."""
        selected = self.feed.selected
        if selected is None or selected.id != message.mention_id:
            return
        if message.stored is None:
            self.detail.show_missing(message.mention_id)
            return
        self.show_stored(message.stored)

    @on(MentionFeed.Opened)
    def open_detail(self) -> None:
        """Move the focus to the detail pane, to read and scroll."""
        detail = self.detail
        detail.display = True
        detail.focus()

    @on(DetailPane.Left)
    def detail_left(self) -> None:
        """Back to the feed from the detail pane."""
        self.feed.focus()

    # -- filter bar -----------------------------------------------------------------------

    @on(FilterChip.Pressed)
    def chip_pressed(self, message: FilterChip.Pressed) -> None:
        """A click on a chip opens its picker."""
        kind = message.chip.kind
        if kind == "range":
            self.action_pick_range()
        else:
            self.action_pick(kind)

    @on(SearchBox.Applied)
    def search_applied(self, message: SearchBox.Applied) -> None:
        """Search for the typed text and go back to the feed."""
        self.filters = replace(self.filters, text=message.text)
        self.feed.focus()

    @on(SearchBox.Left)
    def search_left(self) -> None:
        """Back to the feed."""
        self.feed.focus()

    # -- background reads ---------------------------------------------------------------

    def on_choices_loaded(self, message: ChoicesLoaded) -> None:
        """Keep the choices (configured topics stay even before a mention matches)."""
        self.choices = {
            "platforms": tuple(message.platforms),
            "topics": tuple(sorted({*self.configured_topics, *message.topics})),
            "langs": tuple(message.langs),
        }
        if message.then_pick:
            self.open_picker(message.then_pick)

    def on_views_loaded(self, message: ViewsLoaded) -> None:
        """Keep the saved views."""
        self.views = message.views

    def on_stats_loaded(self, message: StatsLoaded) -> None:
        """Show health and rate."""
        self.status.set_parts(
            health=message.health, per_minute=message.per_minute, now=self.clock()
        )

    def on_store_failed(self, message: StoreFailed) -> None:
        """Every store failure ends here, as a notification."""
        self.notify(f"{message.what} failed: {message.error}", severity="error", markup=False)
