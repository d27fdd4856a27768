"""StoreWriter: the run's one Store, opened, written and closed in its own thread, in order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from ..cleanup import truncate_excerpt
from ..contracts import Clock
from ..errors import StoreError
from ..health import Health
from ..records import Mention, Reject
from ..store import Store, open_store
from .backoff import Backoff, mark_failed, mark_ok, sleep_unless
from .batching import Batch, plain_reject
from .validation import problem_with

log = logging.getLogger("ecoute.runtime")
T = TypeVar("T")

STORE_COMPONENT = "store"


# What a mention's own values make a store raise (the SQLite store raises
# UnstorableMention, a ValueError): retrying cannot help, so the batch is split and
# the mentions that fail are rejected. Anything else is the store failing.
DATA_ERRORS = (ValueError, TypeError, OverflowError, RecursionError)


class StoreWriter:
    """The engine's only writer of mentions, cursors, rejects and health.

    Every store call runs in one dedicated thread, so SQLite connections stay
    with the thread that made them and writes happen in pipeline order.

    A commit checks again what scorers set on each mention (:mod:`.validation`)
    and rejects the invalid ones. A mention the store still cannot write is
    found by splitting the batch and rejected; the others are stored. When the
    store itself fails (disk full, locked, I/O) the commit is retried with
    backoff until it succeeds, so a batch and its cursors are never skipped,
    unless ``stopping`` is set (the engine is stopping, or :meth:`abandon` was
    called): then one more attempt is made and a failure raises
    :class:`StoreError`, the cursors unsaved (the mentions are fetched again
    next run).
    """

    def __init__(
        self,
        location: Path,
        health: Health,
        clock: Clock,
        *,
        opener: Callable[[Path], Store] = open_store,
        stopping: asyncio.Event | None = None,
    ) -> None:
        self.location = location
        self.health = health
        self.clock = clock
        self.opener = opener
        self.stopping = stopping if stopping is not None else asyncio.Event()
        self.backoff = Backoff(base=1.0, cap=60.0)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self.store: Store | None = None

    def abandon(self) -> None:
        """Stop retrying a failing store: the next failed attempt raises StoreError."""
        self.stopping.set()

    async def _call(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, lambda: function(*args, **kwargs))

    def _open_store(self) -> Store:
        if self.store is None:
            raise RuntimeError("StoreWriter used before open() or after close()")
        return self.store

    async def open(self) -> None:
        """Open (create or migrate) the store; raises StoreError naming it."""
        self.store = await self._call(self.opener, self.location)
        mark_ok(self.health, self.clock)

    async def cursors(self) -> dict[str, str]:
        """Every saved cursor by source."""
        return await self._call(self._open_store().all_cursors)

    async def commit(self, batch: Batch, *, save_cursors: bool = True) -> int:
        """Commit a batch's mentions, rejects and cursors, retrying while the store fails.

        Mentions that cannot be stored leave ``batch.mentions`` and join
        ``batch.rejects`` (stored with the cursors), so that what follows (sinks,
        hooks, counts) sees only what was stored. Returns how many mentions were new.

        Raises:
            StoreError: the store still failed after ``stopping`` was set.
        """
        store = self._open_store()
        rejects_before = len(batch.rejects)
        screen_batch(batch)
        cursors = batch.cursors if save_cursors else None
        failures = 0
        while True:
            last_attempt = self.stopping.is_set()
            try:
                new = await self._write(store, batch, cursors)
            except Exception as exc:
                failures += 1
                reason = f"{type(exc).__name__}: {exc}"
                if last_attempt:
                    mark_failed(self.health, self.clock, "error", reason, None)
                    raise StoreError(
                        f"gave up storing {len(batch.mentions)} mention(s) as the run stops: "
                        f"{exc} (their cursors are not saved: they are fetched again next run)"
                    ) from exc
                wait = self.backoff.delay(failures)
                mark_failed(self.health, self.clock, "backing_off", reason, wait)
                log.error(
                    "the store failed to commit %d mentions (%s); attempt %d, retrying in %.1f s",
                    len(batch.mentions),
                    reason,
                    failures,
                    wait,
                )
                await self._pause(wait)
                continue
            self.health.rejects += len(batch.rejects) - rejects_before
            # A completing batch re-writes mentions counted already.
            mark_ok(self.health, self.clock, 0 if batch.completes else len(batch.mentions))
            return new

    async def _pause(self, seconds: float) -> None:
        """Sleep ``seconds``, or less if ``stopping`` is set meanwhile."""
        await sleep_unless(self.clock, seconds, self.stopping)

    async def _write(self, store: Store, batch: Batch, cursors: dict[str, str] | None) -> int:
        """One commit; when a mention's values break it, store the rest and reject those."""
        try:
            return await self._call(
                store.commit_batch, batch.mentions, cursors=cursors, rejects=batch.rejects
            )
        except DATA_ERRORS as exc:
            if not batch.mentions:
                raise
            log.warning(
                "a batch of %d mentions could not be stored (%s); storing it in parts to "
                "leave out the mentions that fail",
                len(batch.mentions),
                exc,
            )
        # Parts are committed without cursors: the cursors (and the rejects) go in
        # the last commit, after every good mention is stored.
        new, failed = await self._parts(store, batch.mentions, known_bad=True)
        failing = {id(mention) for mention, _ in failed}
        batch.mentions = [m for m in batch.mentions if id(m) not in failing]
        for mention, error in failed:
            reject = unstorable_reject(mention, error)
            log.warning("left out %s: %s", reject.context, reject.reason)
            batch.rejects.append(reject)
        await self._call(store.commit_batch, [], cursors=cursors, rejects=batch.rejects)
        return new

    async def _parts(
        self, store: Store, mentions: list[Mention], *, known_bad: bool = False
    ) -> tuple[int, list[tuple[Mention, Exception]]]:
        """Commit ``mentions`` in halves, down to the single mentions that fail."""
        if not mentions:
            return 0, []
        if not known_bad:
            try:
                return await self._call(store.commit_batch, mentions), []
            except DATA_ERRORS as exc:
                if len(mentions) == 1:
                    return 0, [(mentions[0], exc)]
        middle = len(mentions) // 2
        new_left, failed_left = await self._parts(store, mentions[:middle])
        new_right, failed_right = await self._parts(store, mentions[middle:])
        return new_left + new_right, failed_left + failed_right

    async def save_health(self, records: Sequence[Health]) -> None:
        """Persist component health for ``ecoute sources`` and the TUI (failures logged)."""
        try:
            await self._call(self._open_store().save_health, records)
        except Exception as exc:
            log.warning("could not save component health: %s", exc)

    async def take_retry_requests(self) -> list[str]:
        """Components another process asked to retry now (failures logged, none then)."""
        try:
            return await self._call(self._open_store().take_retry_requests)
        except Exception as exc:
            log.warning("could not read retry requests: %s", exc)
            return []

    async def idle(self) -> None:
        """Spend idle time on one slice of store upkeep (failures logged)."""
        try:
            await self._call(self._open_store().maintain)
        except Exception as exc:
            log.warning("store upkeep failed: %s", exc)

    async def close(self) -> None:
        """Close the store and its thread."""
        if self.store is not None:
            store, self.store = self.store, None
            await self._call(store.close)
        self.health.state = "stopped"
        self.executor.shutdown(wait=True)


