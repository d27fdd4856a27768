"""Ingest benchmark: ecoute's normalise → validate → clean-up → Store path against plain sqlite3.

Usage: python bench/ingest.py [--n 50000] [--batch 200] [--store-only] [--repeat R] [--dir DIR]

(1) baseline: plain ``sqlite3`` ``executemany`` of ready-made row tuples into an
equivalent table (same columns, indexes and pragmas) plus an FTS4 table and the
topic rows, one commit per batch. (2) ecoute: ``RawItem`` → normaliser → validation
→ generic clean-up → (scorer output) → validation again and ``Store.upsert_mentions``,
one call per batch, as ``Normalising`` and ``StoreWriter.commit`` do. With
``--store-only``, (2) times ``Store.upsert_mentions`` alone on mentions prepared
beforehand.
Never run as a test.
"""

from __future__ import annotations

import argparse
import gc
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ecoute.engine.records import Mention, RawItem, Sentiment, TopicMatch, format_time
from ecoute.engine.store.sqlite import SQLiteStore

START = datetime(2026, 1, 1, tzinfo=UTC)
TOPICS = ("acme", "nimbus", "stratus", "pricing", "outage")


@dataclass
class Result:
    """Rows per second and per-batch commit latencies of one run."""

    name: str
    rows: int
    seconds: float
    latencies: list[float]
    cpu_seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.rows / self.seconds

    @property
    def cpu_rate(self) -> float:
        """Rows per second of this process's CPU time: steadier on a busy machine."""
        return self.rows / self.cpu_seconds

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- input: raw items and the pipeline that reads them ------------------------------------


def _fallback_items(n: int) -> tuple[list[RawItem], Callable[[RawItem], Mention], str]:
    """Already-normalised payloads read by ``Mention.from_dict`` (no demo normaliser yet)."""
    rng = random.Random(7)
    vocab = [_word(rng) for _ in range(6000)]
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    items = []
    for i in range(n):
        words = rng.choices(vocab, weights, k=rng.randrange(8, 40))
        words.insert(rng.randrange(len(words)), rng.choice(("Acme Cloud", "acmecloud", "Nimbus")))
        payload = {
            "id": f"mention:{i}",
            "platform": rng.choice(("mastodon", "reddit", "bluesky", "news", "forum")),
            "text": " ".join(words),
            "created_at": format_time(START + timedelta(seconds=i * 3 + rng.random())),
            "author": {"handle": f"user{rng.randrange(5000)}", "name": "Some Name"},
            "lang": rng.choice(("en", "fr", "ru")),
            "url": f"https://example.org/posts/{i}?utm_source=x",
            "likes": rng.randrange(100),
        }
        items.append(RawItem("mention", payload, source="bench"))
    return items, lambda item: Mention.from_dict(item.payload), "Mention.from_dict (fallback)"


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyzéè") for _ in range(rng.randrange(2, 10)))


def make_items(n: int) -> tuple[list[RawItem], Callable[[RawItem], Mention], str]:
    """Raw items and their normaliser: the demo source's if available, else a fallback."""
    try:
        from ecoute.plugins.sources import demo

        stream = demo.DemoStream()
        normaliser = demo.DemoNormaliser()
        items = [
            RawItem("demo", stream.payload(i, START + timedelta(seconds=3 * i)), source="bench")
            for i in range(n)
        ]
        normaliser.normalise(items[0])
        return items, normaliser.normalise, "DemoNormaliser"
    except (ImportError, AttributeError, TypeError) as exc:
        print(f"(demo normaliser not usable: {type(exc).__name__}: {exc}; using the fallback)")
        return _fallback_items(n)


def make_cleanup() -> Callable[[Mention], Mention]:
    """What ``Normalising`` does after the normaliser: validation, then the clean-up."""
    from ecoute.engine.cleanup import clean_mention

    validate = make_validation()

    def boundary(mention: Mention) -> Mention:
        return clean_mention(validate(mention))

    return boundary


def make_validation(*, annotations_only: bool = False) -> Callable[[Mention], Mention]:
    """The pipeline's validation (raises on an invalid mention: the bench has none).

    ``annotations_only``: the check ``StoreWriter.commit`` makes of what scorers set.
    """
    from ecoute.engine.runtime.validation import validate_annotations, validate_mention

    return validate_annotations if annotations_only else validate_mention


def scorer_output(n: int) -> list[tuple[list[TopicMatch], Sentiment]]:
    """What scorers would add: one or two topic matches and a sentiment per mention."""
    rng = random.Random(11)
    out = []
    for _ in range(n):
        topics = [TopicMatch(t, t, t, 0, len(t)) for t in rng.sample(TOPICS, rng.randrange(1, 3))]
        label = rng.choice(("negative", "neutral", "positive"))
        out.append((topics, Sentiment(label, rng.random(), "bench-model")))  # type: ignore[arg-type]
    return out


