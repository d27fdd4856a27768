"""The content of the demo stream: which item comes when, from whom, and in which burst."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .authors import DemoAuthor, author_pools
from .composer import Composer
from .corpus import KIND_WEIGHTS, LANG_WEIGHTS, PLATFORM_WEIGHTS, SOCIAL_KINDS
from .malformed import break_payload

CONVERSATIONAL = frozenset({"mastodon", "bluesky", "reddit", "hackernews", "forum"})
EPOCH = 2000  # items per burst period: at most one burst in each
POOL = 240  # authors per platform and language; the first few are influencers
INFLUENCERS = 4


@dataclass(frozen=True, slots=True)
class Burst:
    """A viral post at index ``start`` and the wave of items up to ``end`` (excluded)."""

    start: int
    end: int
    kind: str
    lang: str
    platform: str
    author: int


@dataclass(frozen=True, slots=True)
class Plan:
    """What item ``index`` is, decided before its text: cheap, so replies can look back."""

    index: int
    lang: str
    platform: str
    kind: str
    author: int
    role: str  # post, reply, viral, burst-reply, burst-quote, burst-post
    delay: float  # seconds between publication and arrival


class DemoStream:
    """The content of the demo stream: item ``i`` depends only on the seed and the options."""

    def __init__(
        self,
        seed: int = 42,
        languages: tuple[str, ...] = ("fr", "en", "ru"),
        burst_factor: float = 6.0,
        malformed_rate: float = 0.0,
    ) -> None:
        self.seed = seed
        self.languages = tuple(languages)
        self.burst_factor = burst_factor
        self.malformed_rate = malformed_rate
        self._lang_weights = [LANG_WEIGHTS[lang] for lang in self.languages]
        self._plans: dict[int, Plan] = {}
        self._bursts: dict[int, Burst | None] = {}
        self._authors: dict[str, dict[str, list[DemoAuthor]]] = {}
        self._viral_texts: dict[int, tuple[str, str]] = {}

    # -- structure ------------------------------------------------------------

    def burst_at(self, index: int) -> Burst | None:
        """The burst whose window holds ``index``, if any."""
        epoch = index // EPOCH
        if epoch not in self._bursts:
            self._bursts[epoch] = self._make_burst(epoch)
        burst = self._bursts[epoch]
        return burst if burst is not None and burst.start <= index < burst.end else None

    def rate_factor(self, index: int) -> float:
        """How much faster than the base rate item ``index`` arrives (1.0 outside bursts)."""
        burst = self.burst_at(index)
        if burst is None:
            return 1.0
        position = (index - burst.start) / (burst.end - burst.start)
        if position < 0.5:
            return self.burst_factor
        return 1.0 + (self.burst_factor - 1.0) * (1.0 - position) * 2.0

    def _make_burst(self, epoch: int) -> Burst | None:
        rng = random.Random(f"{self.seed}:burst:{epoch}")
        # The first period always has one, early, so a newcomer sees a spike soon.
        if epoch > 0 and rng.random() > 0.6:
            return None
        length = rng.randrange(300, 600)
        offset = rng.randrange(150, 260) if epoch == 0 else rng.randrange(50, EPOCH - length)
        kind = rng.choices(("outage", "price", "praise"), (5, 3, 2))[0]
        lang = self._lang(rng)
        weights = PLATFORM_WEIGHTS[lang]
        platform = rng.choices(
            ("mastodon", "bluesky", "reddit"),
            [weights[p] for p in ("mastodon", "bluesky", "reddit")],
        )[0]
        start = epoch * EPOCH + offset
        return Burst(start, start + length, kind, lang, platform, rng.randrange(INFLUENCERS))

    def plan(self, index: int) -> Plan:
        """The plan of item ``index`` (cached)."""
        plan = self._plans.get(index)
        if plan is None:
            if len(self._plans) > 50_000:
                self._plans.clear()
            plan = self._plans[index] = self._make_plan(index)
        return plan

    def _make_plan(self, index: int) -> Plan:
        rng = random.Random(f"{self.seed}:{index}")
        delay = rng.random()
        burst = self.burst_at(index)
        if burst is not None:
            if index == burst.start:
                return Plan(
                    index,
                    burst.lang,
                    burst.platform,
                    burst.kind,
                    burst.author,
                    "viral",
                    2.0 + 28.0 * delay,
                )
            draw = rng.random()
            author = rng.randrange(POOL)
            if draw < 0.65:
                lang = burst.lang if rng.random() < 0.75 else self._lang(rng)
                role = "burst-reply" if draw < 0.55 else "burst-quote"
                return Plan(index, lang, burst.platform, burst.kind, author, role, 2.0 * delay)
            if draw < 0.85:
                lang = self._lang(rng)
                platform = self._platform(lang, rng)
                return Plan(
                    index, lang, platform, burst.kind, author, "burst-post", 2.0 + 28.0 * delay
                )
        lang = self._lang(rng)
        platform = self._platform(lang, rng)
        kinds = KIND_WEIGHTS.get(platform, SOCIAL_KINDS)
        kind = rng.choices(list(kinds), list(kinds.values()))[0]
        author = rng.randrange(POOL)
        if platform in CONVERSATIONAL and rng.random() < 0.2:
            return Plan(index, lang, platform, "reply", author, "reply", 2.0 * delay)
        # Originals are published a little before they arrive; replies at most 2 s before,
        # so a reply is always newer than its parent.
        return Plan(index, lang, platform, kind, author, "post", 2.0 + 28.0 * delay)

    def _lang(self, rng: random.Random) -> str:
        return rng.choices(self.languages, self._lang_weights)[0]

    def _platform(self, lang: str, rng: random.Random) -> str:
        weights = PLATFORM_WEIGHTS[lang]
        return rng.choices(list(weights), list(weights.values()))[0]

    def parent_of(self, plan: Plan, rng: random.Random) -> Plan | None:
        """A recent brand post on the same platform for a reply, or ``None`` if there is none."""
        if plan.role in ("burst-reply", "burst-quote"):
            burst = self.burst_at(plan.index)
            return self.plan(burst.start) if burst is not None else None
        candidates = []
        for j in range(plan.index - 1, max(-1, plan.index - 80), -1):
            other = self.plan(j)
            if (
                other.role == "post"
                and other.platform == plan.platform
                and other.kind not in ("noise", "news")
            ):
                candidates.append(other)
                if len(candidates) == 4:
                    break
        return rng.choice(candidates) if candidates else None

    # -- authors --------------------------------------------------------------

    def author(self, platform: str, lang: str, number: int) -> DemoAuthor:
        """Author ``number`` of the pool of ``platform`` and ``lang``."""
        if platform not in self._authors:
            self._authors[platform] = author_pools(self.seed, platform, POOL, INFLUENCERS)
        pool = self._authors[platform][lang]
        return pool[number % len(pool)]

    def viral_post(self, start: int) -> tuple[str, str]:
        """(text, author handle) of the viral post of the burst starting at ``start``."""
        if start not in self._viral_texts:
            content = self.content(start)
            self._viral_texts[start] = (content["body"], content["user"]["handle"])
        return self._viral_texts[start]

    # -- items ----------------------------------------------------------------

    def content(self, index: int) -> dict[str, Any]:
        """The payload of item ``index`` without its time: a fresh dict on every call."""
        plan = self.plan(index)
        rng = random.Random(f"{self.seed}:{index}:text")
        return Composer(self, plan, rng).compose()

    def payload(self, index: int, arrived: datetime) -> Any:
        """The raw payload of item ``index``, published ``plan.delay`` before ``arrived``."""
        payload = self.content(index)
        posted = arrived - timedelta(seconds=self.plan(index).delay)
        payload["posted_at"] = posted.astimezone(UTC).isoformat(timespec="milliseconds")
        if self.malformed_rate > 0:
            # A separate generator, so the rate never changes the content of good items.
            rng = random.Random(f"{self.seed}:{index}:malformed")
            if rng.random() < self.malformed_rate:
                return break_payload(payload, rng)
        return payload
