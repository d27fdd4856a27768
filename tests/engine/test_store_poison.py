"""A poisoned mention is rejected and the rest of its batch stored; a failing store stops."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest

from ecoute.engine import (
    Annotations,
    Author,
    FetchResult,
    Mention,
    RawItem,
    Reject,
    Scorer,
    Sentiment,
    Source,
    StoreError,
    TopicMatch,
    hookimpl,
)
from ecoute.engine.contracts import Normaliser
from ecoute.engine.health import Health
from ecoute.engine.runtime.batching import Batch
from ecoute.engine.runtime.store_writer import StoreWriter
from ecoute.engine.store import open_store
from tests.conftest import FakeClock
from tests.engine.helpers import run_once, stored_ids

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def mention(n: int, **fields: Any) -> Mention:
    values: dict[str, Any] = {
        "id": f"poison:{n}",
        "platform": "poison",
        "source": "poison",
        "text": f"post {n}",
        "author": Author("someone"),
        "created_at": T0,
    }
    values.update(fields)
    return Mention(**values)


def refuse_ids(path: Path, *ids: str) -> None:
    """Make the store file refuse rows with these ids, as a constraint would."""
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        marks = ", ".join(f"'{i}'" for i in ids)
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON mentions "
            f"WHEN NEW.id IN ({marks}) BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
        )


def rejects(path: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("SELECT * FROM rejects ORDER BY id").fetchall()


def cursor_of(path: Path, source: str) -> str | None:
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT cursor FROM cursors WHERE source = ?", (source,)).fetchone()
    return None if row is None else str(row[0])


async def commit(path: Path, batch: Batch, clock: FakeClock | None = None) -> StoreWriter:
    writer = StoreWriter(path, Health("store", kind="store"), clock or FakeClock())
    await writer.open()
    try:
        await writer.commit(batch)
    finally:
        await writer.close()
    return writer


def test_a_batch_with_poisoned_mentions_stores_the_others(tmp_path: Path) -> None:
    # priority is an annotation: checked before the store. likes is checked after the
    # normaliser, so here (no normaliser) the store refuses it and the batch is split.
    path = tmp_path / "s.db"
    batch = Batch(
        [
            mention(1),
            mention(2, priority={"high": True}),
            mention(3, likes=2**63),
            mention(4, flags="bot"),
        ],
        cursors={"poison": "c4"},
    )
    writer = asyncio.run(commit(path, batch))
    assert stored_ids(path) == ["poison:1", "poison:4"]
    assert [m.id for m in batch.mentions] == ["poison:1", "poison:4"]
    kept = rejects(path)
    assert [r["reason"] for r in kept] == [
        "priority must be a number, not an object ({'high': True})",
        "likes 9223372036854775808 is too large for the store (at most 2^63 - 1)",
    ]
    assert {(r["source"], r["platform"], r["context"]) for r in kept} == {
        ("poison", "poison", "mention poison:2"),
        ("poison", "poison", "mention poison:3"),
    }
    assert kept[0]["excerpt"] == "poison:2: post 2"
    assert cursor_of(path, "poison") == "c4"
    assert writer.health.rejects == 2
    with open_store(path) as store:
        stored = store.get("poison:4")
        assert stored is not None and stored.mention.flags == ["bot"]


def test_odd_rejects_and_cursors_are_kept_as_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    odd = Reject(reason=["not", "text"], context=7, excerpt=b"\xff")  # type: ignore[arg-type]
    batch = Batch([mention(1)], cursors={"poison": "page\ud800", "other": 5}, rejects=[odd])  # type: ignore[dict-item]
    asyncio.run(commit(path, batch))
    assert stored_ids(path) == ["poison:1"]
    assert cursor_of(path, "poison") == "page?" and cursor_of(path, "other") == "5"
    (kept,) = rejects(path)
    assert (kept["reason"], kept["context"]) == ("['not', 'text']", "7")


def test_a_row_the_store_refuses_is_rejected_and_the_others_stored(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    refuse_ids(path, "poison:3", "poison:8")
    batch = Batch([mention(n) for n in range(10)], cursors={"poison": "c10"})
    asyncio.run(commit(path, batch))
    expected = [f"poison:{n}" for n in range(10) if n not in (3, 8)]
    assert stored_ids(path) == expected
    assert [m.id for m in batch.mentions] == expected
    kept = rejects(path)
    assert [r["context"] for r in kept] == ["mention poison:3", "mention poison:8"]
    assert all("refused by the test" in r["reason"] for r in kept)
    assert cursor_of(path, "poison") == "c10"


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        (mention(1, likes=2**64), "likes 18446744073709551616 is too large for the store"),
        (
            mention(1, author=Author("a", followers=2**63)),
            "author.followers 9223372036854775808 is too large for the store",
        ),
        (mention(1, priority={"a": 1}), "priority cannot be stored: it holds a dict"),
        (
            mention(1, topics=[TopicMatch(["a"], "a", "a", 0, 1)]),  # type: ignore[arg-type]
            r"topics\[\]\.topic must be a string",
        ),
        (
            mention(1, sentiment=Sentiment("neutral", [1], "m")),  # type: ignore[arg-type]
            "sentiment.confidence cannot be stored: it holds a list",
        ),
        (mention(1, extra=[1]), "extra must be a JSON object, not list"),
        (mention(1, flags={"a": 1}), "flags must be a list of strings, not dict"),
    ],
)
def test_values_that_break_the_write_are_data_errors_naming_the_field(
    tmp_path: Path, bad: Mention, words: str
) -> None:
    with open_store(tmp_path / "s.db") as store:
        with pytest.raises(ValueError, match=words):
            store.commit_batch([mention(9), bad], cursors={"poison": "c"})
        assert store.count() == 0 and store.get_cursor("poison") is None


def test_a_failing_store_is_retried_until_it_works(tmp_path: Path) -> None:
    path = tmp_path / "s.db"

    async def scenario() -> list[float]:
        clock = FakeClock()
        writer = StoreWriter(path, Health("store", kind="store"), clock)
        await writer.open()
        store = writer.store
        assert store is not None
        with sqlite3.connect(path, isolation_level=None) as blocker:
            # Another writer holds the lock: the store's own problem, not the batch's.
            blocker.execute("PRAGMA busy_timeout = 0")
            blocker.execute("BEGIN EXCLUSIVE")
            store._conn.execute("PRAGMA busy_timeout = 0")  # type: ignore[attr-defined]
            task = asyncio.create_task(writer.commit(Batch([mention(1)], {"poison": "c1"})))
            while len(clock.sleeps) < 2:
                await asyncio.sleep(0.01)
            blocker.execute("COMMIT")
        await task
        await writer.close()
        assert writer.health.errors >= 2 and writer.health.state == "stopped"
        return clock.sleeps

    sleeps = asyncio.run(scenario())
    assert len(sleeps) >= 2
    assert stored_ids(path) == ["poison:1"] and cursor_of(path, "poison") == "c1"


@pytest.mark.parametrize("how", ["abandon", "stopping event"])
def test_the_retry_loop_gives_up_once_the_engine_stops(tmp_path: Path, how: str) -> None:
    path = tmp_path / "s.db"

    async def scenario() -> None:
        clock = FakeClock()
        stopping = asyncio.Event()
        writer = StoreWriter(path, Health("store", kind="store"), clock, stopping=stopping)
        await writer.open()
        assert writer.store is not None
        writer.store.close()  # every store call now fails with StoreError
        task = asyncio.create_task(writer.commit(Batch([mention(1)], {"poison": "c1"})))
        while len(clock.sleeps) < 3:
            await asyncio.sleep(0.01)
        assert not task.done()
        if how == "abandon":
            writer.abandon()
        else:
            stopping.set()
        gave_up = r"gave up storing 1 mention\(s\) as the run stops: .*closed"
        with pytest.raises(StoreError, match=gave_up):
            await asyncio.wait_for(task, 5)
        await writer.close()

    asyncio.run(scenario())
    assert cursor_of(path, "poison") is None


# -- through the engine -------------------------------------------------------------


class PoisonSource(Source):
    """Serves six items once: good ones and three that are poisoned in different ways."""

    type = "poison"
    default_interval = 30.0
    fetches: ClassVar[int] = 0

    async def fetch(self, cursor: str | None) -> FetchResult:
        PoisonSource.fetches += 1
        if cursor is not None:
            return FetchResult([], cursor=cursor)
        payloads: list[dict[str, Any]] = [{"n": n} for n in range(6)]
        payloads[2]["likes"] = 2**63  # caught after the normaliser
        payloads[3]["score_badly"] = True  # a scorer sets a bad priority
        # payloads[4]: refused by the store itself (a trigger), found by splitting
        items = [RawItem("poisontest", p, origin=f"poison:{i}") for i, p in enumerate(payloads)]
        return FetchResult(items, cursor="6")


class PoisonNormaliser(Normaliser):
    platform = "poisontest"

    def normalise(self, item: RawItem) -> Mention:
        payload = dict(item.payload)
        n = payload.pop("n")
        return mention(n, raw=payload, likes=payload.get("likes"))


class BadPriorityScorer(Scorer):
    name = "bad-priority"
    order = 50

    def score(self, batch: Sequence[Mention]) -> list[Annotations | None]:
        return [
            Annotations(priority={"oops": 1}) if m.raw.get("score_badly") else None  # type: ignore[arg-type]
            for m in batch
        ]


class PoisonPlugin:
    @hookimpl
    def register_sources(self, register):  # type: ignore[no-untyped-def]
        register(PoisonSource)

    @hookimpl
    def register_normalisers(self, register):  # type: ignore[no-untyped-def]
        register(PoisonNormaliser())

    @hookimpl
    def register_scorers(self, register):  # type: ignore[no-untyped-def]
        register(BadPriorityScorer)


def test_engine_stores_the_good_rejects_the_poisoned_saves_the_cursor_and_ends(
    tmp_path: Path,
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        'disabled_plugins = ["scorers.sentiment"]\n'
        '[engine]\nstore = "store.db"\nbatch_wait = 0.01\n[[sources]]\ntype = "poison"\n',
        encoding="utf-8",
    )
    path = tmp_path / "store.db"
    refuse_ids(path, "poison:4")
    report = run_once(config, extra_plugins={"poison": PoisonPlugin()}, clock=FakeClock())
    assert stored_ids(path) == ["poison:0", "poison:1", "poison:5"]
    assert report.stored == 3 and report.rejected == 3
    reasons = [r["reason"] for r in rejects(path)]
    assert reasons[0].startswith("likes 9223372036854775808 is out of range")
    assert reasons[1] == "priority must be a number, not an object ({'oops': 1})"
    assert "refused by the test" in reasons[2]
    assert cursor_of(path, "poison") == "6"