# -- (1) baseline -------------------------------------------------------------------------

_BASELINE_DDL = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE mentions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, platform TEXT, source TEXT,
    url TEXT, author TEXT, author_name TEXT, author_followers INTEGER, author_url TEXT,
    text TEXT, title TEXT, lang TEXT, created_at TEXT, collected_at TEXT, likes INTEGER,
    shares INTEGER, replies INTEGER, views INTEGER, parent_id TEXT, sentiment TEXT,
    sentiment_confidence REAL, sentiment_model TEXT, sentiment_covered INTEGER, priority REAL,
    reach INTEGER, flags TEXT, topics TEXT, extra TEXT, raw TEXT);
CREATE INDEX m1 ON mentions (created_at);
CREATE INDEX m2 ON mentions (collected_at);
CREATE INDEX m3 ON mentions (platform, created_at);
CREATE INDEX m4 ON mentions (source, created_at);
CREATE INDEX m5 ON mentions (sentiment, created_at);
CREATE INDEX m6 ON mentions (lang, created_at);
CREATE TABLE mention_topics (mention_seq INTEGER, topic TEXT, term TEXT, found TEXT,
    start INTEGER, "end" INTEGER, distance INTEGER, kind TEXT, field TEXT);
CREATE INDEX t1 ON mention_topics (topic, mention_seq);
CREATE INDEX t2 ON mention_topics (mention_seq);
CREATE VIRTUAL TABLE mentions_fts USING fts4 (text, title, author, author_name,
    tokenize=unicode61 "remove_diacritics=2");
"""


@dataclass
class BaselineRows:
    """Ready-made tuples for the baseline: mention rows (with seq), FTS rows, topic rows."""

    mentions: list[tuple[Any, ...]]
    fts: list[tuple[Any, ...]]
    topics: dict[int, list[tuple[Any, ...]]]


def baseline_rows(mentions: Sequence[Mention]) -> BaselineRows:
    """The rows the baseline inserts, built outside any timing."""
    from ecoute.engine.store.sqlite.codec import mention_params, topic_params

    rows = [(seq, *mention_params(m)) for seq, m in enumerate(mentions, start=1)]
    topics: dict[int, list[tuple[Any, ...]]] = {}
    for seq, m in enumerate(mentions, start=1):
        topics[seq] = [(seq, *topic_params(t)) for t in m.topics]
    # Columns after seq follow MENTION_COLUMNS: text, title, author, author_name.
    fts = [(r[0], r[9], r[10], r[5], r[6]) for r in rows]
    return BaselineRows(rows, fts, topics)


def run_baseline(path: Path, data: BaselineRows, batch: int) -> Result:
    """Plain executemany of prepared tuples (explicit seq), FTS rows and topic rows."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(_BASELINE_DDL)
    marks = ", ".join("?" for _ in data.mentions[0])
    latencies = []
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(data.mentions), batch):
        t0 = time.perf_counter()
        chunk = data.mentions[start : start + batch]
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(f"INSERT INTO mentions VALUES ({marks})", chunk)
        conn.executemany(
            "INSERT INTO mentions_fts (docid, text, title, author, author_name) "
            "VALUES (?, ?, ?, ?, ?)",
            data.fts[start : start + batch],
        )
        conn.executemany(
            "INSERT INTO mention_topics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [t for r in chunk for t in data.topics[r[0]]],
        )
        conn.execute("COMMIT")
        latencies.append(time.perf_counter() - t0)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    conn.close()
    return Result("baseline sqlite3", len(data.mentions), seconds, latencies, cpu)


# -- (2) ecoute ---------------------------------------------------------------------------


def run_ecoute(
    path: Path,
    items: Sequence[RawItem],
    normalise: Callable[[RawItem], Mention],
    clean: Callable[[Mention], Mention],
    extra: Sequence[tuple[list[TopicMatch], Sentiment]],
    batch: int,
    prepared: Sequence[Mention] | None,
) -> Result:
    """Normalise, validate, clean, validate and upsert in batches.

    Or upsert ``prepared`` mentions only. Latency is that of the store step (the
    check before the store, then ``upsert_mentions``): the batch's commit.
    """
    latencies = []
    check = make_validation(annotations_only=True)
    store = SQLiteStore(path)
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(items), batch):
        if prepared is not None:
            mentions = list(prepared[start : start + batch])
        else:
            mentions = [
                _annotate(clean(normalise(item)), extra[start + i])
                for i, item in enumerate(items[start : start + batch])
            ]
        t0 = time.perf_counter()
        if prepared is None:
            mentions = [check(m) for m in mentions]
        store.upsert_mentions(mentions)
        latencies.append(time.perf_counter() - t0)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    store.close()
    name = "ecoute Store only" if prepared is not None else "ecoute pipeline"
    return Result(name, len(items), seconds, latencies, cpu)


