"""Exponential backoff with jitter, and the health bookkeeping that goes with it."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import timedelta

from ..contracts import Clock
from ..health import Health, HealthState


@dataclass(slots=True)
class Backoff:
    """Delays that double after each failure, capped, with +-``jitter`` spread.

    ``random`` is injectable so tests get exact delays.
    """

    base: float = 2.0
    cap: float = 600.0
    jitter: float = 0.25
    random: random.Random | None = None

    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` consecutive failures (>= 1)."""
        raw = min(self.cap, self.base * (2 ** max(0, failures - 1)))
        spread = (self.random or random).uniform(-self.jitter, self.jitter)
        return max(0.0, raw * (1 + spread))


def mark_ok(health: Health, clock: Clock, items: int = 0, reason: str = "") -> None:
    """Record a success; ``reason`` notes a partial problem that did not stop it."""
    now = clock.now()
    health.state = "ok"
    health.reason = reason
    health.last_ok = now
    health.items += items
    health.next_attempt = None
    health.updated_at = now


def mark_failed(
    health: Health, clock: Clock, state: HealthState, reason: str, wait: float | None
) -> None:
    """Record a failure and, when ``wait`` is given, when the next attempt is due."""
    now = clock.now()
    health.state = state
    health.reason = reason
    health.last_error = now
    health.errors += 1
    health.next_attempt = now + timedelta(seconds=wait) if wait is not None else None
    health.updated_at = now


async def sleep_unless(clock: Clock, seconds: float, event: asyncio.Event) -> bool:
    """Sleep ``seconds`` on ``clock``, or less if ``event`` is set; True when it is set."""
    if event.is_set():
        return True
    sleeping = asyncio.ensure_future(clock.sleep(seconds))
    waiting = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait({sleeping, waiting}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sleeping, waiting):
            task.cancel()
        await asyncio.gather(sleeping, waiting, return_exceptions=True)
    return event.is_set()
