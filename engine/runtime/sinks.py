"""Sink workers: each sink runs in its own thread, fed through its own queue."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..contracts import Clock, Sink
from ..errors import Gone
from ..health import Health
from ..records import Mention
from .backoff import Backoff, mark_failed, mark_ok, sleep_unless
from .worker_thread import WorkerThread

log = logging.getLogger("ecoute.runtime")
T = TypeVar("T")

SECONDARY_ATTEMPTS = 5
WRITE_DEADLINE_SECONDS = 60.0


@dataclass(slots=True)
class SinkWorker:
    """One sink, built and always called in its own single thread, in order.

    A call that has not returned after ``deadline`` seconds marks the sink
    ``stuck``; while it stays blocked, what comes for the sink is dropped and
    counted instead of queueing behind it. Once ``stopping`` is set, failed
    writes are not retried.
    """

    name: str
    factory: Callable[[], Sink]
    health: Health
    clock: Clock
    deadline: float = WRITE_DEADLINE_SECONDS
    stopping: asyncio.Event | None = None
    backoff: Backoff = field(default_factory=lambda: Backoff(base=1.0, cap=60.0))
    executor: WorkerThread = field(init=False)
    sink: Sink | None = None
    gone: bool = False
    blocked: asyncio.Future[Any] | None = None

    def __post_init__(self) -> None:
        self.executor = WorkerThread(f"sink-{self.name}")

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
            if self.is_blocked():
                return False
            try:
                await self._within_deadline("write", method, mentions)
            except _Late:
                return False
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
                if await self._stopped_while_waiting(wait):
                    return False
                continue
            mark_ok(self.health, self.clock, len(mentions))
            return True

    def is_blocked(self) -> bool:
        """True while a call past its deadline still runs in the sink's thread."""
        if self.blocked is not None and self.blocked.done():
            self.blocked = None
        return self.blocked is not None

    async def _within_deadline(self, what: str, function: Callable[..., T], *args: Any) -> T:
        future = asyncio.get_running_loop().run_in_executor(self.executor, function, *args)
        done, _ = await asyncio.wait({future}, timeout=self.deadline)
        if done:
            return future.result()
        self.blocked = future
        reason = f"{what} has not returned after {self.deadline:g} s"
        mark_failed(self.health, self.clock, "stuck", reason, None)
        log.error("sink %s is stuck: %s; it gets nothing until it returns", self.name, reason)
        raise _Late(reason)

    async def _stopped_while_waiting(self, seconds: float) -> bool:
        """Sleep ``seconds`` of backoff; True (at once) when the engine is stopping."""
        if self.stopping is None:
            await self.clock.sleep(seconds)
            return False
        return await sleep_unless(self.clock, seconds, self.stopping)

    async def flush(self) -> None:
        """Flush, logging (not raising) failures."""
        if self.sink is not None:
            await self._safely("flush", self.sink.flush)

    async def close(self) -> None:
        """Close the sink and its thread (a stuck sink's thread is left behind)."""
        if self.sink is not None:
            await self._safely("close", self.sink.close)
            if self.health.state != "stuck":
                self.health.state = "stopped"
        self.executor.shutdown(wait=not self.is_blocked(), cancel_futures=True)

    async def _safely(self, what: str, function: Callable[[], None]) -> None:
        if self.is_blocked():
            return
        try:
            await self._within_deadline(what, function)
        except _Late:
            return
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


class _Late(Exception):
    """A sink call passed its deadline (already reported)."""
