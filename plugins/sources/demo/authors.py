"""The fictional accounts of the demo stream: handles, profiles and follower counts by platform."""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass

from .names import FIRST_NAMES, LAST_NAMES, NAME_DECORATIONS, NICKNAMES, OUTLETS

_TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
    }
)


def ascii_slug(text: str, sep: str = "-") -> str:
    """Lowercase ASCII letters and digits of ``text`` (Cyrillic transliterated), ``sep``-joined."""
    folded = unicodedata.normalize("NFKD", text.lower().translate(_TRANSLIT))
    kept = (c for c in folded if not unicodedata.combining(c))
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in kept).split()
    return sep.join(words)


_INSTANCES = {
    "en": ["mastodon.example", "social.example", "toot.example"],
    "fr": ["mastodon.example", "piaille.example", "social.example"],
    "ru": ["mastodon.example", "ruhub.example"],
}


@dataclass(frozen=True, slots=True)
class DemoAuthor:
    """A fictional account: ``followers`` is ``None`` where the platform has none."""

    handle: str
    name: str | None
    followers: int | None
    profile: str


def support_account(platform: str) -> DemoAuthor:
    """The brand's official account on ``platform``."""
    handle, profile = _platform_handle(platform, "acme_support", "mastodon.example")
    return DemoAuthor(handle, "Acme Cloud Support", 48_200, profile)


def author_pools(
    seed: int, platform: str, size: int, influencers: int
) -> dict[str, list[DemoAuthor]]:
    """Distinct fictional authors of ``platform`` by language; the first ``influencers`` are big.

    Follower counts are heavy-tailed (log-normal); Hacker News has none.
    """
    rng = random.Random(f"{seed}:authors:{platform}")
    pools: dict[str, list[DemoAuthor]] = {}
    taken: set[str] = set()
    for lang in ("en", "fr", "ru"):
        if platform == "news":
            pools[lang] = [
                DemoAuthor(
                    ascii_slug(name), name, int(rng.uniform(50_000, 2_000_000)), f"https://{host}/"
                )
                for name, host in OUTLETS[lang]
            ]
            continue
        pool: list[DemoAuthor] = []
        while len(pool) < size:
            first = rng.choice(FIRST_NAMES[lang])
            last = rng.choice(LAST_NAMES[lang])
            if lang == "ru" and first[-1] in "ая":
                last += "а"
            handle, profile = _platform_handle(
                platform, _handle_base(first, last, rng), rng.choice(_INSTANCES[lang])
            )
            if handle in taken:
                continue
            taken.add(handle)
            if len(pool) < influencers:
                followers: int | None = int(rng.uniform(30_000, 900_000))
            else:
                followers = int(math.exp(rng.gauss(4.8, 1.6)))
            if platform == "hackernews":
                followers = None
            name: str | None = f"{first} {last}" if rng.random() < 0.7 else first
            name = f"{name}{rng.choice(NAME_DECORATIONS)}"
            if platform in ("reddit", "hackernews") and rng.random() < 0.8:
                name = None
            pool.append(DemoAuthor(handle, name, followers, profile))
        pools[lang] = pool
    return pools


def _handle_base(first: str, last: str, rng: random.Random) -> str:
    f, s = ascii_slug(first, ""), ascii_slug(last, "")
    styles = (
        f"{f}{s}",
        f"{f[0]}{s}",
        f"{f}_{s[0]}",
        f"{s}{rng.randrange(10, 99)}",
        f"{f}.{s}",
        f"{rng.choice(NICKNAMES)}_{f}",
        f"{f}{rng.randrange(1970, 2006)}",
        f"{rng.choice(NICKNAMES)}{rng.randrange(1, 999)}",
    )
    return rng.choice(styles)


def _platform_handle(platform: str, base: str, instance: str) -> tuple[str, str]:
    # (handle, profile URL) in the platform's own style.
    if platform == "mastodon":
        user = base.replace(".", "_")
        return f"{user}@{instance}", f"https://{instance}/@{user}"
    if platform == "bluesky":
        handle = base.replace("_", "-").replace(".", "-") + ".bsky.example"
        return handle, f"https://bsky.example/profile/{handle}"
    if platform == "reddit":
        user = base.replace(".", "_")
        return user, f"https://reddit.example/user/{user}"
    if platform == "hackernews":
        user = base.replace(".", "")
        return user, f"https://hackernews.example/user?id={user}"
    if platform == "blog":
        user = base.replace("_", "-").replace(".", "-")
        return user, f"https://blog.example/{user}/"
    return base, f"https://forum.example/u/{base}"
