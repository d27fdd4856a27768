"""StoreWriter: the run's one Store, opened, written and closed in its own thread, in order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from ..contracts import Clock
from ..health import Health
from ..store import Store, open_store
from .backoff import Backoff, mark_failed, mark_ok
from .batching import Batch

log = logging.getLogger("ecoute.runtime")
T = TypeVar("T")

STORE_COMPONENT = "store"


class StoreWriter:
    """The engine's only writer of mentions, cursors, rejects and health.

    Every store call runs in one dedicated thread, so SQLite connections stay
    with the thread that made them and writes happen in pipeline order. A
    failed commit is retried with backoff until it succeeds: the batch and its
    cursors are never skipped.
    """

    def __init__(
        self,
        location: Path,
        health: Health,
        clock: Clock,
        *,
        opener: Callable[[Path], Store] = open_store,
    ) -> None:
        self.location = location
        self.health = health
        self.clock = clock
        self.opener = opener
        self.backoff = Backoff(base=1.0, cap=60.0)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self.store: Store | None = None

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
        """Commit a batch's mentions, rejects and cursors in one transaction, retrying.

        Returns how many mentions were new.
        """
        store = self._open_store()
        cursors = batch.cursors if save_cursors else None
        failures = 0
        while True:
            try:
                new = await self._call(
                    store.commit_batch, batch.mentions, cursors=cursors, rejects=batch.rejects
                )
            except Exception as exc:
                failures += 1
                wait = self.backoff.delay(failures)
                reason = f"{type(exc).__name__}: {exc}"
                mark_failed(self.health, self.clock, "backing_off", reason, wait)
                log.error(
                    "the store failed to commit %d mentions (%s); attempt %d, retrying in %.1f s",
                    len(batch.mentions),
                    reason,
                    failures,
                    wait,
                )
                await self.clock.sleep(wait)
                continue
            # A completing batch re-writes mentions counted already.
            mark_ok(self.health, self.clock, 0 if batch.completes else len(batch.mentions))
            return new

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
