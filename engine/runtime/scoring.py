"""Runs the scorers in order on each batch, in a worker thread, isolating failures."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Collection, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass, field
from typing import Any

from ..components import Components
from ..config import Config
from ..contracts import Clock, Scorer
from ..health import Health
from ..records import Mention
from .backoff import Backoff, mark_failed, mark_ok
from .batching import Batch
from .worker_thread import WorkerThread

log = logging.getLogger("ecoute.runtime")

TOPIC_SCORER = "topics"


def require_topic_sources(config: Config, components: Components) -> frozenset[str]:
    """Names of the sources whose mentions must match a topic (``require_topic = true``).

    Raises:
        ConfigError: a source requires topics but the topics scorer is not running.
    """
    names = frozenset(c.name for c in components.sources if c.config.require_topic)
    if names and not any(c.name == TOPIC_SCORER for c in components.scorers):
        source = next(c for c in components.sources if c.config.require_topic)
        raise config.error(
            f"{source.config.key}.require_topic",
            f"needs the '{TOPIC_SCORER}' scorer, which is disabled",
            f"enable [scorers.{TOPIC_SCORER}] (and its plugin) or remove require_topic",
        )
    if names and not config.topics:
        source = next(c for c in components.sources if c.config.require_topic)
        raise config.error(
            f"{source.config.key}.require_topic",
            "no [[topics]] are configured, so every mention of this source would be dropped",
            "add a [[topics]] entry with a name and a query, or remove require_topic",
        )
    return names


# Mentions stored while a deferrable scorer loads are kept in memory until it is
# ready; past this many, scoring waits for it instead (bounded memory).
MAX_PENDING = 20_000
LOADING = "loading"
SCORE_DEADLINE_SECONDS = 120.0
PREPARE_DEADLINE_SECONDS = 600.0
CLOSE_DEADLINE_SECONDS = 10.0


@dataclass(slots=True)
class ScorerSlot:
    """A scorer with its health, its readiness and the time before which it is skipped.

    Its calls run on a thread of its own and are waited for at most ``deadline``
    seconds: a call past it marks the scorer ``stuck`` and the batch goes on
    without it, as do later batches until the call returns.
    """

    scorer: Scorer
    health: Health
    failures: int = 0
    skip_until: float = 0.0
    ready: threading.Event = field(default_factory=threading.Event)
    pending: int = 0
    deadline: float = SCORE_DEADLINE_SECONDS
    blocked: Future[Any] | None = None
    prepare_overdue: bool = False
    worker: WorkerThread = field(init=False)

    def __post_init__(self) -> None:
        # Ready unless the engine announces a preparation (begin_preparation).
        self.ready.set()
        self.worker = WorkerThread(f"scorer-{self.scorer.name}")

    def is_blocked(self) -> bool:
        """True while a call past its deadline still runs."""
        if self.blocked is not None and self.blocked.done():
            self.blocked = None
        return self.blocked is not None

    @property
    def name(self) -> str:
        """The scorer's name."""
        return self.scorer.name


