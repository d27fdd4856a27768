"""The ``demo`` source: a deterministic multilingual stream of posts about Acme Cloud."""

from __future__ import annotations

import html
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ecoute.engine import (
    Author,
    ComponentContext,
    ConfigError,
    FetchResult,
    MalformedItem,
    Mention,
    Normaliser,
    Option,
    RawItem,
    Source,
    hookimpl,
)

from . import demo_corpus as corpus

TITLED = frozenset({"news", "blog", "reddit", "forum"})
CONVERSATIONAL = frozenset({"mastodon", "bluesky", "reddit", "hackernews", "forum"})
STATS: dict[str, tuple[str, ...]] = {
    "mastodon": ("likes", "shares", "replies"),
    "bluesky": ("likes", "shares", "replies"),
    "reddit": ("likes", "replies"),
    "hackernews": ("likes", "replies"),
    "news": ("shares", "views"),
    "forum": ("replies", "views"),
    "blog": ("likes", "replies", "views"),
}
_SUPPORT_WORTHY = frozenset({"sync", "price", "outage", "support", "question"})
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
        self._lang_weights = [corpus.LANG_WEIGHTS[lang] for lang in self.languages]
        self._plans: dict[int, Plan] = {}
        self._bursts: dict[int, Burst | None] = {}
        self._authors: dict[str, dict[str, list[corpus.DemoAuthor]]] = {}
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
        weights = corpus.PLATFORM_WEIGHTS[lang]
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
        kinds = corpus.KIND_WEIGHTS.get(platform, corpus.SOCIAL_KINDS)
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
        weights = corpus.PLATFORM_WEIGHTS[lang]
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

    def author(self, platform: str, lang: str, number: int) -> corpus.DemoAuthor:
        """Author ``number`` of the pool of ``platform`` and ``lang``."""
        if platform not in self._authors:
            self._authors[platform] = corpus.author_pools(self.seed, platform, POOL, INFLUENCERS)
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
        return _Composer(self, plan, rng).compose()

    def payload(self, index: int, arrived: datetime) -> Any:
        """The raw payload of item ``index``, published ``plan.delay`` before ``arrived``."""
        payload = self.content(index)
        posted = arrived - timedelta(seconds=self.plan(index).delay)
        payload["posted_at"] = posted.astimezone(UTC).isoformat(timespec="milliseconds")
        if self.malformed_rate > 0:
            # A separate generator, so the rate never changes the content of good items.
            rng = random.Random(f"{self.seed}:{index}:malformed")
            if rng.random() < self.malformed_rate:
                return _break(payload, rng)
        return payload