def screen_batch(batch: Batch) -> None:
    """Check a batch before it is written, turning invalid mentions into rejects.

    Mentions to which a scorer gave values breaking a validation rule (the rest
    was checked after the normaliser) leave ``batch.mentions`` for
    ``batch.rejects``; rejects and cursors are made plain, storable strings, so
    that keeping them cannot fail.
    """
    kept: list[Mention] = []
    for mention in batch.mentions:
        problem = problem_with(mention, annotations_only=True)
        if problem is None:
            kept.append(mention)
        else:
            batch.rejects.append(mention_reject(mention, problem))
    refused = len(batch.mentions) - len(kept)
    if refused:
        for reject in batch.rejects[-refused:]:
            log.warning("left out %s: %s", reject.context, reject.reason)
        batch.mentions = kept
    for reject in batch.rejects:
        plain_reject(reject)
    for source, cursor in list(batch.cursors.items()):
        text = cursor if isinstance(cursor, str) else str(cursor)
        # Unpaired surrogates cannot be stored: the save would fail, and be retried, forever.
        batch.cursors[source] = text.encode("utf-8", "replace").decode("utf-8")


def mention_reject(mention: Mention, reason: str) -> Reject:
    """A reject for a mention the store must not keep: its id and text as the excerpt."""
    mention_id = _plain(mention.id)
    return Reject(
        reason=reason,
        context=f"mention {mention_id}",
        excerpt=truncate_excerpt(f"{mention_id}: {_plain(mention.text)}"),
        source=_plain(mention.source),
        platform=_plain(mention.platform),
    )


def unstorable_reject(mention: Mention, exc: Exception) -> Reject:
    """A reject for a mention the store refused to write, ``exc`` saying why."""
    reason = (
        str(exc) if isinstance(exc, ValueError) and str(exc) else f"{type(exc).__name__}: {exc}"
    )
    return mention_reject(mention, reason)


def _plain(value: Any) -> str:
    return value if isinstance(value, str) else truncate_excerpt(value)
