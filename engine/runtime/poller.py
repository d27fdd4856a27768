"""Runs one source: polls it, backs off on errors, and reports its health."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field

from ..contracts import Clock, FetchResult, Source
from ..errors import AuthFailed, Gone, RateLimited
from ..health import Health
from .backoff import Backoff, mark_failed, mark_ok, sleep_unless
from .source_thread import SourceStuck, SourceThread

AUTH_RETRY_SECONDS = 15 * 60.0
FETCH_DEADLINE_SECONDS = 300.0


@dataclass(slots=True)
class Fetched:
    """One fetch result on its way to the pipeline, with the source it came from."""

    source: str
    result: FetchResult


@dataclass(slots=True)
class SourcePoller:
    """Polls ``source`` until stopped, putting each :class:`Fetched` on ``queue``.

    The cursor advances locally after each fetch; the store's copy advances only
    once the items are committed (the writer does that), so a crash refetches.
    Each fetch runs in the source's own thread (``runner``); one that has not
    returned after ``deadline`` seconds marks the source ``stuck``. Setting
    ``wake`` ends a wait (backoff, interval) at once: "retry now".
    """

    source: Source
    queue: asyncio.Queue[Fetched | None]
    health: Health
    clock: Clock
    interval: float
    runner: SourceThread
    once: bool = False
    deadline: float = FETCH_DEADLINE_SECONDS
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    backoff: Backoff = field(default_factory=Backoff)
    jitter: float = 0.1
    random: random.Random = field(default_factory=random.Random)
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("ecoute.runtime"))

    async def run(self, cursor: str | None) -> None:
        """Fetch until cancelled (or, with ``once``, until the source has no more)."""
        failures = 0
        name = self.source.name
        while True:
            try:
                result = await self.runner.call(
                    self.source.fetch(cursor), self.deadline, on_late=self._late
                )
            except asyncio.CancelledError:
                raise
            except Gone as exc:
                mark_failed(self.health, self.clock, "gone", str(exc), None)
                self.log.error("source %s is gone, polling stopped: %s", name, exc)
                return
            except Exception as exc:
                failures += 1
                wait = self._failure_wait(exc, failures)
                if self.once and failures >= 3:
                    self.log.error(
                        "source %s failed %d times, giving up for this run", name, failures
                    )
                    return
                if await self._sleep(wait):
                    failures = 0
                continue
            failures = 0
            mark_ok(self.health, self.clock, len(result.items), result.warning)
            await self.queue.put(Fetched(name, result))
            if result.cursor is not None:
                cursor = result.cursor
            if result.more:
                continue
            if self.once:
                return
            spread = self.random.uniform(-self.jitter, self.jitter)
            await self._sleep(self.interval * (1 + spread))

    def _late(self) -> None:
        reason = f"fetch has not returned after {self.deadline:g} s"
        mark_failed(self.health, self.clock, "stuck", reason, None)
        self.log.error("source %s is stuck: %s", self.source.name, reason)

    async def _sleep(self, seconds: float) -> bool:
        """Wait ``seconds`` on the clock, or less if woken; True when woken."""
        self.wake.clear()
        woken = await sleep_unless(self.clock, seconds, self.wake)
        if woken:
            self.log.info("source %s: retrying now, as asked", self.source.name)
        return woken

    def _failure_wait(self, exc: Exception, failures: int) -> float:
        name = self.source.name
        reason = f"{type(exc).__name__}: {exc}"
        retry_after = getattr(exc, "retry_after", None)
        if isinstance(exc, SourceStuck):
            wait = self.backoff.delay(failures)
            mark_failed(self.health, self.clock, "stuck", f"the last fetch {exc}", wait)
            self.log.warning("source %s: the last fetch %s; retry in %.1f s", name, exc, wait)
            return wait
        if isinstance(exc, AuthFailed):
            wait = max(AUTH_RETRY_SECONDS, retry_after or 0.0)
            mark_failed(self.health, self.clock, "auth_failed", reason, wait)
            self.log.error(
                "source %s: authentication failed (%s); retrying in %.0f s", name, exc, wait
            )
            return wait
        backoff = self.backoff.delay(failures)
        if isinstance(exc, RateLimited):
            wait = max(retry_after or 0.0, backoff if retry_after is None else 0.0)
            mark_failed(self.health, self.clock, "rate_limited", reason, wait)
            self.log.warning("source %s is rate limited; waiting %.1f s", name, wait)
            return wait
        wait = max(backoff, retry_after or 0.0)
        mark_failed(self.health, self.clock, "backing_off", reason, wait)
        self.log.warning("source %s failed (%s); retry %d in %.1f s", name, reason, failures, wait)
        return wait