class _Composer:
    """Writes the payload of one planned item: text, title, author, stats, links."""

    def __init__(self, stream: DemoStream, plan: Plan, rng: random.Random) -> None:
        self.stream = stream
        self.plan = plan
        self.rng = rng

    def compose(self) -> dict[str, Any]:
        """The item's payload, without ``posted_at``."""
        stream, plan, rng = self.stream, self.plan, self.rng
        role, kind, lang, platform = plan.role, plan.kind, plan.lang, plan.platform
        parent = stream.parent_of(plan, rng) if role.endswith(("reply", "quote")) else None
        if role == "reply" and parent is None:
            role = "post"  # nothing to answer nearby: an ordinary post after all
            kind = rng.choices(list(corpus.SOCIAL_KINDS), list(corpus.SOCIAL_KINDS.values()))[0]
        if role == "reply" and parent is not None:
            lang = parent.lang
        author = stream.author(platform, lang, plan.author)
        writer = corpus.PostWriter(lang, rng)
        title: str | None = None
        sentiment: str | None = corpus.SENTIMENT.get(kind)
        boost = 1.0
        if role == "reply" and parent is not None:
            parent_author = stream.author(parent.platform, parent.lang, parent.author)
            sentiment, boost = None, 0.2
            if parent.kind in _SUPPORT_WORTHY and rng.random() < 0.25:
                kind, author = "support-reply", corpus.support_account(platform)
                mention = "@" + parent_author.handle.split("@")[0]
                writer = corpus.PostWriter(lang, rng, user=mention)
                body = writer.write(rng.choice(corpus.SUPPORT_REPLIES[lang]))
            else:
                body = writer.write(rng.choice(corpus.REPLIES[lang]))
        elif role == "viral":
            body = writer.write(corpus.VIRAL[kind][lang])
            if platform in TITLED:
                title = writer.write(rng.choice(corpus.TITLES[lang][kind]))
            boost = 40.0
        elif role in ("burst-reply", "burst-quote") and parent is not None:
            comment = writer.write(rng.choice(corpus.BURST_REPLIES[kind][lang]))
            boost = 0.3
            if role == "burst-reply":
                body = comment
            else:
                viral_text, _ = stream.viral_post(parent.index)
                snippet = viral_text if len(viral_text) <= 90 else viral_text[:89] + "…"
                body, parent, boost = f"{comment} 🔁 “{snippet}”", None, 0.6
        else:
            title, body = self._original(writer, kind, lang, platform)
        if platform == "mastodon" and parent is not None and not body.startswith("@"):
            # Mastodon replies open with the handle of the account they answer.
            parent_author = stream.author(parent.platform, parent.lang, parent.author)
            body = f"@{parent_author.handle.split('@')[0]} {body}"
        post_id = f"demo-{stream.seed}-{plan.index}"
        return {
            "network": platform,
            "post_id": post_id,
            "user": {
                "handle": author.handle,
                "display_name": author.name,
                "followers": author.followers,
                "profile": author.profile,
            },
            "body": body,
            "headline": title,
            "stats": self._stats(platform, author.followers, boost),
            "in_reply_to": f"demo-{stream.seed}-{parent.index}" if parent is not None else None,
            "link": self._link(platform, author, post_id, title, parent),
            "lang": None
            if platform in ("reddit", "forum", "hackernews") and rng.random() < 0.1
            else lang,
            "truth": {"kind": kind, "role": role, "about": writer.about(), "sentiment": sentiment},
        }

    def _original(
        self, writer: corpus.PostWriter, kind: str, lang: str, platform: str
    ) -> tuple[str | None, str]:
        rng = self.rng
        if kind == "noise" and platform in TITLED:
            headline, sentences = rng.choice(corpus.NOISE_ARTICLES[lang])
            body = [writer.write(s) for s in sentences]
            if platform in ("news", "blog"):
                return writer.write(headline), _as_html(body, lang, rng, None)
            return writer.write(headline), " ".join(body[: rng.randrange(1, len(body) + 1)])
        title = writer.write(rng.choice(corpus.TITLES[lang][kind])) if platform in TITLED else None
        bodies = corpus.BODIES[lang][kind]
        count = 1
        if kind in corpus.COMBINABLE and platform in ("news", "blog", "reddit", "forum"):
            count = 3 if platform == "news" else rng.choice((1, 2, 2, 3))
        sentences = [writer.write(t).strip() for t in rng.sample(bodies, count)]
        if platform == "blog":
            sentences.insert(0, rng.choice(corpus.BLOG_OPENERS[lang]))
        if platform in ("news", "blog"):
            return title, _as_html(sentences, lang, rng, writer.used("brand"))
        text = " ".join(sentences)
        if platform in ("mastodon", "bluesky", "reddit") and rng.random() < 0.3:
            text = rng.choice(corpus.DECORATIONS[lang][corpus.SENTIMENT[kind]]) + text
        if platform == "forum":
            text = rng.choice(corpus.FORUM_OPENINGS[lang]) + text
            text += rng.choice(corpus.FORUM_CLOSINGS[lang])
        if platform in ("mastodon", "bluesky") and kind != "noise" and rng.random() < 0.35:
            tags = [
                t for t in rng.sample(corpus.HASHTAGS[lang], 2) if t.lower() not in text.lower()
            ]
            text = " ".join([text, *tags])
        if platform not in ("news", "blog") and rng.random() < 0.08:
            text = text.lower()  # people who never press shift
        return title, text

    def _stats(self, platform: str, followers: int | None, boost: float) -> dict[str, int]:
        rng = self.rng
        base = (followers or 300) ** 0.7
        likes = int(base * rng.lognormvariate(-1.2, 1.0) * boost)
        values = {
            "likes": likes,
            "shares": int(likes * rng.uniform(0.05, 0.4)),
            "replies": int(likes * rng.uniform(0.03, 0.3)),
            "views": int((followers or 500) * rng.uniform(0.3, 2.5) * boost) + likes * 15,
        }
        return {key: values[key] for key in STATS[platform]}

    def _link(
        self,
        platform: str,
        author: corpus.DemoAuthor,
        post_id: str,
        title: str | None,
        parent: Plan | None,
    ) -> str:
        slug = corpus.ascii_slug(title)[:60] if title else "post"
        root = f"demo-{self.stream.seed}-{parent.index}" if parent is not None else post_id
        if platform == "mastodon":
            return f"{author.profile}/{post_id}"
        if platform == "bluesky":
            return f"https://bsky.example/profile/{author.handle}/post/{post_id}"
        if platform == "reddit":
            lang = parent.lang if parent is not None else self.plan.lang
            subs = corpus.SUBREDDITS[lang]
            sub = subs[(parent or self.plan).index % len(subs)]
            tail = f"comment/{post_id}/" if parent is not None else f"{slug}/"
            return f"https://reddit.example/r/{sub}/comments/{root}/{tail}"
        if platform == "hackernews":
            return f"https://hackernews.example/item?id={post_id}"
        if platform == "news":
            tracking = "?utm_source=rss&utm_medium=feed" if self.rng.random() < 0.3 else ""
            return f"{author.profile}tech/{slug}-{self.plan.index}{tracking}"
        if platform == "blog":
            return f"{author.profile}{slug}"
        return f"https://forum.example/t/{root}/{post_id}"


