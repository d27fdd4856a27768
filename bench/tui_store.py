"""A fast generator of large, realistic mention stores for the TUI benchmark.

Usage: python bench/tui_store.py PATH [--n 1000000]

Mentions spread over the 90 days before now (so the date presets select 1 hour,
a day, a week, a month), on skewed platforms and languages, with topic matches
(and their spans), sentiment, a few rare values (one platform, one language and
one topic that almost never occur) and workflow state on 1% of them. Written with
``Store.upsert_mentions`` in batches of 5,000, so the store is exactly what the
engine writes. Never run as a test.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ecoute.engine.records import Author, Mention, Sentiment, TopicMatch, format_time
from ecoute.engine.store.sqlite import SQLiteStore

DAYS = 90
PLATFORMS = (
    ("mastodon", 30),
    ("reddit", 20),
    ("bluesky", 15),
    ("news", 10),
    ("hackernews", 8),
    ("forum", 9),
    ("blog", 7.9),
    ("youtube", 0.1),  # rare: a platform filter that drives from the index
)
LANGS = (("en", 50), ("fr", 30), ("ru", 15), ("de", 4.5), ("ja", 0.5))
TOPICS = (
    ("Acme Cloud", ("acme cloud", "acmecloud", "#AcmeCloud"), 60),
    ("Nimbus Drive", ("nimbus drive", "nimbusdrive"), 20),
    ("Stratus Box", ("stratus box",), 10),
    ("Cumulus Vault", ("cumulus vault",), 0.2),  # rare topic
)
SENTIMENTS = (("neutral", 40), ("negative", 32), ("positive", 18), (None, 10))
STATUSES = ("needs-reply", "handled", "ignored")
WORDS = (
    "sync upload photo backup folder desktop phone app price plan storage outage "
    "support ticket slow fast broken works again today weekend update release bug "
    "files share link team family laptop invoice refund cancel switch migrate love "
    "hate great terrible password login error conflict copy version offline online"
).split()


def _weighted(pairs: tuple[tuple[object, float], ...]) -> tuple[list[object], list[float]]:
    return [p[0] for p in pairs], [p[1] for p in pairs]


def generate(n: int, now: datetime, seed: int = 5) -> Iterator[Mention]:
    """``n`` mentions, oldest first, published over the :data:`DAYS` days before ``now``."""
    rng = random.Random(seed)
    platforms, p_weights = _weighted(PLATFORMS)
    langs, l_weights = _weighted(LANGS)
    sentiments, s_weights = _weighted(SENTIMENTS)
    span = DAYS * 86400.0
    step = span / n
    for i in range(n):
        created = now - timedelta(seconds=span - i * step - rng.random() * step)
        words = rng.choices(WORDS, k=rng.randrange(6, 30))
        topics: list[TopicMatch] = []
        for name, phrases, weight in TOPICS:
            if rng.random() * 100 < weight:
                phrase = rng.choice(phrases)
                position = rng.randrange(len(words) + 1)
                words.insert(position, phrase)
                topics.append(TopicMatch(name, phrase.split()[0], phrase, 0, 0))
        text = " ".join(words)
        for match in topics:
            start = text.find(match.found)
            match.start, match.end = start, start + len(match.found)
        label = rng.choices(sentiments, s_weights)[0]
        platform = str(rng.choices(platforms, p_weights)[0])
        yield Mention(
            id=f"{platform}:{i}",
            platform=platform,
            source=platform,
            text=text,
            created_at=created,
            collected_at=created + timedelta(seconds=rng.random() * 300),
            author=Author(handle=f"user{rng.randrange(20000)}", name="Some Body", followers=42),
            url=f"https://{platform}.example/p/{i}",
            lang=str(rng.choices(langs, l_weights)[0]),
            likes=rng.randrange(50),
            topics=topics,
            sentiment=Sentiment(label, round(rng.random(), 3), "bench-model")  # type: ignore[arg-type]
            if label
            else None,
        )


def build_store(path: Path, n: int, *, now: datetime | None = None, batch: int = 5000) -> None:
    """Write ``n`` generated mentions (and workflow state on 1%) into a new store."""
    now = now or datetime.now(UTC)
    rng = random.Random(9)
    triaged = set(rng.sample(range(n), n // 100))
    workflow: list[tuple[str, str, str | None, str]] = []
    stamp = format_time(now)
    started = time.perf_counter()
    with SQLiteStore(path) as store:
        chunk: list[Mention] = []
        for index, mention in enumerate(generate(n, now)):
            chunk.append(mention)
            if index in triaged:
                # 1% get a status; a tenth of those a sentiment correction too.
                override = "positive" if len(workflow) % 10 == 0 else None
                workflow.append((mention.id, STATUSES[len(workflow) % 3], override, stamp))
            if len(chunk) == batch:
                store.upsert_mentions(chunk)
                chunk.clear()
                if (index + 1) % 100_000 == 0:
                    rate = (index + 1) / (time.perf_counter() - started)
                    print(f"  {index + 1:,} mentions ({rate:,.0f}/s)", file=sys.stderr)
        if chunk:
            store.upsert_mentions(chunk)
        while store.maintain(pages=2000):
            pass
    # The documented workflow table, written in one transaction (the store's own
    # set_status would take one transaction per mention).
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO workflow (mention_id, status, sentiment_override, updated_at) "
            "VALUES (?, ?, ?, ?)",
            workflow,
        )
    print(f"  built in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def main() -> None:
    """Generate a store at PATH."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()
    if args.path.exists():
        sys.exit(f"{args.path} exists; choose a new path")
    build_store(args.path, args.n)


if __name__ == "__main__":
    main()
