"""Sources benchmark: what the rss, mastodon and hackernews sources add per item.

Usage: python bench/sources.py [--items 2000] [--repeat 5]

Each figure is a ratio against a baseline measured in the same run, on the same
machine, so that a busy machine slows both alike (the best of ``--repeat`` runs):

- rss: ``feedparser.parse`` of a feed of ``--items`` entries (baseline) against the
  source's whole path (parse, JSON payloads, dedupe keys, then normalise + clean-up).
- mastodon / hackernews: ``json.loads`` of a page of ``--items`` payloads (baseline,
  the decoding no source can skip) against decoding plus normalise + clean-up.

Never run as a test.
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser

from ecoute.engine import RawItem
from ecoute.engine.cleanup import clean_mention
from ecoute.plugins.sources.hackernews_items import HackerNewsNormaliser
from ecoute.plugins.sources.mastodon_items import MastodonNormaliser
from ecoute.plugins.sources.rss import seen_key
from ecoute.plugins.sources.rss_entries import RssNormaliser, entry_payload

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "plugins" / "fixtures"


def best(run: Callable[[], Any], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def rss_feed(items: int) -> bytes:
    """An RSS 2.0 feed with ``items`` entries of HTML descriptions."""
    entries = "".join(
        f"<item><title>Acme Cloud news {n}</title><link>https://news.example.org/{n}</link>"
        f"<description>&lt;p&gt;Users of &lt;b&gt;Acme Cloud&lt;/b&gt; report item {n}."
        f"&lt;/p&gt;</description><guid>https://news.example.org/{n}</guid>"
        f"<pubDate>Sat, 21 Nov 2026 10:00:00 GMT</pubDate></item>"
        for n in range(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>'
        f"<link>https://news.example.org/</link>{entries}</channel></rss>"
    ).encode()


def bench_rss(items: int, repeat: int) -> tuple[float, float]:
    body = rss_feed(items)
    normaliser = RssNormaliser()

    def baseline() -> None:
        feedparser.parse(body)

    def source_path() -> None:
        parsed = feedparser.parse(body)
        for entry in parsed.entries:
            payload = entry_payload(entry, parsed.feed, "https://news.example.org/feed")
            seen_key(payload["key"])
            clean_mention(normaliser.normalise(RawItem("rss", payload)))

    return best(baseline, repeat), best(source_path, repeat)


def bench_json(
    template: dict[str, Any],
    vary: Callable[[dict[str, Any], int], None],
    normaliser: Any,
    platform: str,
    items: int,
    repeat: int,
) -> tuple[float, float]:
    page = []
    for n in range(items):
        payload = copy.deepcopy(template)
        vary(payload, n)
        page.append(payload)
    body = json.dumps(page)

    def baseline() -> None:
        json.loads(body)

    def source_path() -> None:
        for payload in json.loads(body):
            clean_mention(normaliser.normalise(RawItem(platform, payload)))

    return best(baseline, repeat), best(source_path, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    status = json.loads((FIXTURES / "mastodon" / "status.json").read_text("utf-8"))
    comment = json.loads((FIXTURES / "hackernews" / "hits.json").read_text("utf-8"))["comment"]

    def vary_status(payload: dict[str, Any], n: int) -> None:
        payload["id"] = str(113500000000000000 + n)
        payload["uri"] = f"https://toot.example.fr/users/lucie/statuses/{n}"

    def vary_hit(payload: dict[str, Any], n: int) -> None:
        payload["objectID"] = str(45000000 + n)

    rows = [
        ("rss", "feedparser.parse", *bench_rss(args.items, args.repeat)),
        (
            "mastodon",
            "json.loads",
            *bench_json(
                status, vary_status, MastodonNormaliser(), "mastodon", args.items, args.repeat
            ),
        ),
        (
            "hackernews",
            "json.loads",
            *bench_json(
                comment, vary_hit, HackerNewsNormaliser(), "hackernews", args.items, args.repeat
            ),
        ),
    ]
    print(f"{args.items} items per run, best of {args.repeat}")
    for name, base_name, base, full in rows:
        print(
            f"{name:11} baseline {base_name:17} {base * 1000:8.1f} ms   source path "
            f"{full * 1000:8.1f} ms   ratio {full / base:5.2f}   "
            f"{args.items / full:9.0f} items/s"
        )


if __name__ == "__main__":
    main()
