"""Writing one planned demo item: its text, title, author, stats and link."""

from __future__ import annotations

import html
import random
from typing import TYPE_CHECKING, Any

from .authors import DemoAuthor, ascii_slug, support_account
from .corpus import (
    BLOG_OPENERS,
    BODIES,
    BURST_REPLIES,
    COMBINABLE,
    DECORATIONS,
    FORUM_CLOSINGS,
    FORUM_OPENINGS,
    HASHTAGS,
    NOISE_ARTICLES,
    REPLIES,
    SENTIMENT,
    SOCIAL_KINDS,
    SUBREDDITS,
    SUPPORT_REPLIES,
    TITLES,
    VIRAL,
)
from .writer import PostWriter

if TYPE_CHECKING:
    from .stream import DemoStream, Plan

TITLED = frozenset({"news", "blog", "reddit", "forum"})
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


class Composer:
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
            kind = rng.choices(list(SOCIAL_KINDS), list(SOCIAL_KINDS.values()))[0]
        if role == "reply" and parent is not None:
            lang = parent.lang
        author = stream.author(platform, lang, plan.author)
        writer = PostWriter(lang, rng)
        title: str | None = None
        sentiment: str | None = SENTIMENT.get(kind)
        boost = 1.0
        if role == "reply" and parent is not None:
            parent_author = stream.author(parent.platform, parent.lang, parent.author)
            sentiment, boost = None, 0.2
            if parent.kind in _SUPPORT_WORTHY and rng.random() < 0.25:
                kind, author = "support-reply", support_account(platform)
                mention = "@" + parent_author.handle.split("@")[0]
                writer = PostWriter(lang, rng, user=mention)
                body = writer.write(rng.choice(SUPPORT_REPLIES[lang]))
            else:
                body = writer.write(rng.choice(REPLIES[lang]))
        elif role == "viral":
            body = writer.write(VIRAL[kind][lang])
            if platform in TITLED:
                title = writer.write(rng.choice(TITLES[lang][kind]))
            boost = 40.0
        elif role in ("burst-reply", "burst-quote") and parent is not None:
            comment = writer.write(rng.choice(BURST_REPLIES[kind][lang]))
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
        self, writer: PostWriter, kind: str, lang: str, platform: str
    ) -> tuple[str | None, str]:
        rng = self.rng
        if kind == "noise" and platform in TITLED:
            headline, sentences = rng.choice(NOISE_ARTICLES[lang])
            body = [writer.write(s) for s in sentences]
            if platform in ("news", "blog"):
                return writer.write(headline), _as_html(body, lang, rng, None)
            return writer.write(headline), " ".join(body[: rng.randrange(1, len(body) + 1)])
        title = writer.write(rng.choice(TITLES[lang][kind])) if platform in TITLED else None
        bodies = BODIES[lang][kind]
        count = 1
        if kind in COMBINABLE and platform in ("news", "blog", "reddit", "forum"):
            count = 3 if platform == "news" else rng.choice((1, 2, 2, 3))
        sentences = [writer.write(t).strip() for t in rng.sample(bodies, count)]
        if platform == "blog":
            sentences.insert(0, rng.choice(BLOG_OPENERS[lang]))
        if platform in ("news", "blog"):
            return title, _as_html(sentences, lang, rng, writer.used("brand"))
        text = " ".join(sentences)
        if platform in ("mastodon", "bluesky", "reddit") and rng.random() < 0.3:
            text = rng.choice(DECORATIONS[lang][SENTIMENT[kind]]) + text
        if platform == "forum":
            text = rng.choice(FORUM_OPENINGS[lang]) + text
            text += rng.choice(FORUM_CLOSINGS[lang])
        if platform in ("mastodon", "bluesky") and kind != "noise" and rng.random() < 0.35:
            tags = [t for t in rng.sample(HASHTAGS[lang], 2) if t.lower() not in text.lower()]
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
        author: DemoAuthor,
        post_id: str,
        title: str | None,
        parent: Plan | None,
    ) -> str:
        slug = ascii_slug(title)[:60] if title else "post"
        root = f"demo-{self.stream.seed}-{parent.index}" if parent is not None else post_id
        if platform == "mastodon":
            return f"{author.profile}/{post_id}"
        if platform == "bluesky":
            return f"https://bsky.example/profile/{author.handle}/post/{post_id}"
        if platform == "reddit":
            lang = parent.lang if parent is not None else self.plan.lang
            subs = SUBREDDITS[lang]
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
