"""Background store jobs: each runs store calls in a store thread and posts typed messages.

A job gets the store threads, ``post`` (the ``post_message`` of the node that
started it) and plain values; it never touches a widget or any screen state.
Nodes start jobs with ``jobs.start(node, partial(jobs.X, ...), group=...)`` and
handle the messages.
Failures are posted as :class:`StoreFailed`, which one handler (the app's) turns
into a notification.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from textual.dom import DOMNode
from textual.message import Message

from ecoute.engine.errors import EcouteError
from ecoute.engine.store import PageKey, SavedView, Store, StoredMention

from . import reader
from .filters import FeedFilters
from .messages import (
    ActionDone,
    ChoicesLoaded,
    CountLoaded,
    DetailLoaded,
    LiveRows,
    PageLoaded,
    RetryRequested,
    RowsRead,
    StatsLoaded,
    StoreFailed,
    ViewsLoaded,
)
from .store_threads import StoreThreads

Post = Callable[[Message], object]
Job = Callable[[], Coroutine[Any, Any, None]]


def start(node: DOMNode, job: Job, *, group: str, exclusive: bool = False) -> None:
    """Run ``job`` (``partial(jobs.X, ...)``) in a worker of ``node``.

    The coroutine is created when the worker starts: a job replaced before it
    starts (``exclusive``) leaves nothing behind un-awaited.
    """
    # Textual's union of work types defeats mypy's inference for coroutine functions.
    work: Any = job
    node.run_worker(work, group=group, exclusive=exclusive)


async def first_page(
    threads: StoreThreads, post: Post, generation: int, filters: FeedFilters, now: datetime
) -> None:
    """The first page for ``filters`` (and the latest seq, where the live stream starts)."""
    try:
        result = await threads.call("feed", lambda s: reader.first_page(s, filters, now))
    except EcouteError as exc:
        post(StoreFailed("Reading the feed", str(exc)))
        return
    post(PageLoaded(generation, "reset", result.rows, result.older_key, result.latest_seq))


async def more(
    threads: StoreThreads,
    post: Post,
    generation: int,
    filters: FeedFilters,
    now: datetime,
    where: str,
    key: PageKey,
) -> None:
    """The page below the loaded rows (``where="older"``) or above them (``"newer"``)."""
    read = reader.older_page if where == "older" else reader.newer_page
    try:
        result = await threads.call("feed", lambda s: read(s, filters, now, key))
    except EcouteError as exc:
        post(StoreFailed("Reading more of the feed", str(exc)))
        return
    post(PageLoaded(generation, where, result.rows, result.older_key))


async def count(
    threads: StoreThreads,
    post: Post,
    generation: int,
    filters: FeedFilters,
    now: datetime,
    wanted: Callable[[], bool],
) -> None:
    """How many mentions match ``filters`` (silent on failure: the count is optional).

    ``wanted`` is asked in the count thread: a count queued behind one of older
    filters is skipped once the filters changed.
    """

    def counted(store: Store) -> int:
        return store.count(filters.mention_filter(now)) if wanted() else -1

    for _ in range(2):  # an interrupt meant for the count before may hit this one
        try:
            total = await threads.call("count", counted)
        except EcouteError:
            continue
        if total >= 0:
            post(CountLoaded(generation, total))
        return


async def live(
    threads: StoreThreads,
    post: Post,
    generation: int,
    filters: FeedFilters,
    now: datetime,
    after: int,
) -> None:
    """Rows stored after seq ``after`` that match ``filters`` (always posts :class:`LiveRows`)."""
    try:
        result = await threads.call("feed", lambda s: reader.live(s, filters, now, after))
    except EcouteError as exc:
        post(StoreFailed("Reading new mentions", str(exc)))
        post(LiveRows(generation, [], after))
        return
    post(LiveRows(generation, result.rows, result.latest_seq, result.overflow))


async def rows_again(
    threads: StoreThreads, post: Post, generation: int, filters: FeedFilters, ids: list[str]
) -> None:
    """The rows of ``ids`` as they are now (silent on failure: they are read again later)."""
    try:
        rows = await threads.call("feed", lambda s: reader.rows_by_id(s, filters, ids))
    except EcouteError:
        return
    post(RowsRead(generation, rows))


async def mention(threads: StoreThreads, post: Post, mention_id: str) -> None:
    """One mention in full, with its matches, tags and notes."""
    try:
        stored = await threads.call("feed", lambda s: s.get(mention_id))
    except EcouteError as exc:
        post(StoreFailed("Reading the mention", str(exc)))
        return
    post(DetailLoaded(mention_id, stored))


async def stats(threads: StoreThreads, post: Post, now: datetime) -> None:
    """Component health and the arrival rate (silent on failure: the next one comes soon)."""
    try:
        result = await threads.call("stats", lambda s: reader.stats(s, now))
    except EcouteError:
        return
    post(StatsLoaded(result.health, result.per_minute))


async def choices(threads: StoreThreads, post: Post, then_pick: str | None = None) -> None:
    """The platforms, topics and languages present (then open the picker ``then_pick``)."""
    try:
        platforms, topics, langs = await threads.call("stats", reader.choices)
    except EcouteError as exc:
        if then_pick:
            post(StoreFailed("Reading the filter choices", str(exc)))
        return
    post(ChoicesLoaded(platforms, topics, langs, then_pick))


async def views(threads: StoreThreads, post: Post) -> None:
    """The saved views (silent on failure: the list is read again on change)."""
    try:
        saved = await threads.call("stats", lambda s: s.views())
    except EcouteError:
        return
    post(ViewsLoaded(saved))


async def change_views(
    threads: StoreThreads, post: Post, done: str, change: Callable[[Store], object]
) -> None:
    """Save or delete a view in the writer thread, then read the views again."""

    def apply(store: Store) -> list[SavedView]:
        change(store)
        return store.views()

    try:
        saved = await threads.call("write", apply)
    except EcouteError as exc:
        post(StoreFailed(done, str(exc)))
        return
    post(ViewsLoaded(saved, done))


async def save(
    threads: StoreThreads, post: Post, mention_id: str, done: str, change: Callable[[Store], Any]
) -> None:
    """Run ``change`` in the writer thread, then read the mention as it is now."""

    def apply(store: Store) -> StoredMention | None:
        change(store)
        return store.get(mention_id)

    try:
        stored = await threads.call("write", apply)
    except EcouteError as exc:
        post(StoreFailed(done, str(exc)))
        return
    post(ActionDone(mention_id, done, stored))


async def request_retry(threads: StoreThreads, post: Post, components: list[str]) -> None:
    """Ask the engine (in this process or another) to retry ``components`` now."""

    def apply(store: Store) -> None:
        for component in components:
            store.request_retry(component)

    try:
        await threads.call("write", apply)
    except EcouteError as exc:
        post(StoreFailed("Asking the engine to retry", str(exc)))
        return
    post(RetryRequested(components))