def _as_html(sentences: list[str], lang: str, rng: random.Random, brand: str | None) -> str:
    # Simple HTML as feeds and article pages carry it: paragraphs, entities, emphasis.
    paragraphs = []
    for sentence in sentences:
        text = html.escape(sentence, quote=False)
        if lang == "fr":
            text = text.replace(" ?", "&nbsp;?").replace(" !", "&nbsp;!").replace(" :", "&nbsp;:")
        if brand and rng.random() < 0.5:
            text = text.replace(brand, f"<strong>{brand}</strong>", 1)
        paragraphs.append(f"<p>{text}</p>")
    if brand and rng.random() < 0.3:
        paragraphs.append(
            '<p><a href="https://acme-cloud.example/blog?utm_source=press&amp;'
            'utm_medium=referral">acme-cloud.example</a></p>'
        )
    return "\n".join(paragraphs)


_BREAKAGES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "missing post_id": lambda p: p.pop("post_id"),
    "body not a string": lambda p: p.__setitem__("body", 12345),
    "bad posted_at": lambda p: p.__setitem__("posted_at", "sometime yesterday"),
    "user not an object": lambda p: p.__setitem__("user", "jdupont"),
    "missing user.handle": lambda p: p["user"].pop("handle"),
    "stats not an object": lambda p: p.__setitem__("stats", [1, 2, 3]),
    "stat not a number": lambda p: p.__setitem__("stats", {"likes": "many"}),
    "missing network": lambda p: p.__setitem__("network", None),
}


def _break(payload: dict[str, Any], rng: random.Random) -> Any:
    # Wrong types and missing fields, as a buggy platform API would send them.
    how = rng.choice([*_BREAKAGES, "not an object"])
    if how == "not an object":
        return [payload["post_id"], payload["body"]]
    _BREAKAGES[how](payload)
    return payload


class DemoSource(Source):
    """A synthetic stream about Acme Cloud and its competitors, for trying ecoute out.

    Items arrive at ``rate`` per second (``burst_factor`` times faster during a
    burst); item ``i`` is the same for the same seed whenever it is fetched.
    The cursor is the index of the next item.
    """

    type = "demo"
    description = "Synthetic multilingual posts about the fictional brand Acme Cloud."
    default_interval = 1.0
    options = (
        Option("rate", float, 2.0, help="mentions per second outside bursts", minimum=0.01),
        Option("seed", int, 42, help="the same seed gives the same stream"),
        Option(
            "burst_factor", float, 6.0, help="how much faster items come in a burst", minimum=1.0
        ),
        Option(
            "malformed_rate", float, 0.0, help="fraction of broken payloads, 0 to 1", minimum=0.0
        ),
        Option("limit", int, 0, help="stop after this many items (0: never)", minimum=0),
        Option("languages", list, ["fr", "en", "ru"], help="languages to write: fr, en, ru"),
    )
    INITIAL_BACKLOG = 10  # items ready at the first fetch, so a newcomer sees rows at once
    MAX_PER_FETCH = 500
    MAX_BACKLOG = 2000  # after a long pause, catch up at most this many items

    def __init__(self, context: ComponentContext) -> None:
        super().__init__(context)
        defaults = {option.name: option.default for option in self.options}
        values = {**defaults, **context.options}
        languages = values["languages"]
        if not languages or not all(
            isinstance(x, str) and x in corpus.LANG_WEIGHTS for x in languages
        ):
            known = ", ".join(corpus.LANG_WEIGHTS)
            raise ConfigError(
                f"must be a non-empty list of {known}, got {languages!r}", key="languages"
            )
        if not 0.0 <= values["malformed_rate"] <= 1.0:
            raise ConfigError("malformed_rate must be between 0 and 1", key="malformed_rate")
        self.rate = float(values["rate"])
        self.limit = int(values["limit"])
        self.stream = DemoStream(
            int(values["seed"]),
            tuple(dict.fromkeys(languages)),
            float(values["burst_factor"]),
            float(values["malformed_rate"]),
        )
        self._credit = 0.0  # items due, counted at the base rate
        self._last_tick: float | None = None

    async def fetch(self, cursor: str | None) -> FetchResult:
        """The items due since the last fetch, from item ``cursor`` on."""
        index = self._start(cursor)
        tick = self.context.clock.monotonic()
        if self._last_tick is None:
            self._credit = float(self.INITIAL_BACKLOG)
        else:
            elapsed = max(0.0, tick - self._last_tick)
            self._credit = min(self._credit + elapsed * self.rate, float(self.MAX_BACKLOG))
        self._last_tick = tick
        now = self.context.clock.now()
        items: list[RawItem] = []
        while len(items) < self.MAX_PER_FETCH and not self._exhausted(index):
            cost = 1.0 / self.stream.rate_factor(index)
            if self._credit < cost:
                break
            self._credit -= cost
            # The credit left says how long ago this item arrived.
            arrived = now - timedelta(seconds=self._credit / self.rate)
            payload = self.stream.payload(index, arrived)
            origin = f"demo seed {self.stream.seed} item {index}"
            items.append(RawItem("demo", payload, fetched_at=now, source=self.name, origin=origin))
            index += 1
        more = (
            len(items) == self.MAX_PER_FETCH
            and not self._exhausted(index)
            and self._credit >= 1.0 / self.stream.rate_factor(index)
        )
        return FetchResult(items=items, cursor=str(index), more=more)

    def _exhausted(self, index: int) -> bool:
        return 0 < self.limit <= index

    def _start(self, cursor: str | None) -> int:
        if cursor is None:
            return 0
        try:
            index = int(cursor)
        except ValueError:
            index = -1
        if index < 0:
            self.context.logger.warning("demo: ignoring bad cursor %r, starting over", cursor)
            return 0
        return index


