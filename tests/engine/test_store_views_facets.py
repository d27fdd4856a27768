"""Store reads for interactive clients: pages above a key, facets, arrivals, saved views."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecoute.engine.errors import StoreError
from ecoute.engine.records import Mention, TopicMatch, format_time
from ecoute.engine.store import MentionFilter, PageKey, Store
from ecoute.engine.store.sqlite import SQLiteStore, current_version

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def make(i: int, **changes: object) -> Mention:
    values: dict[str, object] = {
        "id": f"p{i % 3}:{i}",
        "platform": f"p{i % 3}",
        "text": f"text {i}",
        "created_at": NOW - timedelta(minutes=i),
        "collected_at": NOW - timedelta(seconds=i * 10),
        "lang": ("en", "fr", None)[i % 3],
        "topics": [TopicMatch(f"topic{i % 2}", "t", "t", 0, 1)] if i % 4 else [],
    }
    values.update(changes)
    return Mention(**values)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = SQLiteStore(tmp_path / "s.db", clock=lambda: NOW)
    s.upsert_mentions([make(i) for i in range(30)])
    return s


def test_page_before_mirrors_page(store: Store) -> None:
    f = MentionFilter(platforms=["p1", "p2"])
    first = store.page(f, limit=5)
    second = store.page(f, after=first.next_key, limit=5)
    top_of_second = second.rows[0]
    key = PageKey(format_time(top_of_second.mention.created_at), top_of_second.seq)
    assert [r.id for r in store.page_before(f, key, limit=5)] == [r.id for r in first.rows]
    assert [r.id for r in store.page_before(f, key, limit=2)] == [r.id for r in first.rows[3:]]
    assert store.page_before(f, PageKey(format_time(NOW), 10**9), limit=5) == []


def test_distinct_values_of_each_facet(store: Store) -> None:
    assert store.distinct("platform") == ["p0", "p1", "p2"]
    assert store.distinct("lang") == ["en", "fr"]
    assert store.distinct("topic") == ["topic0", "topic1"]
    assert store.distinct("source") == []
    with pytest.raises(ValueError, match="no facet"):
        store.distinct("author")  # type: ignore[arg-type]


def test_arrivals_since_counts_by_collection_time(store: Store) -> None:
    assert store.arrivals_since(NOW - timedelta(seconds=60)) == 7  # i = 0..6
    assert store.arrivals_since(NOW + timedelta(seconds=1)) == 0


def test_saved_views_round_trip_replace_and_delete(store: Store, tmp_path: Path) -> None:
    view = store.save_view("  Negative   on reddit ", {"platforms": ["reddit"], "x": "é"})
    assert view.name == "Negative on reddit"
    store.save_view("Negative on reddit", {"platforms": ["news"]})
    store.save_view("all", {})
    with SQLiteStore(tmp_path / "s.db", readonly=True) as reader:
        views = reader.views()
    assert [(v.name, v.filters) for v in views] == [
        ("all", {}),
        ("Negative on reddit", {"platforms": ["news"]}),
    ]
    assert store.delete_view("all") and not store.delete_view("all")
    with pytest.raises(StoreError, match="needs a name"):
        store.save_view("   ", {})
    with pytest.raises(StoreError, match="at most 64"):
        store.save_view("x" * 65, {})


def test_a_version_1_store_is_upgraded_with_the_views_table(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    SQLiteStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE views")
        conn.execute("ALTER TABLE health DROP COLUMN detail")
        conn.execute("ALTER TABLE health DROP COLUMN pending")
        conn.execute("DROP TABLE retry_requests")
        conn.execute("PRAGMA user_version = 1")
    with pytest.raises(StoreError, match="older"):
        SQLiteStore(path, readonly=True)
    with SQLiteStore(path) as upgraded:
        upgraded.save_view("v", {"a": 1})
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == current_version() >= 4
        columns = [row[1] for row in conn.execute("PRAGMA table_info(health)")]
        assert columns[-2:] == ["detail", "pending"]


def test_interrupt_aborts_the_running_query_only(store: Store) -> None:
    store.interrupt()  # nothing running: harmless
    assert store.count() == 30
    conn = store._conn
    assert conn is not None
    # The progress handler runs inside the query, as another thread's interrupt would land.
    conn.set_progress_handler(lambda: store.interrupt() or 0, 10)
    with pytest.raises(StoreError, match="interrupted"):
        store.count(MentionFilter(sentiments=["negative"], platforms=["p1", "p2"]))
    conn.set_progress_handler(None, 0)
    assert store.count(MentionFilter(platforms=["p1"])) == 10
