"""What the TUI reads from the store, as functions run in the store threads (never the UI's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ecoute.engine.health import Health
from ecoute.engine.store import PageKey, Store, StoredMention

from .filters import FeedFilters
from .widgets.feed.rows import FeedRow, feed_row

# The first page fills a few screens and comes back fast; later pages are larger.
FIRST_PAGE_ROWS = 100
PAGE_ROWS = 200
LIVE_ROWS = 200
RATE_WINDOW = timedelta(minutes=1)


@dataclass(slots=True)
class PageResult:
    """A page of rows; ``latest_seq`` was read before it, for the live feed to start from."""

    rows: list[FeedRow]
    older_key: PageKey | None
    latest_seq: int = 0


@dataclass(slots=True)
class LiveResult:
    """Rows stored after a seq, newest first; ``overflow`` when there were more."""

    rows: list[FeedRow]
    latest_seq: int
    overflow: bool


@dataclass(slots=True)
class Stats:
    """Health of every component and mentions stored per minute lately."""

    health: list[Health]
    per_minute: float


def first_page(store: Store, filters: FeedFilters, now: datetime) -> PageResult:
    """The newest page for ``filters``, and the latest seq read just before it."""
    latest = store.latest_seq()
    page = store.page(filters.mention_filter(now), limit=FIRST_PAGE_ROWS)
    return PageResult(_rows(page.rows, filters), page.next_key, latest)


def older_page(store: Store, filters: FeedFilters, now: datetime, after: PageKey) -> PageResult:
    """The page after ``after`` (older rows)."""
    page = store.page(filters.mention_filter(now), after=after, limit=PAGE_ROWS)
    return PageResult(_rows(page.rows, filters), page.next_key)


def newer_page(store: Store, filters: FeedFilters, now: datetime, before: PageKey) -> PageResult:
    """The page just above ``before`` (newer rows), newest first."""
    rows = store.page_before(filters.mention_filter(now), before, limit=PAGE_ROWS)
    return PageResult(_rows(rows, filters), None)


def live(store: Store, filters: FeedFilters, now: datetime, after_seq: int) -> LiveResult:
    """Rows stored after ``after_seq`` that match ``filters`` (cheap when nothing is new)."""
    latest = store.latest_seq()
    if latest <= after_seq:
        return LiveResult([], latest, False)
    found = store.newer_than(after_seq, filters.mention_filter(now), limit=LIVE_ROWS)
    # A commit between the two reads: its rows are here, so count them as seen.
    latest = max([latest, *(stored.seq for stored in found)])
    return LiveResult(_rows(found, filters), latest, len(found) >= LIVE_ROWS)


def rows_by_id(store: Store, filters: FeedFilters, ids: list[str]) -> list[FeedRow]:
    """The rows of these mentions as they are now (those still in the store)."""
    found = (store.get(mention_id) for mention_id in ids)
    return _rows([stored for stored in found if stored is not None], filters)


def stats(store: Store, now: datetime) -> Stats:
    """Component health and the arrival rate over the last minute."""
    per_minute = store.arrivals_since(now - RATE_WINDOW) / (RATE_WINDOW.total_seconds() / 60)
    return Stats(store.load_health(), per_minute)


def choices(store: Store) -> tuple[list[str], list[str], list[str]]:
    """Platforms, topics and languages present in the store."""
    return store.distinct("platform"), store.distinct("topic"), store.distinct("lang")


def _rows(found: list[StoredMention], filters: FeedFilters) -> list[FeedRow]:
    terms = filters.search_terms()
    return [feed_row(stored, filters.time_field, terms) for stored in found]
