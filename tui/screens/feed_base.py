"""FeedBase: the feed screen's state, its filters, and the workers that read the store.

Workers run store calls in the store threads and post messages; the handlers
(in :class:`~.feed.FeedScreen`) put the results on screen. No worker touches a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual import work
from textual.reactive import reactive
from textual.screen import Screen

from ecoute.engine.errors import EcouteError
from ecoute.engine.store import PageKey, SavedView, Store, StoredMention

from .. import reader
from ..filters import FeedFilters
from ..messages import (
    ChoicesLoaded,
    CountLoaded,
    DetailLoaded,
    LiveRows,
    PageLoaded,
    StatsLoaded,
    StoreFailed,
    ViewsLoaded,
)
from ..rows import FeedRow, feed_row, search_terms
from ..store_threads import StoreThreads
from ..widgets.detail_pane import DetailPane
from ..widgets.mention_feed import MentionFeed
from ..widgets.status_bar import StatusBar


class FeedBase(Screen[None]):
    """State of the feed screen; ``filters`` is the one reactive attribute filters live in."""

    filters: reactive[FeedFilters] = reactive(FeedFilters, init=False)

    def __init__(
        self,
        threads: StoreThreads,
        clock: Callable[[], datetime],
        topics: list[str],
        *,
        window_rows: int = 3000,
        engine_running: bool = False,
    ) -> None:
        super().__init__()
        self.engine_running = engine_running
        self.threads = threads
        self.clock = clock
        self.window_rows = window_rows
        # Results of older filters are told apart by generation and dropped.
        self.generation = 0
        self.configured_topics = tuple(topics)
        self.choices: dict[str, tuple[str, ...]] = {"topics": self.configured_topics}
        self.views: list[SavedView] = []
        # Live stream: last seq read, a poll under way, rows held while paused, and
        # whether more arrived meanwhile than were held.
        self.last_seq = 0
        self.polling = False
        self.live_paused = False
        self.pending: list[FeedRow] = []
        self.overflowed = False

    @property
    def feed(self) -> MentionFeed:
        """The feed widget."""
        return self.query_one("#feed", MentionFeed)

    @property
    def detail(self) -> DetailPane:
        """The detail pane."""
        return self.query_one("#detail", DetailPane)

    @property
    def status(self) -> StatusBar:
        """The status bar."""
        return self.query_one("#status", StatusBar)

    def validate_filters(self, filters: FeedFilters) -> FeedFilters:
        """Filters are always stored normalised (sorted sets, trimmed search)."""
        return filters.normalised()

    def row_of(self, stored: StoredMention) -> FeedRow:
        """The feed row of ``stored`` under the filters in force."""
        return feed_row(stored, self.filters.time_field, search_terms(self.filters.text))

    def show_stored(self, stored: StoredMention) -> None:
        """Refresh a mention's row and, if it is selected, the detail pane."""
        self.feed.update_row(self.row_of(stored))
        selected = self.feed.selected
        if selected is not None and selected.id == stored.id:
            self.detail.show(stored, search_terms(self.filters.text), self.clock())

    # -- reading the feed -----------------------------------------------------------------

    def reload(self) -> None:
        """Read the feed from the top for the filters in force."""
        self.generation += 1
        self.pending.clear()
        self.status.set_parts(total=None)
        # A count of the old filters may still run: it would slow the new page down.
        self.threads.interrupt("count")
        self.read_first_page(self.generation, self.filters, self.clock())

    @work(group="page", exclusive=True)
    async def read_first_page(self, generation: int, filters: FeedFilters, now: datetime) -> None:
        """The first page (and the latest seq, where the live stream starts)."""
        try:
            result = await self.threads.call("feed", lambda s: reader.first_page(s, filters, now))
        except EcouteError as exc:
            self.post_message(StoreFailed("Reading the feed", str(exc)))
            return
        self.post_message(
            PageLoaded(
                generation, "reset", result.rows, result.older_key, latest_seq=result.latest_seq
            )
        )

    @work(group="count", exclusive=True)
    async def count_matches(self) -> None:
        """Count the mentions matching the filters (after the page: it may take a while)."""
        generation, filters, now = self.generation, self.filters, self.clock()

        def count(store: Store) -> int:
            # Skipped when the filters changed while it waited for the thread.
            return store.count(filters.mention_filter(now)) if generation == self.generation else -1

        for _ in range(2):  # an interrupt meant for the count before may hit this one
            try:
                total = await self.threads.call("count", count)
            except EcouteError:
                continue
            if total >= 0:
                self.post_message(CountLoaded(generation, total))
            return

    @work(group="page-more")
    async def read_more(self, where: str, key: PageKey) -> None:
        """The page below the loaded rows (``older``) or above them (``newer``)."""
        generation, filters, now = self.generation, self.filters, self.clock()
        read = reader.older_page if where == "older" else reader.newer_page
        try:
            result = await self.threads.call("feed", lambda s: read(s, filters, now, key))
        except EcouteError as exc:
            self.post_message(StoreFailed("Reading more of the feed", str(exc)))
            return
        self.post_message(PageLoaded(generation, where, result.rows, result.older_key))

    def poll_live(self) -> None:
        """Read what was stored since the last poll (one poll at a time)."""
        if self.polling or not self.is_mounted:
            return
        self.polling = True
        self.read_live(self.generation, self.filters, self.clock(), self.last_seq)

    @work(group="live")
    async def read_live(
        self, generation: int, filters: FeedFilters, now: datetime, after: int
    ) -> None:
        """Rows stored after seq ``after`` that match ``filters``."""
        try:
            result = await self.threads.call("feed", lambda s: reader.live(s, filters, now, after))
        except EcouteError as exc:
            self.polling = False
            self.post_message(StoreFailed("Reading new mentions", str(exc)))
            return
        # Moved on before the next poll may start, so that no row is read twice.
        if generation == self.generation:
            self.last_seq = max(self.last_seq, result.latest_seq)
        self.polling = False
        self.post_message(LiveRows(generation, result.rows, result.latest_seq, result.overflow))

    @work(group="detail", exclusive=True)
    async def read_detail(self, mention_id: str) -> None:
        """One mention in full, with its matches, tags and notes."""
        try:
            stored = await self.threads.call("feed", lambda s: s.get(mention_id))
        except EcouteError as exc:
            self.post_message(StoreFailed("Reading the mention", str(exc)))
            return
        self.post_message(DetailLoaded(mention_id, stored))

    # -- reading what surrounds it ------------------------------------------------------

    @work(group="choices", exclusive=True)
    async def load_choices(self, then_pick: str | None = None) -> None:
        """The platforms, topics and languages present (then open a picker, if asked)."""
        try:
            platforms, topics, langs = await self.threads.call("stats", reader.choices)
        except EcouteError as exc:
            if then_pick:
                self.post_message(StoreFailed("Reading the filter choices", str(exc)))
            return
        self.post_message(ChoicesLoaded(platforms, topics, langs, then_pick))

    @work(group="views", exclusive=True)
    async def load_views(self) -> None:
        """The saved views."""
        try:
            views = await self.threads.call("stats", lambda s: s.views())
        except EcouteError:
            return
        self.post_message(ViewsLoaded(views))

    @work(group="stats", exclusive=True)
    async def load_stats(self) -> None:
        """Component health and the arrival rate."""
        now = self.clock()
        try:
            result = await self.threads.call("stats", lambda s: reader.stats(s, now))
        except EcouteError:
            return
        self.post_message(StatsLoaded(result.health, result.per_minute))
