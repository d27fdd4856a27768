"""Runs the scorers in order on each batch, in a worker thread, isolating failures."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from ..components import Components
from ..config import Config
from ..contracts import Clock, Scorer
from ..health import Health
from ..records import Mention
from .backoff import Backoff, mark_failed, mark_ok
from .batching import Batch

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


@dataclass(slots=True)
class ScorerSlot:
    """A scorer with its health and the time before which it is skipped."""

    scorer: Scorer
    health: Health
    failures: int = 0
    skip_until: float = 0.0


@dataclass(slots=True)
class ScoringChain:
    """The scorers in pipeline order; ``score`` runs in the scoring thread."""

    slots: list[ScorerSlot]
    clock: Clock
    backoff: Backoff = field(default_factory=lambda: Backoff(base=5.0, cap=300.0))
    require_topic: frozenset[str] = frozenset()

    def score(self, mentions: list[Mention]) -> list[Mention]:
        """Annotate ``mentions``, dropping those a scorer asks to drop."""
        mentions = _dedupe(mentions)
        for slot in self.slots:
            if not mentions:
                break
            if self.clock.monotonic() < slot.skip_until:
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
        return mentions

    def _run(self, slot: ScorerSlot, mentions: list[Mention]) -> list[Mention]:
        name = slot.scorer.name
        try:
            annotations = slot.scorer.score(mentions)
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
        slot.failures = 0
        mark_ok(slot.health, self.clock, len(mentions))
        kept: list[Mention] = []
        for mention, annotation in zip(mentions, annotations, strict=True):
            if annotation is None:
                kept.append(mention)
                continue
            annotation.apply_to(mention, name)
            if not annotation.drop:
                kept.append(mention)
        return kept

    def close(self) -> None:
        """Close every scorer, isolating failures."""
        for slot in self.slots:
            try:
                slot.scorer.close()
            except Exception as exc:
                log.error("scorer %s failed to close: %s", slot.scorer.name, exc)


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
            batch.mentions = await loop.run_in_executor(executor, chain.score, batch.mentions)
        elif batch.mentions:
            batch.mentions = _dedupe(batch.mentions)
        await outbox.put(batch)
