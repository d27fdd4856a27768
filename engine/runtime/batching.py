"""Normalises fetched items and groups mentions into micro-batches (size or time)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..cleanup import clean_mention, truncate_excerpt
from ..contracts import Clock, Normaliser
from ..errors import MalformedItem
from ..health import Health
from ..records import Mention, RawItem, Reject
from .poller import Fetched
from .validation import problem_with

log = logging.getLogger("ecoute.runtime")
reject_log = logging.getLogger("ecoute.rejects")


@dataclass(slots=True)
class Batch:
    """Mentions that move through scorers and sinks together.

    ``cursors`` are saved in the same store transaction as the batch (and every
    batch before it is committed already: the pipeline is one ordered line).
    ``deferred`` names the deferrable scorers that have not annotated these
    mentions yet (their models were still loading); a batch that ``completes``
    carries those annotations for mentions committed earlier.
    """

    mentions: list[Mention] = field(default_factory=list)
    cursors: dict[str, str] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    deferred: frozenset[str] = frozenset()
    completes: bool = False

    def is_empty(self) -> bool:
        """True when there is nothing to write or save."""
        return not (self.mentions or self.cursors or self.rejects)


@dataclass(slots=True)
class Normalising:
    """Maps raw items to clean mentions with the registered normalisers."""

    normalisers: Mapping[str, Normaliser]
    health: dict[str, Health]
    _missing_logged: set[str] = field(default_factory=set)

    def run(self, fetched: Fetched, batch: Batch) -> None:
        """Normalise everything in ``fetched`` into ``batch`` (rejects included)."""
        for reject in fetched.result.rejects:
            if not isinstance(reject, Reject):  # a plugin bug: keep what it said
                reject = Reject("the source reported a bad item", excerpt=truncate_excerpt(reject))
            self._reject(batch, fetched.source, "", reject)
        for item in fetched.result.items:
            mention = self.one(fetched.source, item, batch)
            if mention is not None:
                batch.mentions.append(mention)

    def one(self, source: str, item: RawItem, batch: Batch) -> Mention | None:
        """One raw item to a mention, or a recorded rejection."""
        normaliser = self.normalisers.get(item.platform)
        if normaliser is None:
            if item.platform not in self._missing_logged:
                self._missing_logged.add(item.platform)
                log.error(
                    "source %s produced '%s' items but no plugin normalises that "
                    "platform; they are rejected",
                    source,
                    item.platform,
                )
            self._reject(
                batch,
                source,
                item.platform,
                Reject(
                    f"no normaliser for platform '{item.platform}'",
                    item.origin,
                    truncate_excerpt(item.payload),
                ),
            )
            return None
        try:
            mention = normaliser.normalise(item)
        except MalformedItem as exc:
            reason = f"malformed {item.platform} payload: {exc}"
        except Exception as exc:  # a normaliser bug must not lose the items around it
            reason = f"normaliser for '{item.platform}' raised {type(exc).__name__}: {exc}"
            self._count(f"normaliser:{item.platform}", "normaliser", error=True)
        else:
            checked = self._checked(source, item, mention)
            if isinstance(checked, Mention):
                return checked
            reason = checked
        self._reject(
            batch,
            source,
            item.platform,
            Reject(reason, item.origin, truncate_excerpt(item.payload)),
        )
        return None

    def _checked(self, source: str, item: RawItem, mention: Any) -> Mention | str:
        """The validated, cleaned mention, or why it is rejected.

        Validation runs before the clean-up: the clean-up expects strings where
        the rules say strings, and it only shortens text or drops a bad URL, so
        what passed stays valid.
        """
        if not isinstance(mention, Mention):
            self._count(f"normaliser:{item.platform}", "normaliser", error=True)
            return (
                f"normaliser for '{item.platform}' returned {type(mention).__name__}, not a Mention"
            )
        if not mention.source:
            mention.source = source
        problem = problem_with(mention)
        if problem is not None:
            return problem
        try:
            clean_mention(mention)
        except Exception as exc:  # a clean-up bug must not lose the items around it
            return f"the clean-up failed on this item: {exc}"
        return mention

    def _reject(self, batch: Batch, source: str, platform: str, reject: Reject) -> None:
        plain_reject(reject)
        reject.source = reject.source or source
        reject.platform = reject.platform or platform
        batch.rejects.append(reject)
        self._count(f"source:{source}", "source", reject=True)
        where = f" at {reject.context}" if reject.context else ""
        reject_log.warning(
            "source %s: rejected an item%s: %s (%s)", source, where, reject.reason, reject.excerpt
        )

    def _count(
        self, component: str, kind: str, *, error: bool = False, reject: bool = False
    ) -> None:
        health = self.health.setdefault(component, Health(component=component, kind=kind))
        health.errors += int(error)
        health.rejects += int(reject)


def plain_reject(reject: Reject) -> None:
    """Make every field of a reject a string (a plugin may give anything), so keeping it works."""
    for name in ("reason", "context", "excerpt", "source", "platform"):
        value = getattr(reject, name)
        if not isinstance(value, str):
            setattr(reject, name, "" if value is None else truncate_excerpt(value, 2000))


async def batch_stage(
    inbox: asyncio.Queue[Fetched | None],
    outbox: asyncio.Queue[Batch | None],
    normalising: Normalising,
    clock: Clock,
    *,
    batch_size: int,
    batch_wait: float,
) -> None:
    """Collect fetched items into batches of ``batch_size`` or after ``batch_wait`` s.

    Ends, after flushing, when it reads ``None``; then passes ``None`` on.
    """
    batch = Batch()
    started: float | None = None
    while True:
        timeout = None
        if started is not None:
            timeout = max(0.0, started + batch_wait - clock.monotonic())
        try:
            fetched = await asyncio.wait_for(inbox.get(), timeout)
        except TimeoutError:
            await outbox.put(batch)
            batch, started = Batch(), None
            continue
        if fetched is None:
            if not batch.is_empty():
                await outbox.put(batch)
            await outbox.put(None)
            return
        normalising.run(fetched, batch)
        # Split oversized batches; the cursor rides with the last piece.
        while len(batch.mentions) > batch_size:
            head = Batch(batch.mentions[:batch_size], {}, batch.rejects)
            await outbox.put(head)
            batch = Batch(batch.mentions[batch_size:])
        cursor = fetched.result.cursor
        if cursor is not None:
            batch.cursors[fetched.source] = cursor if isinstance(cursor, str) else str(cursor)
        if len(batch.mentions) >= batch_size:
            await outbox.put(batch)
            batch, started = Batch(), None
        elif started is None and not batch.is_empty():
            started = clock.monotonic()
