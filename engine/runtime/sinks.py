"""Sink workers: each sink runs in its own thread, fed through its own queue."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..contracts import Clock, Sink
from ..errors import Gone
from ..health import Health
from ..records import Mention
from .backoff import Backoff, mark_failed, mark_ok

log = logging.getLogger("ecoute.runtime")
T = TypeVar("T")

SECONDARY_ATTEMPTS = 5


@dataclass(slots=True)
class SinkWorker:
    """One sink, built and always called in its own single thread, in order."""

    name: str
    factory: Callable[[], Sink]
    health: Health
    clock: Clock
    backoff: Backoff = field(default_factory=lambda: Backoff(base=1.0, cap=60.0))
    executor: ThreadPoolExecutor = field(init=False)
    sink: Sink | None = None
    gone: bool = False

    def __post_init__(self) -> None:
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"sink-{self.name}")

    async def call(self, function: Callable[..., T], *args: Any) -> T:
        """Run ``function(*args)`` in this sink's thread."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, function, *args)

    async def open(self) -> None:
        """Build the sink in its thread (connections stay with the thread that made them)."""
        self.sink = await self.call(self.factory)
        mark_ok(self.health, self.clock)

    async def write(
        self, mentions: Sequence[Mention], *, attempts: int | None = None, update: bool = False
    ) -> bool:
        """Write (or ``update``) with retries and backoff; ``attempts=None`` retries forever."""
        assert self.sink is not None
        method = self.sink.update if update else self.sink.write
        failures = 0
        while True:
            try:
                await self.call(method, mentions)
            except Gone as exc:
                self.gone = True
                mark_failed(self.health, self.clock, "gone", str(exc), None)
                log.warning("sink %s is gone (%s); it gets nothing more", self.name, exc)
                return False
            except Exception as exc:
                failures += 1
                wait = self.backoff.delay(failures)
                mark_failed(
                    self.health, self.clock, "backing_off", f"{type(exc).__name__}: {exc}", wait
                )
                log.error(
                    "sink %s failed to write %d mentions (%s: %s); attempt %d, retrying in %.1f s",
                    self.name,
                    len(mentions),
                    type(exc).__name__,
                    exc,
                    failures,
                    wait,
                )
                if attempts is not None and failures >= attempts:
                    return False
                await self.clock.sleep(wait)
                continue
            mark_ok(self.health, self.clock, len(mentions))
            return True

    async def flush(self) -> None:
        """Flush, logging (not raising) failures."""
        if self.sink is not None:
            await self._safely("flush", self.sink.flush)

    async def close(self) -> None:
        """Close the sink and its thread."""
        if self.sink is not None:
            await self._safely("close", self.sink.close)
            self.health.state = "stopped"
        self.executor.shutdown(wait=True)

    async def _safely(self, what: str, function: Callable[[], None]) -> None:
        try:
            await self.call(function)
        except Exception as exc:
            self.health.errors += 1
            log.error("sink %s failed to %s: %s: %s", self.name, what, type(exc).__name__, exc)


@dataclass(slots=True)
class SecondarySink:
    """A fan-out sink fed through its own bounded queue, so it never blocks the store.

    A batch it still cannot write after several attempts, or that arrives while
    its queue is full, is dropped for this sink only, counted and logged.
    Mentions still pending a deferrable scorer reach it at once only if its
    sink ``accepts_pending`` (and then again, complete, as an update);
    otherwise only once complete.
    """

    worker: SinkWorker
    queue: asyncio.Queue[tuple[list[Mention], bool] | None]
    accepts_pending: bool = False
    dropped: int = 0
    on_gone: Callable[[], None] | None = None

    def offer(
        self, mentions: list[Mention], *, pending: bool = False, completes: bool = False
    ) -> None:
        """Queue a committed batch without waiting.

        ``pending``: deferrable scorers have not annotated it yet; ``completes``:
        it carries those annotations for mentions committed earlier.
        """
        if self.worker.gone:
            return
        if pending and not self.accepts_pending:
            return
        update = completes and self.accepts_pending
        try:
            self.queue.put_nowait((mentions, update))
        except asyncio.QueueFull:
            self.dropped += len(mentions)
            self.worker.health.errors += 1
            self.worker.health.reason = f"queue full, {self.dropped} mentions dropped"
            log.error("sink %s is too slow; dropped %d mentions", self.worker.name, len(mentions))

    async def run(self) -> None:
        """Write queued batches until ``None``."""
        while True:
            item = await self.queue.get()
            if item is None:
                await self.worker.flush()
                return
            mentions, update = item
            if self.worker.gone:
                continue
            ok = await self.worker.write(mentions, attempts=SECONDARY_ATTEMPTS, update=update)
            if self.worker.gone and self.on_gone is not None:
                self.on_gone()
            if not ok:
                self.dropped += len(mentions)
            elif self.queue.empty():
                await self.worker.flush()