class DemoNormaliser(Normaliser):
    """Maps demo payloads (``RawItem.platform == "demo"``) to mentions."""

    platform = "demo"

    def normalise(self, item: RawItem) -> Mention:
        """One demo payload as a mention; ``MalformedItem`` names the bad field."""
        payload = item.payload
        if not isinstance(payload, dict):
            raise MalformedItem(f"demo payload must be an object, got {type(payload).__name__}")
        network = _text(payload, "network")
        post_id = _text(payload, "post_id")
        user = payload.get("user")
        if not isinstance(user, dict):
            raise _bad("user", "an object", user)
        followers = user.get("followers")
        if followers is not None and (type(followers) is not int):
            raise _bad("user.followers", "an integer", followers)
        stats = payload.get("stats") or {}
        if not isinstance(stats, dict):
            raise _bad("stats", "an object", stats)
        for key, value in stats.items():
            if type(value) is not int:
                raise _bad(f"stats.{key}", "an integer", value)
        in_reply_to = _optional_text(payload, "in_reply_to")
        return Mention(
            id=f"{network}:{post_id}",
            platform=network,
            text=_text(payload, "body", allow_empty=True),
            created_at=_time(payload, "posted_at"),
            author=Author(
                handle=_text(user, "handle", "user."),
                name=_optional_text(user, "display_name", "user."),
                followers=followers,
                url=_optional_text(user, "profile", "user.") or None,
            ),
            source=item.source,
            url=_optional_text(payload, "link"),
            title=_optional_text(payload, "headline"),
            lang=_optional_text(payload, "lang"),
            likes=stats.get("likes"),
            shares=stats.get("shares"),
            replies=stats.get("replies"),
            views=stats.get("views"),
            parent_id=f"{network}:{in_reply_to}" if in_reply_to else None,
            raw=payload,
        )


def _bad(field: str, expected: str, value: Any) -> MalformedItem:
    if value is None:
        return MalformedItem(f"missing field '{field}'")
    return MalformedItem(
        f"field '{field}' must be {expected}, got {type(value).__name__} {value!r:.60}"
    )


def _text(data: dict[str, Any], key: str, prefix: str = "", *, allow_empty: bool = False) -> str:
    value = data.get(key)
    if type(value) is not str or (not value and not allow_empty):
        raise _bad(prefix + key, "a string", value or None)
    return value


def _optional_text(data: dict[str, Any], key: str, prefix: str = "") -> str | None:
    value = data.get(key)
    if value is not None and type(value) is not str:
        raise _bad(prefix + key, "a string", value)
    return value


def _time(data: dict[str, Any], key: str) -> datetime:
    value = data.get(key)
    if type(value) is not str:
        raise _bad(key, "an ISO 8601 time", value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise MalformedItem(f"field '{key}' is not an ISO 8601 time: {value!r:.60}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@hookimpl
def register_sources(register: Callable[[type[Source]], None]) -> None:
    """Register the ``demo`` source."""
    register(DemoSource)


@hookimpl
def register_normalisers(register: Callable[[Normaliser], None]) -> None:
    """Register the normaliser of demo payloads."""
    register(DemoNormaliser())
