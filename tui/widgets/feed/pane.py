"""FeedPane: the feed of the filters in force, read a page at a time, live, with "N new"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical

from ecoute.engine.store import PageKey, StoredMention

from ... import jobs, reader
from ...filters import FeedFilters
from ...messages import (
    CountLoaded,
    FeedCounted,
    FeedShown,
    LivePaused,
    LiveRows,
    PageLoaded,
    RowsRead,
)
from ...store_threads import StoreThreads
from .live import Arrival, LiveStream
from .mention_feed import MentionFeed
from .new_marker import NewMarker
from .rows import feed_row

# Rows without sentiment read again at most at once, nearest the view first.
UNSCORED_ROWS = 200


class FeedPane(Vertical):
    """The "N new" marker over the mention list, and everything that fills the list.

    :meth:`show` reads the feed for new filters; pages below (and back above) are
    read as the list asks; :meth:`poll` reads what was stored since the last look
    (the live timer and the engine's commits call it), merged at once, or held by
    the :class:`LiveStream` while paused. Posts :class:`FeedShown` when a first
    page is on screen, :class:`FeedCounted` when counts change and
    :class:`LivePaused` when the stream is paused or resumed.
    """

    def __init__(
        self,
        threads: StoreThreads,
        clock: Callable[[], datetime],
        *,
        window_rows: int,
        live_interval: float | None = None,
        engine_running: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.threads = threads
        self.clock = clock
        self.window_rows = window_rows
        self.live_interval = live_interval
        self.engine_running = engine_running
        # The filters of the rows shown; results of older ones are told apart by generation.
        self.filters = FeedFilters()
        self.generation = 0
        self.live = LiveStream()
        self.total: int | None = None

    def compose(self) -> ComposeResult:
        """The marker, then the list."""
        yield NewMarker(id="new-marker")
        yield MentionFeed(clock=self.clock, window_rows=self.window_rows, id="feed")

    def on_mount(self) -> None:
        """Poll for new mentions on a timer (tests poll explicitly)."""
        if self.live_interval:
            self.set_interval(self.live_interval, self.poll, name="live")

    @property
    def feed(self) -> MentionFeed:
        """The mention list."""
        return self.query_one(MentionFeed)

    # -- reading --------------------------------------------------------------------------

    def show(self, filters: FeedFilters) -> None:
        """Read the feed from the top for ``filters``."""
        self.filters = filters
        self.reload()

    def reload(self) -> None:
        """Read the feed from the top for the filters shown."""
        self.generation += 1
        self.live.forget_held()
        self.total = None
        self._counted()
        # A count of the old filters may still run: it would slow the new page down.
        self.threads.interrupt("count")
        first = partial(
            jobs.first_page,
            self.threads,
            self.post_message,
            self.generation,
            self.filters,
            self.clock(),
        )
        jobs.start(self, first, group="page", exclusive=True)

    def on_page_loaded(self, message: PageLoaded) -> None:
        """Put a page in the list (a page of outdated filters is dropped)."""
        message.stop()
        if message.generation != self.generation:
            return
        feed = self.feed
        if message.where == "reset":
            self.live.restart(message.latest_seq)
            feed.empty_text = self._empty_text()
            feed.show_rows(message.rows, message.older_key)
            self.post_message(FeedShown(self.generation, len(message.rows)))
            self._count()
        elif message.where == "older":
            feed.add_older(message.rows, message.older_key)
        else:
            feed.add_newer(message.rows, complete=len(message.rows) >= reader.PAGE_ROWS)
        self._counted()

    def _count(self) -> None:
        generation = self.generation
        counting = partial(
            jobs.count,
            self.threads,
            self.post_message,
            generation,
            self.filters,
            self.clock(),
            lambda: generation == self.generation,
        )
        jobs.start(self, counting, group="count", exclusive=True)

    def on_count_loaded(self, message: CountLoaded) -> None:
        """Keep how many mentions match."""
        message.stop()
        if message.generation == self.generation:
            self.total = message.count
            self._counted()

    def _counted(self) -> None:
        self.post_message(FeedCounted(len(self.feed.rows), self.total))

    def _empty_text(self) -> str:
        if self.filters.active:
            return "No mention matches these filters (x clears them)."
        if self.engine_running:
            return "Waiting for the first mentions from the engine..."
        return (
            "No mentions in the store yet: run `ecoute run` in another terminal "
            "(this feed follows it), or `ecoute tui --engine`, or try `ecoute demo`."
        )

    @on(MentionFeed.WantOlder)
    def _read_older(self, message: MentionFeed.WantOlder) -> None:
        self._read_more("older", message.after)

    @on(MentionFeed.WantNewer)
    def _read_newer(self, message: MentionFeed.WantNewer) -> None:
        self._read_more("newer", message.before)

    @on(MentionFeed.WantTop)
    def _read_top(self) -> None:
        self.reload()

    def _read_more(self, where: str, key: PageKey) -> None:
        reading = partial(
            jobs.more,
            self.threads,
            self.post_message,
            self.generation,
            self.filters,
            self.clock(),
            where,
            key,
        )
        jobs.start(self, reading, group="page-more")

    def read_unscored(self) -> None:
        """Read again the rows without sentiment (a scorer caught up with stored mentions)."""
        feed = self.feed
        start = feed.first_visible
        nearest = feed.rows[start:] + feed.rows[:start]
        ids = [row.id for row in nearest if row.sentiment is None][:UNSCORED_ROWS]
        if ids:
            reading = partial(
                jobs.rows_again, self.threads, self.post_message, self.generation, self.filters, ids
            )
            jobs.start(self, reading, group="unscored", exclusive=True)

    def on_rows_read(self, message: RowsRead) -> None:
        """Show the rows as they are now."""
        message.stop()
        if message.generation == self.generation:
            for row in message.rows:
                self.feed.update_row(row)

    def update_mention(self, stored: StoredMention) -> None:
        """Show ``stored`` as it is now on its row (after an action, or read in full)."""
        self.feed.update_row(feed_row(stored, self.filters.time_field, self.filters.search_terms()))

    # -- live -----------------------------------------------------------------------------

    def poll(self) -> None:
        """Read what was stored since the last look (one poll at a time)."""
        after = self.live.start_poll() if self.is_mounted else None
        if after is None:
            return
        polling = partial(
            jobs.live,
            self.threads,
            self.post_message,
            self.generation,
            self.filters,
            self.clock(),
            after,
        )
        jobs.start(self, polling, group="live")

    def on_live_rows(self, message: LiveRows) -> None:
        """Merge new rows, hold them while paused, or read the top again after a flood."""
        message.stop()
        current = message.generation == self.generation
        arrival = self.live.arrived(
            message.rows, message.latest_seq, message.overflow, current=current
        )
        if current and message.rows and self.total is not None:
            self.total += len(message.rows)
            self._counted()
        if arrival is not None:
            self._merge(arrival)
        elif current and message.rows:
            self._show_marker()

    def _merge(self, arrival: Arrival) -> None:
        feed = self.feed
        if arrival.overflow and feed.following:
            self.reload()
            return
        feed.add_live(arrival.rows, overflow=arrival.overflow)
        self._counted()

    def toggle_pause(self) -> None:
        """Pause the live stream (new mentions are held) or resume it (they show)."""
        resumed = self.live.toggle_pause()
        if resumed is not None:
            self._merge(resumed)
        if self.live.paused:
            self.notify("Live stream paused: new mentions wait above (space resumes).")
        else:
            self.notify("Live stream resumed.")
        self._show_marker()
        self.post_message(LivePaused(self.live.paused))

    def _show_marker(self) -> None:
        paused = self.live.paused
        count = len(self.live.held) if paused else self.feed.new_above
        self.query_one(NewMarker).show(count, paused)

    def on_mention_feed_new_below_top(self, message: MentionFeed.NewBelowTop) -> None:
        """Show or hide the "N new" marker."""
        self._show_marker()

    def on_new_marker_pressed(self, message: NewMarker.Pressed) -> None:
        """Resume a paused stream, or jump to the top."""
        if self.live.paused:
            self.toggle_pause()
        else:
            self.feed.action_top()
            self.feed.focus()