def _annotate(m: Mention, extra: tuple[list[TopicMatch], Sentiment]) -> Mention:
    m.topics, m.sentiment = list(extra[0]), extra[1]
    return m


def time_merges(path: Path) -> tuple[int, float, float]:
    """Run maintain until done: (steps, total seconds, longest step)."""
    steps, longest, started = 0, 0.0, time.perf_counter()
    with SQLiteStore(path) as store:
        while True:
            t0 = time.perf_counter()
            more = store.maintain()
            longest = max(longest, time.perf_counter() - t0)
            steps += 1
            if not more or steps >= 10_000:
                break
    return steps, time.perf_counter() - started, longest


def main() -> None:
    """Parse arguments, run both ingests and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000, help="mentions to ingest")
    parser.add_argument("--batch", type=int, default=200, help="mentions per transaction")
    parser.add_argument("--store-only", action="store_true", help="time Store.upsert alone")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best is shown")
    parser.add_argument("--dir", type=Path, default=None, help="keep the databases there")
    args = parser.parse_args()
    if args.dir is not None:
        args.dir.mkdir(parents=True, exist_ok=True)
        run(args, args.dir)
    else:
        with tempfile.TemporaryDirectory(prefix="ecoute-bench-") as folder:
            run(args, Path(folder))


def run(args: argparse.Namespace, workdir: Path) -> None:
    """Run baseline and ecoute ``args.repeat`` times each, alternating, and report."""
    items, normalise, how = make_items(args.n)
    clean = make_cleanup()
    extra = scorer_output(args.n)
    print(f"{args.n} items via {how}, batches of {args.batch}, in {workdir}")
    # The same mentions for the baseline, prepared outside any timing.
    mentions = [_annotate(clean(normalise(item)), extra[i]) for i, item in enumerate(items)]
    data = baseline_rows(mentions)
    prepared = mentions if args.store_only else None
    del mentions
    # Long-lived inputs are not garbage the pipeline makes: keep them out of the
    # collector's way, as a running engine (which holds no backlog) would be.
    gc.collect()
    gc.freeze()
    baselines: list[Result] = []
    ecoutes: list[Result] = []
    for _ in range(max(1, args.repeat)):
        for name in ("baseline.db", "ecoute.db"):
            for suffix in ("", "-wal", "-shm"):
                (workdir / (name + suffix)).unlink(missing_ok=True)
        baselines.append(run_baseline(workdir / "baseline.db", data, args.batch))
        ecoutes.append(
            run_ecoute(workdir / "ecoute.db", items, normalise, clean, extra, args.batch, prepared)
        )
    steps, merge_seconds, longest = time_merges(workdir / "ecoute.db")
    baseline = max(baselines, key=lambda r: r.rate)
    ecoute = max(ecoutes, key=lambda r: r.rate)

    print()
    print(f"{'run':<20} {'rows/s':>9} {'rows/cpu-s':>11} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for r in (baseline, ecoute):
        print(
            f"{r.name:<20} {r.rate:>9,.0f} {r.cpu_rate:>11,.0f} "
            f"{statistics.median(r.latencies) * 1000:>8.1f} "
            f"{r.quantile(0.99) * 1000:>8.1f} {max(r.latencies) * 1000:>8.1f}"
        )
    print(
        f"\nratio ecoute/baseline: {ecoute.rate / baseline.rate:.2f} wall-clock, "
        f"{ecoute.cpu_rate / baseline.cpu_rate:.2f} CPU time (goal >= 0.6)"
    )
    if len(ecoutes) > 1:
        # Each ecoute run against the baseline run just before it: load that changes
        # during the benchmark moves both sides of a pair alike.
        paired = [e.rate / b.rate for b, e in zip(baselines, ecoutes, strict=True)]
        paired_cpu = [e.cpu_rate / b.cpu_rate for b, e in zip(baselines, ecoutes, strict=True)]
        print(
            f"paired runs, median ratio: {statistics.median(paired):.2f} wall-clock, "
            f"{statistics.median(paired_cpu):.2f} CPU time"
        )
    print(
        f"idle maintain after ingest: {steps} steps, {merge_seconds:.2f} s, "
        f"longest {longest * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
