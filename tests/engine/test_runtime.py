"""The pipeline runtime: batches, cursors, isolation of failing plugins, backoff, health."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

import pytest

from ecoute.engine import (
    Annotations,
    FetchResult,
    Gone,
    Mention,
    RateLimited,
    RawItem,
    Scorer,
    Sink,
    Source,
    SourceError,
    hookimpl,
)
from tests.conftest import FakeClock
from tests.engine.helpers import demo_config, demo_indexes, run_once, stored_ids


def health_rows(store: Path) -> dict[str, sqlite3.Row]:
    with sqlite3.connect(store) as connection:
        connection.row_factory = sqlite3.Row
        return {row["component"]: row for row in connection.execute("SELECT * FROM health")}


def test_once_run_stores_demo_mentions_and_resumes_from_the_cursor(tmp_path: Path) -> None:
    config = demo_config(tmp_path, limit=30)
    first = run_once(config)
    ids = stored_ids(tmp_path / "store.db")
    assert first.stored == len(ids) > 0
    config = demo_config(tmp_path, limit=30)
    run_once(config)
    run_once(config)
    ids = stored_ids(tmp_path / "store.db")
    assert sorted(demo_indexes(ids)) == list(range(len(ids)))  # no gap, no duplicate
    with sqlite3.connect(tmp_path / "store.db") as connection:
        (cursor,) = connection.execute(
            "SELECT cursor FROM cursors WHERE source = 'demo'"
        ).fetchone()
    assert int(cursor) == len(ids)


def test_malformed_items_are_counted_and_the_good_ones_stored(tmp_path: Path) -> None:
    report = run_once(demo_config(tmp_path, limit=10, malformed_rate=0.4))
    ids = stored_ids(tmp_path / "store.db")
    assert report.rejected > 0
    assert len(ids) + report.rejected == 10
    with sqlite3.connect(tmp_path / "store.db") as connection:
        reasons = [r[0] for r in connection.execute("SELECT reason FROM rejects")]
    assert len(reasons) == report.rejected
    assert all("malformed demo payload" in reason for reason in reasons)
    assert health_rows(tmp_path / "store.db")["source:demo"]["rejects"] == report.rejected


class BrokenScorer(Scorer):
    name = "broken"
    order = 10

    def score(self, batch: Sequence[Mention]) -> list[Annotations | None]:
        raise RuntimeError("model file is corrupt")


class TaggingScorer(Scorer):
    name = "tagging"
    order = 20

    def score(self, batch: Sequence[Mention]) -> list[Annotations | None]:
        return [Annotations(flags=["seen"], priority=0.5) for _ in batch]


class ScorerPlugin:
    @hookimpl
    def register_scorers(self, register):  # type: ignore[no-untyped-def]
        register(BrokenScorer)
        register(TaggingScorer)


def test_failing_scorer_is_isolated_and_later_scorers_still_run(tmp_path: Path) -> None:
    run_once(demo_config(tmp_path, limit=10), extra_plugins={"scorers": ScorerPlugin()})
    store = tmp_path / "store.db"
    assert len(stored_ids(store)) == 10
    with sqlite3.connect(store) as connection:
        flags = {row[0] for row in connection.execute("SELECT flags FROM mentions")}
    assert flags == {'["seen"]'}
    broken = health_rows(store)["scorer:broken"]
    assert broken["errors"] >= 1
    assert "model file is corrupt" in broken["reason"]


class DroppingScorer(Scorer):
    name = "dropper"
    order = 5

    def score(self, batch: Sequence[Mention]) -> list[Annotations | None]:
        return [Annotations(drop=i % 2 == 0) for i, _ in enumerate(batch)]


class DropPlugin:
    @hookimpl
    def register_scorers(self, register):  # type: ignore[no-untyped-def]
        register(DroppingScorer)


def test_a_scorer_can_drop_mentions(tmp_path: Path) -> None:
    report = run_once(demo_config(tmp_path, limit=10), extra_plugins={"drop": DropPlugin()})
    assert report.stored == len(stored_ids(tmp_path / "store.db")) == 5


class FailingSink(Sink):
    type = "failing"

    def write(self, batch: Sequence[Mention]) -> None:
        raise OSError("disk full")


class FailingSinkPlugin:
    @hookimpl
    def register_sinks(self, register):  # type: ignore[no-untyped-def]
        register(FailingSink)


def test_failing_secondary_sink_never_blocks_the_store(tmp_path: Path) -> None:
    config = demo_config(tmp_path, limit=10, extra='[[sinks]]\ntype = "failing"\n')
    clock = FakeClock()
    run_once(config, extra_plugins={"failing": FailingSinkPlugin()}, clock=clock)
    assert len(stored_ids(tmp_path / "store.db")) == 10
    sink = health_rows(tmp_path / "store.db")["sink:failing"]
    assert sink["errors"] >= 5
    assert "disk full" in sink["reason"]


class FlakySource(Source):
    """Raises the errors in ``script`` in turn, then serves one item per fetch."""

    type = "flaky"
    default_interval = 30.0
    script: ClassVar[list[Exception]] = []

    async def fetch(self, cursor: str | None) -> FetchResult:
        if self.script:
            raise self.script.pop(0)
        n = int(cursor or 0)
        mention = Mention(
            id=f"flaky:{n}", platform="flaky", text=f"post {n}", created_at=self.context.clock.now()
        )
        return FetchResult([RawItem("mention", mention.to_dict())], cursor=str(n + 1))


class FlakyPlugin:
    @hookimpl
    def register_sources(self, register):  # type: ignore[no-untyped-def]
        register(FlakySource)


def flaky_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        '[engine]\nstore = "store.db"\nbatch_wait = 0.01\n[[sources]]\ntype = "flaky"\n',
        encoding="utf-8",
    )
    return path


def test_source_errors_back_off_exponentially(tmp_path: Path) -> None:
    FlakySource.script = [SourceError("HTTP 500"), SourceError("HTTP 502"), SourceError("timeout")]
    clock = FakeClock()
    run_once(flaky_config(tmp_path), extra_plugins={"flaky": FlakyPlugin()}, clock=clock)
    waits = clock.sleeps[:2]
    assert 1.4 <= waits[0] <= 2.6 and 2.9 <= waits[1] <= 5.1  # 2 s then 4 s, +-25 %
    # With --once a source that keeps failing is given up after three tries.
    assert len(clock.sleeps) == 2
    assert stored_ids(tmp_path / "store.db") == []
    assert health_rows(tmp_path / "store.db")["source:flaky"]["errors"] == 3


def test_source_recovers_after_errors_and_health_says_so(tmp_path: Path) -> None:
    FlakySource.script = [SourceError("HTTP 500")]
    clock = FakeClock()
    run_once(flaky_config(tmp_path), extra_plugins={"flaky": FlakyPlugin()}, clock=clock)
    assert stored_ids(tmp_path / "store.db") == ["flaky:0"]
    row = health_rows(tmp_path / "store.db")["source:flaky"]
    assert row["errors"] == 1 and row["items"] == 1
    assert row["last_ok"] is not None and row["last_error"] is not None


def test_rate_limit_waits_for_retry_after(tmp_path: Path) -> None:
    FlakySource.script = [RateLimited("HTTP 429", retry_after=120.0)]
    clock = FakeClock()
    run_once(flaky_config(tmp_path), extra_plugins={"flaky": FlakyPlugin()}, clock=clock)
    assert clock.sleeps[0] == 120.0
    assert stored_ids(tmp_path / "store.db") == ["flaky:0"]


def test_gone_source_stops_polling_with_a_health_reason(tmp_path: Path) -> None:
    FlakySource.script = [Gone("HTTP 410: feed removed")]
    clock = FakeClock()
    run_once(flaky_config(tmp_path), extra_plugins={"flaky": FlakyPlugin()}, clock=clock)
    row = health_rows(tmp_path / "store.db")["source:flaky"]
    assert row["state"] == "gone"
    assert "feed removed" in row["reason"]
    assert stored_ids(tmp_path / "store.db") == []


@pytest.mark.parametrize("batch_size", [1, 3, 200])
def test_batch_size_does_not_change_what_is_stored(tmp_path: Path, batch_size: int) -> None:
    config = demo_config(tmp_path, limit=10)
    text = config.read_text().replace("batch_size = 25", f"batch_size = {batch_size}")
    config.write_text(text)
    run_once(config)
    assert sorted(demo_indexes(stored_ids(tmp_path / "store.db"))) == list(range(10))
