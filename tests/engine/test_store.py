"""The store's schema, writes, workflow state, cursors, health, rejects and migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecoute.engine import Author, Mention, Reject, Sentiment, StoreError, TopicMatch
from ecoute.engine.health import Health
from ecoute.engine.store import MentionFilter, Store, UnknownMention
from ecoute.engine.store.sqlite import SQLiteStore, current_version, schema

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def mention(n: int, **changes: object) -> Mention:
    """A mention numbered ``n``, created ``n`` minutes after T0."""
    m = Mention(
        id=f"demo:{n}",
        platform="demo",
        text=f"post number {n} about widgets",
        created_at=T0 + timedelta(minutes=n),
        collected_at=T0 + timedelta(hours=1, minutes=n),
        author=Author(handle=f"user{n}", name=f"User {n}", followers=10 * n),
        source="demo-source",
        lang="en",
        likes=n,
        raw={"native": n},
        topics=[TopicMatch("widgets", "widgets", "widgets", 22, 29)],
        sentiment=Sentiment("neutral", 0.5, "test-model"),
    )
    for key, value in changes.items():
        setattr(m, key, value)
    return m


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with SQLiteStore(tmp_path / "ecoute.db") as s:
        yield s


def raw_conn(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


EXPECTED_COLUMNS = {
    "mentions": [
        "seq", "id", "platform", "source", "url", "author", "author_name", "author_followers",
        "author_url", "text", "title", "lang", "created_at", "collected_at", "likes", "shares",
        "replies", "views", "parent_id", "sentiment", "sentiment_confidence", "sentiment_model",
        "sentiment_covered", "priority", "reach", "flags", "topics", "extra", "raw",
    ],
    "mention_topics": [
        "mention_seq", "topic", "term", "found", "start", "end", "distance", "kind", "field",
    ],
    "cursors": ["source", "key", "cursor", "updated_at"],
    "health": [
        "component", "kind", "state", "reason", "last_ok", "last_error", "errors", "items",
        "rejects", "next_attempt", "updated_at", "detail", "pending",
    ],
    "rejects": ["id", "at", "source", "platform", "reason", "context", "excerpt"],
    "workflow": ["mention_id", "status", "sentiment_override", "updated_at"],
    "tags": ["mention_id", "tag"],
    "notes": ["note_id", "mention_id", "created_at", "text"],
}  # fmt: skip


def test_schema_has_documented_tables_columns_and_indexes(store: Store) -> None:
    conn = raw_conn(store.path)
    for table, columns in EXPECTED_COLUMNS.items():
        found = [row["name"] for row in conn.execute(f"PRAGMA table_info({table})")]
        assert found == columns, table
    indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {
        "mentions_created_at",
        "mentions_collected_at",
        "mentions_platform",
        "mentions_sentiment",
        "mentions_lang",
        "mentions_source",
        "mention_topics_topic",
        "workflow_status",
    } <= indexes
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == current_version()
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'mentions_fts'").fetchone()[0]
    assert 'content="mentions"' in sql and "remove_diacritics=2" in sql


def test_mention_round_trips_through_a_row(store: Store) -> None:
    original = mention(1, url="https://x/1", title="T", flags=["bot"], extra={"s": {"a": 1}})
    original.parent_id = "demo:0"
    store.upsert_mentions([original])
    stored = store.get("demo:1")
    assert stored is not None
    assert stored.mention == original
    assert stored.status == "new" and stored.effective_sentiment == "neutral"
    row = raw_conn(store.path).execute("SELECT * FROM mentions").fetchone()
    assert row["created_at"] == "2026-03-01T12:01:00.000000Z"
    assert row["author"] == "user1" and row["topics"] == '["widgets"]'
    assert row["raw"] == '{"native":1}' and row["flags"] == '["bot"]'


def test_upsert_is_idempotent_and_updates_fields(store: Store) -> None:
    assert store.upsert_mentions([mention(1), mention(2)]) == 2
    seq = store.get("demo:1").seq  # type: ignore[union-attr]
    updated = mention(1, text="edited text", likes=99)
    assert store.upsert_mentions([updated, mention(3)]) == 1
    assert store.count() == 3
    stored = store.get("demo:1")
    assert stored is not None and stored.seq == seq
    assert stored.mention.text == "edited text" and stored.mention.likes == 99


def test_duplicates_within_a_batch_keep_the_last(store: Store) -> None:
    assert store.upsert_mentions([mention(1, likes=1), mention(1, likes=2)]) == 1
    assert store.get("demo:1").mention.likes == 2  # type: ignore[union-attr]


def test_reupsert_keeps_what_the_new_version_lacks(store: Store) -> None:
    store.upsert_mentions([mention(1, priority=0.7)])
    first = store.get("demo:1")
    bare = mention(1, likes=None, topics=[], sentiment=None, priority=None, raw=None)
    bare.collected_at = T0 + timedelta(days=3)
    store.upsert_mentions([bare])
    again = store.get("demo:1")
    assert again is not None and first is not None
    assert again.mention.likes == 1 and again.mention.priority == 0.7
    assert again.mention.sentiment == first.mention.sentiment
    assert again.mention.topics == first.mention.topics and again.mention.raw == {"native": 1}
    assert again.mention.collected_at == first.mention.collected_at


def test_workflow_state_survives_reupsert(store: Store) -> None:
    store.upsert_mentions([mention(1)])
    store.set_status("demo:1", "needs-reply")
    store.set_sentiment_override("demo:1", "negative")
    store.add_tag("demo:1", "vip")
    note = store.add_note("demo:1", "call them back")
    store.upsert_mentions([mention(1, text="edited", sentiment=Sentiment("positive", 0.9, "m"))])
    stored = store.get("demo:1")
    assert stored is not None
    assert stored.status == "needs-reply"
    assert stored.sentiment_override == "negative" and stored.effective_sentiment == "negative"
    assert stored.mention.sentiment is not None and stored.mention.sentiment.label == "positive"
    assert stored.tags == ["vip"] and stored.notes == [note]


def test_topic_matches_are_replaced_on_reupsert(store: Store) -> None:
    store.upsert_mentions([mention(1)])
    new_topics = [
        TopicMatch("gadgets", "post", "post", 0, 4, kind="exact"),
        TopicMatch("numbers", "numbr", "number", 5, 11, distance=1, kind="fuzzy"),
    ]
    store.upsert_mentions([mention(1, topics=new_topics)])
    stored = store.get("demo:1")
    assert stored is not None and stored.mention.topics == new_topics
    conn = raw_conn(store.path)
    assert conn.execute("SELECT count(*) FROM mention_topics").fetchone()[0] == 2
    assert conn.execute("SELECT topics FROM mentions").fetchone()[0] == '["gadgets","numbers"]'


def test_large_batches_span_several_statements(store: Store) -> None:
    batch = [mention(n) for n in range(1234)]
    assert store.upsert_mentions(batch) == 1234
    assert store.upsert_mentions(batch[::-1]) == 0
    conn = raw_conn(store.path)
    assert conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == 1234
    assert conn.execute("SELECT count(*) FROM mention_topics").fetchone()[0] == 1234
    # One FTS segment per statement, not per row.
    assert conn.execute("SELECT count(*) FROM mentions_fts_segdir").fetchone()[0] <= 3
    assert store.delete_mentions(m.id for m in batch[:700]) == 700
    assert store.count() == 534


def test_lone_surrogates_are_replaced_not_fatal(store: Store) -> None:
    store.upsert_mentions([mention(1, text="bad \ud800 text", topics=[])])
    stored = store.get("demo:1")
    assert stored is not None and stored.mention.text == "bad ? text"


def test_delete_cascades(store: Store) -> None:
    store.upsert_mentions([mention(1), mention(2)])
    store.set_status("demo:1", "handled")
    store.add_tag("demo:1", "x")
    assert store.delete_mentions(["demo:1", "demo:404"]) == 1
    conn = raw_conn(store.path)
    for table in ("workflow", "tags"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM mention_topics").fetchone()[0] == 1


def test_workflow_actions(store: Store) -> None:
    store.upsert_mentions([mention(1)])
    store.set_status("demo:1", "handled")
    assert store.add_tag("demo:1", "  needs   legal ") is True
    assert store.add_tag("demo:1", "needs legal") is False
    assert store.add_tag("demo:1", "alpha") is True
    assert store.get("demo:1").tags == ["alpha", "needs legal"]  # type: ignore[union-attr]
    assert store.remove_tag("demo:1", "alpha") is True
    assert store.remove_tag("demo:1", "alpha") is False
    store.set_sentiment_override("demo:1", "positive")
    store.set_sentiment_override("demo:1", None)
    stored = store.get("demo:1")
    assert stored is not None and stored.status == "handled"
    assert stored.sentiment_override is None and stored.effective_sentiment == "neutral"
    note = store.add_note("demo:1", "first")
    assert store.delete_note(note.note_id) is True and store.delete_note(note.note_id) is False


def test_workflow_errors(store: Store) -> None:
    store.upsert_mentions([mention(1)])
    with pytest.raises(UnknownMention, match="demo:404"):
        store.set_status("demo:404", "handled")
    for call in (
        lambda: store.set_sentiment_override("demo:404", "negative"),
        lambda: store.add_tag("demo:404", "x"),
        lambda: store.add_note("demo:404", "x"),
    ):
        with pytest.raises(StoreError, match="no mention"):
            call()
    with pytest.raises(StoreError, match="unknown status"):
        store.set_status("demo:1", "done")
    with pytest.raises(StoreError, match="unknown sentiment"):
        store.set_sentiment_override("demo:1", "angry")
    with pytest.raises(StoreError, match="empty"):
        store.add_tag("demo:1", "  ")


def test_cursors(store: Store) -> None:
    assert store.get_cursor("mastodon") is None
    store.save_cursors({"mastodon": "100", "rss": '{"https://feed/a": "etag-1"}'})
    store.save_cursors({"mastodon": "200"})
    assert store.get_cursor("mastodon") == "200"
    assert store.get_cursor("rss") == '{"https://feed/a": "etag-1"}'
    assert store.get_cursor("hn") is None
    assert store.all_cursors() == {"mastodon": "200", "rss": '{"https://feed/a": "etag-1"}'}


def test_health_round_trip(store: Store) -> None:
    records = [
        Health(
            "source:demo",
            "source",
            state="backing_off",
            reason="HTTP 503",
            last_ok=T0,
            last_error=T0 + timedelta(seconds=5),
            errors=3,
            items=120,
            rejects=2,
            next_attempt=T0 + timedelta(minutes=1),
            updated_at=T0,
        ),
        Health("sink:sqlite", "sink", state="ok", updated_at=T0),
    ]
    store.save_health(records)
    assert store.load_health() == sorted(records, key=lambda h: h.component)
    records[1].state = "stopped"
    store.save_health([records[1]])
    assert [h.state for h in store.load_health()] == ["stopped", "backing_off"]


def test_rejects_newest_first_and_capped(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from ecoute.engine.store.sqlite import run_state as writer

    monkeypatch.setattr(writer, "MAX_REJECTS", 3)
    store.add_rejects([Reject("bad json", "line 1", "{")], source="jsonl", platform="mention")
    store.add_rejects([Reject(f"r{i}") for i in range(3)], source="other", at=T0)
    got = store.rejects()
    assert [r.reason for r in got] == ["r2", "r1", "r0"]
    assert got[0].at == T0 and got[0].source == "other"
    assert store.rejects(source="jsonl") == []


@dataclass
class RecordWithOrigin:
    source: str
    platform: str
    reason: str
    context: str = ""
    excerpt: str = ""


def test_rejects_may_carry_their_own_source(store: Store) -> None:
    store.add_rejects([RecordWithOrigin("feed", "rss", "bad xml"), Reject("plain")], source="x")
    got = {r.reason: (r.source, r.platform) for r in store.rejects()}
    assert got == {"bad xml": ("feed", "rss"), "plain": ("x", "")}


def test_reader_cannot_write_and_closed_store_refuses(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore(path).close()
    with SQLiteStore(path, readonly=True) as reader:
        assert reader.count() == 0
        with pytest.raises(StoreError, match="read-only"):
            reader.upsert_mentions([mention(1)])
    with pytest.raises(StoreError, match="closed"):
        reader.count()


def test_readonly_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no ecoute store"):
        SQLiteStore(tmp_path / "missing.db", readonly=True)


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("this is not SQLite, just text that is long enough " * 20)
    with pytest.raises(StoreError, match="not an SQLite database") as info:
        SQLiteStore(path)
    assert str(path) in str(info.value)


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE people (name TEXT)")
    with pytest.raises(StoreError, match="not an ecoute store"):
        SQLiteStore(path)


def test_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    SQLiteStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {current_version() + 1}")
    for readonly in (False, True):
        with pytest.raises(StoreError, match="newer ecoute") as info:
            SQLiteStore(path, readonly=readonly)
        assert str(path) in str(info.value)


def _add_pinned_column(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE workflow ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0")


def test_old_file_is_upgraded_keeping_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    with SQLiteStore(path) as old:
        old.upsert_mentions([mention(1), mention(2)])
        old.set_status("demo:1", "handled")
        old.save_cursors({"demo": "c1"})
    version = current_version()
    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, _add_pinned_column])
    with pytest.raises(StoreError, match="older"):
        SQLiteStore(path, readonly=True)
    with SQLiteStore(path) as upgraded:
        assert upgraded.count() == 2
        assert upgraded.get("demo:1").status == "handled"  # type: ignore[union-attr]
        assert upgraded.get_cursor("demo") == "c1"
        assert upgraded.search(MentionFilter(text="widgets"), limit=5)
    conn = raw_conn(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version + 1
    assert "pinned" in [r["name"] for r in conn.execute("PRAGMA table_info(workflow)")]


def test_failed_migration_leaves_the_file_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    with SQLiteStore(path) as old:
        old.upsert_mentions([mention(1)])

    def broken(conn: sqlite3.Connection) -> None:
        _add_pinned_column(conn)
        raise sqlite3.OperationalError("disk on fire")

    monkeypatch.setattr(schema, "MIGRATIONS", [*schema.MIGRATIONS, broken])
    with pytest.raises(StoreError, match="disk on fire"):
        SQLiteStore(path)
    conn = raw_conn(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == current_version() - 1
    assert "pinned" not in [r["name"] for r in conn.execute("PRAGMA table_info(workflow)")]


def test_empty_version_zero_file_is_initialised(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    with SQLiteStore(path) as s:
        assert s.upsert_mentions([mention(1)]) == 1
