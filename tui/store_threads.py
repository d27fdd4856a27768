"""Store access for the TUI: each kind of work in its own thread with its own connection."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from ecoute.engine.store import Store, open_store

T = TypeVar("T")

# feed: pages, live polls and the selected mention (short reads, in order);
# count: how many mentions match (may take a second: never delays anything else);
# stats: health, rates, choices and views; write: workflow actions and saved views.
ROLES = ("feed", "count", "stats", "write")


class StoreThreads:
    """Runs store calls in one dedicated thread per role.

    SQLite connections belong to the thread that uses them, so each thread opens
    its own :class:`Store` on first use (read-only for readers) and keeps it: its
    page cache stays warm across calls. Callers ``await`` results from the UI loop.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pools = {
            role: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"ecoute-tui-{role}")
            for role in ROLES
        }
        self._local = threading.local()
        self._opened: dict[str, Store] = {}
        self._lock = threading.Lock()
        self._closed = False

    def _store(self, role: str) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.path, readonly=role != "write")
            self._local.store = store
            with self._lock:
                self._opened[role] = store
        return store

    async def call(self, role: str, work: Callable[[Store], T]) -> T:
        """Run ``work(store)`` in the ``role`` thread and return its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pools[role], lambda: work(self._store(role)))

    def interrupt(self, role: str) -> None:
        """Abort the query running in the ``role`` thread (it raises StoreError there)."""
        with self._lock:
            store = self._opened.get(role)
        if store is not None:
            store.interrupt()

    def close(self) -> None:
        """Finish queued calls, then close every connection (idempotent)."""
        if self._closed:
            return
        self._closed = True
        for pool in self._pools.values():
            pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            for store in self._opened.values():
                store.close()
            self._opened.clear()
