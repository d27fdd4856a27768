"""FeedScreen: lays out the filter bar, feed, detail pane and status bar; routes their messages."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.command import Provider
from textual.containers import Container
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer

from ecoute.engine.store import StoredMention

from .. import jobs
from ..catch_up import ScorerCatchUp
from ..commands import FeedCommands
from ..keymap import bindings
from ..mention_actions import MentionActions
from ..messages import (
    ActionDone,
    DetailLoaded,
    EngineChanged,
    EngineCommitted,
    FeedCounted,
    FeedShown,
    FiltersChanged,
    LivePaused,
    RetryRequested,
    StatsLoaded,
)
from ..options import TuiOptions
from ..safe_text import safe_line
from ..store_threads import StoreThreads
from ..widgets.detail.pane import DetailPane
from ..widgets.feed.mention_feed import MentionFeed
from ..widgets.feed.pane import FeedPane
from ..widgets.feed.rows import FeedRow
from ..widgets.filter_bar import FilterBar
from ..widgets.search_box import SearchBox
from ..widgets.status_bar import StatusBar

WIDE = 180  # columns from which the detail pane sits beside the feed
# Source states that `R` asks the engine to retry at once.
RETRYABLE_STATES = ("backing_off", "rate_limited", "auth_failed", "stuck", "error")


class FeedScreen(Screen[None]):
    """The main screen: filter bar, feed, detail pane, status bar and key hints.

    Each part owns its state: the filter bar the filters, the feed pane the rows
    and the live stream, the detail pane the mention it shows. This screen lays
    them out, passes what one says to the others, reads the selected mention and
    the components' health, and maps the screen's keys to the part they act on.
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("screen")
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {FeedCommands}

    def __init__(self, threads: StoreThreads, options: TuiOptions) -> None:
        super().__init__()
        self.threads = threads
        self.options = options
        self.mention_actions = MentionActions(self, threads)
        self.catch_up = ScorerCatchUp()

    def compose(self) -> ComposeResult:
        """Filter bar; feed and detail side by side or stacked; status bar; key hints."""
        options = self.options
        yield FilterBar(
            self.threads,
            options.clock,
            options.topics,
            choices_interval=options.choices_interval,
            id="filter-bar",
        )
        with Container(id="panes"):
            yield FeedPane(
                self.threads,
                options.clock,
                window_rows=options.window_rows,
                live_interval=options.live_interval,
                engine_running=options.engine is not None,
                id="feed-pane",
            )
            yield DetailPane(clock=options.clock, id="detail")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        """Read the feed for the filters in force and the health; focus the feed."""
        self.feed.focus()
        self.feed_pane.show(self.filter_bar.filters)
        self.read_stats()
        if self.options.stats_interval:
            self.set_interval(self.options.stats_interval, self.read_stats, name="stats")

    def on_resize(self, event: Resize) -> None:
        """Detail beside the feed on wide terminals, below it otherwise."""
        self.set_class(event.size.width >= WIDE, "-wide")

    @property
    def filter_bar(self) -> FilterBar:
        """The filter bar, owner of the filters in force."""
        return self.query_one(FilterBar)

    @property
    def feed_pane(self) -> FeedPane:
        """The feed pane."""
        return self.query_one(FeedPane)

    @property
    def feed(self) -> MentionFeed:
        """The mention list."""
        return self.query_one(MentionFeed)

    @property
    def detail(self) -> DetailPane:
        """The detail pane."""
        return self.query_one(DetailPane)

    @property
    def status(self) -> StatusBar:
        """The status bar."""
        return self.query_one(StatusBar)

    # -- what the parts say -------------------------------------------------------------

    def on_filters_changed(self, message: FiltersChanged) -> None:
        """Read the feed again for the new filters."""
        self.status.filters = message.filters.active
        self.feed_pane.show(message.filters)

    def on_feed_shown(self, message: FeedShown) -> None:
        """A new first page: nothing is selected any more."""
        self.detail.show(None)

    def on_feed_counted(self, message: FeedCounted) -> None:
        """Show how many rows are loaded and how many match."""
        self.status.shown, self.status.total = message.shown, message.total

    def on_live_paused(self, message: LivePaused) -> None:
        """Show whether the live stream is paused."""
        self.status.paused = message.paused

    @on(MentionFeed.Selected)
    def _selection_changed(self, message: MentionFeed.Selected) -> None:
        """Read the selected mention in full (nothing selected: the hint)."""
        if message.row is None:
            self.detail.show(None)
            return
        reading = partial(jobs.mention, self.threads, self.post_message, message.row.id)
        jobs.start(self, reading, group="detail", exclusive=True)

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        """Show the mention if it is still selected, and refresh its row."""
        message.stop()
        selected = self.feed.selected
        if selected is None or selected.id != message.mention_id:
            return
        if message.stored is None:
            self.detail.show_missing(message.mention_id)
            return
        self._show_stored(message.stored)

    def on_action_done(self, message: ActionDone) -> None:
        """Say what was saved; show it on the row and in the detail pane."""
        message.stop()
        self.notify(message.done, markup=False)
        if message.stored is not None:
            self._show_stored(message.stored)

    def _show_stored(self, stored: StoredMention) -> None:
        self.feed_pane.update_mention(stored)
        selected = self.feed.selected
        if selected is not None and selected.id == stored.id:
            self.detail.show(stored, self.filter_bar.filters.search_terms())

    @on(MentionFeed.Opened)
    def _open_detail(self) -> None:
        """Move the focus to the detail pane, to read and scroll."""
        self.detail.display = True
        self.detail.focus()

    @on(DetailPane.Left)
    @on(SearchBox.Applied)
    @on(SearchBox.Left)
    def _back_to_feed(self) -> None:
        """Back to the feed from the detail pane or the search box."""
        self.feed.focus()

    def read_stats(self) -> None:
        """Read every component's health and the arrival rate."""
        reading = partial(jobs.stats, self.threads, self.post_message, self.options.clock())
        jobs.start(self, reading, group="stats", exclusive=True)

    def on_stats_loaded(self, message: StatsLoaded) -> None:
        """Show health and rate; mark mentions that a scorer has yet to reach."""
        message.stop()
        self.status.now = self.options.clock()
        self.status.health = message.health
        self.status.per_minute = message.per_minute
        reread = self.catch_up.read(message.health)
        self.feed.sentiment_pending = self.detail.sentiment_pending = self.catch_up.waiting
        if reread:
            self.feed_pane.read_unscored()
            self._read_selected_unscored()

    def _read_selected_unscored(self) -> None:
        shown = self.detail.stored
        if shown is not None and shown.effective_sentiment is None:
            reading = partial(jobs.mention, self.threads, self.post_message, shown.id)
            jobs.start(self, reading, group="detail", exclusive=True)

    def on_engine_committed(self, message: EngineCommitted) -> None:
        """The engine stored mentions: show them now rather than at the next poll."""
        self.feed_pane.poll()

    def on_engine_changed(self, message: EngineChanged) -> None:
        """Show that the engine is stopping; once it stopped, no more mentions are awaited."""
        self.status.stopping = message.state == "stopping"
        self.feed_pane.engine_running = message.state == "running"

    # -- keys -----------------------------------------------------------------------------

    def action_search(self) -> None:
        """Put the cursor in the search box."""
        self.filter_bar.focus_search()

    def action_pick_range(self) -> None:
        """Choose the date range."""
        self.filter_bar.pick_range()

    def action_pick(self, kind: str) -> None:
        """Choose the values of one set filter."""
        self.filter_bar.pick(kind)

    def action_clear_filters(self) -> None:
        """Remove every filter."""
        self.filter_bar.clear()

    def action_save_view(self) -> None:
        """Save the filters as a named view."""
        self.filter_bar.save_view()

    def action_views(self) -> None:
        """Recall or delete a saved view."""
        self.filter_bar.recall_view()

    def action_toggle_pause(self) -> None:
        """Pause or resume the live stream."""
        self.feed_pane.toggle_pause()

    def action_reload(self) -> None:
        """Read everything again from the store."""
        self.feed_pane.reload()
        self.filter_bar.read_choices()
        self.filter_bar.read_views()
        self.read_stats()

    def action_retry_sources(self) -> None:
        """Ask the engine to fetch every failing or waiting source now."""
        waiting = [
            health.component
            for health in self.status.health
            if health.kind == "source" and health.state in RETRYABLE_STATES
        ]
        if not waiting:
            self.notify("No source is failing or waiting to retry.")
            return
        asking = partial(jobs.request_retry, self.threads, self.post_message, waiting)
        jobs.start(self, asking, group="write")

    def on_retry_requested(self, message: RetryRequested) -> None:
        """Say which sources the engine was asked to retry."""
        message.stop()
        names = ", ".join(safe_line(c.split(":", 1)[-1], 40) for c in message.components)
        self.notify(f"Asked the engine to retry {names} now (it checks every 2 s).", markup=False)

    def action_toggle_detail(self) -> None:
        """Show or hide the detail pane."""
        detail = self.detail
        detail.display = not detail.display
        if not detail.display:
            self.feed.focus()

    def _selected(self) -> FeedRow | None:
        row = self.feed.selected
        if row is None:
            self.notify("Select a mention first (↓ or j, or click one).", severity="warning")
        return row

    def action_set_status(self, status: str) -> None:
        """Set the workflow status of the selected mention."""
        if row := self._selected():
            self.mention_actions.set_status(row, status)

    def action_correct_sentiment(self) -> None:
        """Correct the sentiment of the selected mention."""
        if row := self._selected():
            self.mention_actions.correct_sentiment(row)

    def action_add_tag(self) -> None:
        """Tag the selected mention."""
        if row := self._selected():
            self.mention_actions.add_tag(row)

    def action_remove_tag(self) -> None:
        """Remove one of the selected mention's tags."""
        if row := self._selected():
            shown = self.detail.stored
            tags = shown.tags if shown is not None and shown.id == row.id else []
            self.mention_actions.remove_tag(row, tags)

    def action_add_note(self) -> None:
        """Add a note to the selected mention."""
        if row := self._selected():
            self.mention_actions.add_note(row)

    def action_open_url(self) -> None:
        """Open the selected mention's link."""
        if row := self._selected():
            self.mention_actions.open_url(row)

    def action_copy_url(self) -> None:
        """Copy the selected mention's link."""
        if row := self._selected():
            self.mention_actions.copy_url(row)
