"""One fetch over several feeds, tags or queries: JSON cursors and what to report when some fail."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ecoute.engine import (
    AuthFailed,
    Clock,
    FetchResult,
    Gone,
    RateLimited,
    RawItem,
    Reject,
    SourceError,
)

if TYPE_CHECKING:
    from .rate_limits import RateLimiter

CURSOR_VERSION = 1
# How one query fared in a round: read to the end, pages left, failed alone, or
# refused by the host (the round stops).
Outcome = Literal["done", "pending", "failed", "halted"]


def load_cursor(text: str | None, section: str, logger: logging.Logger) -> dict[str, Any]:
    """The per-query states in a cursor written by :func:`dump_cursor` (empty when unusable).

    An unreadable cursor is logged and the source starts afresh, as on a first run:
    refetching recent posts (deduplicated by id in the store) beats stopping.
    """
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    states = data.get(section) if isinstance(data, dict) else None
    if not isinstance(states, dict):
        logger.warning("unreadable cursor %r: starting again as on a first run", text[:80])
        return {}
    return {key: value for key, value in states.items() if isinstance(value, dict)}


def dump_cursor(section: str, states: dict[str, Any]) -> str:
    """A compact, stable JSON cursor holding one state per query under ``section``."""
    return json.dumps({"v": CURSOR_VERSION, section: states}, sort_keys=True, separators=(",", ":"))


@dataclass(slots=True)
class Round:
    """What one fetch over several queries collected, and how each query fared.

    A rate limit or refused credentials concern the whole host: the round stops
    there (:meth:`halt`). Other failures concern one query and the others go on.
    """

    logger: logging.Logger
    items: list[RawItem] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    more: bool = False
    attempted: int = 0
    succeeded: int = 0
    failures: dict[str, SourceError] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    halted: SourceError | None = None

    def ok(self) -> None:
        """One query was fetched."""
        self.attempted += 1
        self.succeeded += 1

    def failed(self, query: str, error: SourceError) -> None:
        """One query failed with ``error``; the round goes on with the others."""
        self.attempted += 1
        self.failures[query] = error
        self.logger.warning("%s", error)

    def halt(self, error: SourceError) -> None:
        """The host refused us (rate limit, credentials): no more requests this round."""
        self.halted = error
        if not isinstance(error, RateLimited):
            self.logger.warning("%s", error)

    async def attempt(
        self, query: str, work: Awaitable[bool], limiter: RateLimiter, clock: Clock
    ) -> Outcome:
        """Await one query's ``work`` (True while pages remain) and record how it fared.

        A rate limit or refused credentials hold ``limiter`` and halt the round; any
        other SourceError fails this query alone.
        """
        try:
            pending = await work
        except (RateLimited, AuthFailed) as exc:
            limiter.hold(exc.retry_after, clock.now())
            self.halt(exc)
            return "halted"
        except SourceError as exc:
            self.failed(query, exc)
            return "failed"
        self.ok()
        self.more = self.more or pending
        return "pending" if pending else "done"

    def note(self, text: str) -> None:
        """A lasting partial problem (a gone feed) to show as the health reason."""
        self.notes.append(text)

    def result(self, cursor: str | None) -> FetchResult:
        """The fetch result, or the error to raise when nothing at all succeeded.

        Items already collected are always returned (the cursor covers exactly
        them); a halt with items asks to fetch again at once, which then meets
        the rate limiter or the refusal and reports it.
        """
        if self.halted is not None and not self.items:
            raise self.halted
        if self.failures and self.succeeded == 0 and not self.items:
            errors = list(self.failures.values())
            if all(isinstance(e, Gone) for e in errors):
                raise Gone("; ".join(str(e) for e in errors))
            raise next((e for e in errors if isinstance(e, AuthFailed)), errors[0])
        problems = [*self.notes, *(str(e) for e in self.failures.values())]
        if self.halted is not None:
            problems.append(str(self.halted))
        return FetchResult(
            items=self.items,
            cursor=cursor,
            more=self.more or self.halted is not None,
            rejects=self.rejects,
            warning="; ".join(problems),
        )
