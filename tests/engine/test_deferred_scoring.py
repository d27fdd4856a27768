"""Deferrable scorers: mentions are stored before a slow model is ready, then completed."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pytest

from ecoute.engine import Annotations, Mention, Scorer, Sentiment, Sink, hookimpl
from ecoute.engine.runtime.batching import Batch
from tests.engine.helpers import run_once


class SlowModelScorer(Scorer):
    """Stands in for a model that takes a while to load (a real Flair load is ~6 s)."""

    name = "slowmodel"
    order = 50
    deferrable = True
    gate: ClassVar[threading.Event]

    def __init__(self, context: object) -> None:
        super().__init__(context)  # type: ignore[arg-type]
        self.loaded = False

    def prepare(self) -> None:
        assert type(self).gate.wait(timeout=30), "the test never opened the gate"
        self.loaded = True

    def status(self) -> str:
        return "ready" if self.loaded else ""

    def score(self, batch: Sequence[Mention]) -> list[Annotations | None]:
        assert self.loaded, "score() ran before prepare() finished"
        return [Annotations(sentiment=Sentiment("positive", 0.9, "slow", True)) for _ in batch]


class WaitingScorer(Scorer):
    """A scorer the pipeline must wait for (not deferrable)."""

    name = "waiting"
    order = 40

    def score(self, batch: Sequence[Mention]) -> list[Annotations | None]:
        return [Annotations(flags=["checked"]) for _ in batch]


CALLS: dict[str, list[tuple[str, str, str | None]]] = {}


class RecordingSink(Sink):
    """Records (call, id, sentiment label) for every mention it receives."""

    type = "recording"

    def _record(self, call: str, batch: Sequence[Mention]) -> None:
        CALLS.setdefault(self.name, []).extend(
            (call, m.id, m.sentiment.label if m.sentiment else None) for m in batch
        )

    def write(self, batch: Sequence[Mention]) -> None:
        self._record("write", batch)

    def update(self, batch: Sequence[Mention]) -> None:
        self._record("update", batch)


class EagerSink(RecordingSink):
    """Wants mentions at once, pending or not."""

    type = "eager"
    accepts_pending = True


class Plugin:
    @hookimpl
    def register_scorers(self, register):  # type: ignore[no-untyped-def]
        register(SlowModelScorer)
        register(WaitingScorer)

    @hookimpl
    def register_sinks(self, register):  # type: ignore[no-untyped-def]
        register(RecordingSink)
        register(EagerSink)


def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        'disabled_plugins = ["scorers.sentiment", "scorers.language"]\n'
        '[engine]\nstore = "store.db"\nbatch_size = 10\nbatch_wait = 0.05\n\n'
        '[[sources]]\ntype = "demo"\nname = "demo"\ninterval = 0.05\nrate = 50.0\nseed = 3\n'
        "limit = 40\n\n"
        '[[sinks]]\ntype = "recording"\nname = "held"\n\n'
        '[[sinks]]\ntype = "eager"\nname = "eager"\n',
        encoding="utf-8",
    )
    return path


def sentiments(store: Path) -> dict[str, str | None]:
    with sqlite3.connect(store) as connection:
        return dict(connection.execute("SELECT id, sentiment FROM mentions"))


@pytest.fixture(autouse=True)
def fresh_gate() -> None:
    SlowModelScorer.gate = threading.Event()
    CALLS.clear()


def test_mentions_are_stored_before_the_model_is_ready_and_completed_after(
    tmp_path: Path,
) -> None:
    seen_before_ready: dict[str, str | None] = {}
    commits: list[Batch] = []

    def on_commit(batch: Batch) -> None:
        commits.append(batch)
        if not seen_before_ready and batch.mentions and not batch.completes:
            # The first rows are committed while the model still "loads".
            seen_before_ready.update(sentiments(tmp_path / "store.db"))
            assert batch.deferred == {"slowmodel"}
            SlowModelScorer.gate.set()

    report = run_once(config(tmp_path), extra_plugins={"slow": Plugin()}, on_commit=on_commit)

    assert seen_before_ready and set(seen_before_ready.values()) == {None}
    stored = sentiments(tmp_path / "store.db")
    assert report.stored == len(stored) > 0
    assert set(stored.values()) == {"positive"}, "every deferred mention was completed"
    assert any(batch.completes for batch in commits)
    with sqlite3.connect(tmp_path / "store.db") as connection:
        flags = {row[0] for row in connection.execute("SELECT flags FROM mentions")}
        detail, pending = connection.execute(
            "SELECT detail, pending FROM health WHERE component = 'scorer:slowmodel'"
        ).fetchone()
    assert flags == {'["checked"]'}, "the non-deferrable scorer ran on every mention"
    assert (detail, pending) == ("ready", 0)

    held = CALLS["held"]
    assert {call for call, _, _ in held} == {"write"}
    assert sorted(i for _, i, _ in held) == sorted(stored), "each mention once, complete"
    assert {label for _, _, label in held} == {"positive"}

    eager = CALLS["eager"]
    first_ids = set(seen_before_ready)
    written_pending = {i for call, i, label in eager if call == "write" and label is None}
    updated = {i for call, i, label in eager if call == "update" and label == "positive"}
    assert first_ids <= written_pending, "the eager sink got the first rows at once"
    assert written_pending == updated, "and got each of them again, complete"
    assert {i for call, i, _ in eager if call == "write"} == set(stored)


def test_a_run_that_ends_before_the_model_loads_still_completes_its_mentions(
    tmp_path: Path,
) -> None:
    gate_open_at_commit: list[bool] = []

    def on_commit(batch: Batch) -> None:
        if not batch.completes:
            gate_open_at_commit.append(SlowModelScorer.gate.is_set())

    opener = threading.Timer(1.5, lambda: SlowModelScorer.gate.set())
    opener.start()
    try:
        report = run_once(config(tmp_path), extra_plugins={"slow": Plugin()}, on_commit=on_commit)
    finally:
        opener.cancel()
    assert gate_open_at_commit and not any(gate_open_at_commit), "the stream ended first"
    stored = sentiments(tmp_path / "store.db")
    assert report.stored == len(stored) > 0
    assert set(stored.values()) == {"positive"}