@dataclass(slots=True)
class ScoringChain:
    """The scorers in pipeline order; ``score`` runs in the scoring thread.

    Each scorer is prepared once (:meth:`prepare`, in its own thread). Until a
    deferrable scorer is ready, batches pass it by and name it in their
    ``deferred`` set; :meth:`score_deferred` annotates them later.
    """

    slots: list[ScorerSlot]
    clock: Clock
    backoff: Backoff = field(default_factory=lambda: Backoff(base=5.0, cap=300.0))
    require_topic: frozenset[str] = frozenset()
    max_pending: int = MAX_PENDING

    def begin_preparation(self) -> None:
        """Mark every scorer as loading; call before scoring starts, then :meth:`prepare`
        for each group."""
        for slot in self.slots:
            slot.ready.clear()
            slot.health.detail = LOADING

    def prepare(self, *, deferrable: bool) -> None:
        """Prepare the scorers the pipeline waits for, or the deferrable ones (blocking).

        Run it in a thread of its own. A scorer that fails to prepare is logged
        and marked, then made ready all the same: its ``score`` runs and may
        fail (and back off) in turn.
        """
        for slot in self.slots:
            if slot.scorer.deferrable != deferrable:
                continue
            try:
                slot.scorer.prepare()
            except Exception as exc:
                reason = f"{type(exc).__name__}: {exc}"
                mark_failed(slot.health, self.clock, "error", reason, None)
                log.error("scorer %s failed to prepare (%s)", slot.name, reason)
            finally:
                slot.ready.set()
                self._report(slot)

    def is_ready(self, names: Collection[str]) -> bool:
        """True when every scorer named is prepared."""
        return all(slot.ready.is_set() for slot in self.slots if slot.name in names)

    def pending(self) -> int:
        """Mentions stored and still waiting for a deferrable scorer."""
        return max((slot.pending for slot in self.slots), default=0)

    def score(self, mentions: list[Mention]) -> tuple[list[Mention], frozenset[str]]:
        """Annotate ``mentions``, dropping those a scorer asks to drop.

        Returns the mentions and the names of the deferrable scorers that were
        not ready and so did not run (their count of pending mentions grows).
        """
        mentions = _dedupe(mentions)
        deferred: list[ScorerSlot] = []
        for slot in self.slots:
            if not mentions:
                break
            if not slot.ready.is_set():
                if slot.scorer.deferrable and slot.pending < self.max_pending:
                    deferred.append(slot)
                    continue
                if not self._wait_ready(slot):
                    continue
            if self.clock.monotonic() < slot.skip_until or slot.is_blocked():
                continue
            failures = slot.failures
            mentions = self._run(slot, mentions)
            if (
                slot.scorer.name == TOPIC_SCORER
                and self.require_topic
                and slot.failures <= failures
            ):
                # Only after a successful topic pass: a scorer error must not lose mentions.
                mentions = [m for m in mentions if m.topics or m.source not in self.require_topic]
        for slot in deferred:
            slot.pending += len(mentions)
            slot.health.pending = slot.pending
        return mentions, frozenset(slot.name for slot in deferred) if mentions else frozenset()

    def score_deferred(self, names: Collection[str], mentions: list[Mention]) -> list[Mention]:
        """Run the named scorers, now ready, on mentions stored without them.

        Nothing is dropped here: these mentions are stored already.
        """
        for slot in self.slots:
            if slot.name not in names:
                continue
            slot.ready.wait()
            if self.clock.monotonic() >= slot.skip_until:
                self._run(slot, mentions, drop=False)
            slot.pending = max(0, slot.pending - len(mentions))
            slot.health.pending = slot.pending
        return mentions

    def _wait_ready(self, slot: ScorerSlot) -> bool:
        """Wait for a scorer the pipeline needs to be prepared; False when overdue."""
        if slot.prepare_overdue:
            return False
        if slot.ready.wait(PREPARE_DEADLINE_SECONDS):
            return True
        slot.prepare_overdue = True
        reason = f"prepare has not returned after {PREPARE_DEADLINE_SECONDS:g} s"
        mark_failed(slot.health, self.clock, "stuck", reason, None)
        log.error("scorer %s is stuck: %s; batches go on without it", slot.name, reason)
        return False

    def _report(self, slot: ScorerSlot) -> None:
        try:
            slot.health.detail = slot.scorer.status()
        except Exception as exc:  # a status line must never break scoring
            slot.health.detail = ""
            log.debug("scorer %s status failed: %s", slot.name, exc)

    def _run(
        self, slot: ScorerSlot, mentions: list[Mention], *, drop: bool = True
    ) -> list[Mention]:
        name = slot.scorer.name
        call = slot.worker.submit(slot.scorer.score, mentions)
        done, _ = wait_futures([call], timeout=slot.deadline)
        if not done:
            slot.blocked = call
            reason = f"score has not returned after {slot.deadline:g} s"
            mark_failed(slot.health, self.clock, "stuck", reason, None)
            log.error("scorer %s is stuck: %s; batches go on without it", name, reason)
            return mentions
        try:
            annotations = call.result()
            if len(annotations) != len(mentions):
                raise ValueError(
                    f"returned {len(annotations)} annotations for {len(mentions)} mentions"
                )
        except Exception as exc:  # a scorer's bug must not stop the pipeline
            slot.failures += 1
            wait = self.backoff.delay(slot.failures)
            slot.skip_until = self.clock.monotonic() + wait
            mark_failed(
                slot.health, self.clock, "backing_off", f"{type(exc).__name__}: {exc}", wait
            )
            log.error(
                "scorer %s failed (%s: %s); batch goes on without it, skipping it for %.0f s",
                name,
                type(exc).__name__,
                exc,
                wait,
            )
            return mentions
        finally:
            self._report(slot)
        slot.failures = 0
        mark_ok(slot.health, self.clock, len(mentions))
        kept: list[Mention] = []
        for mention, annotation in zip(mentions, annotations, strict=True):
            if annotation is None:
                kept.append(mention)
                continue
            annotation.apply_to(mention, name)
            if not (drop and annotation.drop):
                kept.append(mention)
        return kept

    def close(self) -> None:
        """Close every scorer, isolating failures; a scorer still stuck is left alone."""
        for slot in self.slots:
            if slot.is_blocked():
                continue
            try:
                slot.worker.submit(slot.scorer.close).result(timeout=CLOSE_DEADLINE_SECONDS)
            except TimeoutError:
                log.error("scorer %s did not close within %g s", slot.name, CLOSE_DEADLINE_SECONDS)
            except Exception as exc:
                log.error("scorer %s failed to close: %s", slot.scorer.name, exc)
            slot.worker.shutdown(wait=False)


def _dedupe(mentions: Sequence[Mention]) -> list[Mention]:
    # The same post can arrive twice in one batch (overlap windows); keep the last.
    by_id = {mention.id: mention for mention in mentions}
    if len(by_id) == len(mentions):
        return list(mentions)
    return list(by_id.values())


async def score_stage(
    inbox: asyncio.Queue[Batch | None],
    outbox: asyncio.Queue[Batch | None],
    chain: ScoringChain,
    executor: ThreadPoolExecutor,
) -> None:
    """Score each batch off the event loop; pass ``None`` on when done."""
    loop = asyncio.get_running_loop()
    while True:
        batch = await inbox.get()
        if batch is None:
            await outbox.put(None)
            return
        if batch.mentions and chain.slots:
            batch.mentions, batch.deferred = await loop.run_in_executor(
                executor, chain.score, batch.mentions
            )
        elif batch.mentions:
            batch.mentions = _dedupe(batch.mentions)
        await outbox.put(batch)
