"""Readers survive bad rows: a damaged field reads as a safe default, logged once per id."""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ecoute.engine import Author, Mention, Sentiment, TopicMatch
from ecoute.engine.store import MentionFilter, StoredMention, open_store

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

# Each case: what to break (SQL run on the row of the mention), the damaged fields,
# and a check of what reads back.
CASES: dict[str, tuple[str, list[str]]] = {
    "extra-list": ("UPDATE mentions SET extra = '[1]' WHERE id = ?", ["extra"]),
    "extra-invalid": ("UPDATE mentions SET extra = '{nope' WHERE id = ?", ["extra"]),
    "raw-deep": (
        f"UPDATE mentions SET raw = '{'[' * 500}{']' * 500}' WHERE id = ?",
        ["raw"],
    ),
    "raw-deep-objects": (
        "UPDATE mentions SET raw = '" + '{"a":' * 100 + "1" + "}" * 100 + "' WHERE id = ?",
        ["raw"],
    ),
    "raw-invalid": ("UPDATE mentions SET raw = '{' WHERE id = ?", ["raw"]),
    "flags-string": ("UPDATE mentions SET flags = '\"bot\"' WHERE id = ?", ["flags"]),
    "flags-object": ("UPDATE mentions SET flags = '{\"a\": 1}' WHERE id = ?", ["flags"]),
    "flags-mixed": ("UPDATE mentions SET flags = '[\"ok\", 3, [1]]' WHERE id = ?", ["flags"]),
    "times": (
        "UPDATE mentions SET created_at = 'yesterday', collected_at = 12 WHERE id = ?",
        ["collected_at", "created_at"],
    ),
    "text-bytes": (
        "UPDATE mentions SET text = CAST(X'706F7374EDA080FF' AS TEXT) WHERE id = ?",
        ["text"],
    ),
    "blob-title": ("UPDATE mentions SET title = X'FF00' WHERE id = ?", ["title"]),
    "numbers": (
        "UPDATE mentions SET likes = 'many', views = -4, author_followers = 2.5, "
        "priority = 'high', reach = X'00' WHERE id = ?",
        ["author_followers", "likes", "priority", "reach", "views"],
    ),
    "sentiment-label": ("UPDATE mentions SET sentiment = 'happy' WHERE id = ?", ["sentiment"]),
    "sentiment-confidence": (
        "UPDATE mentions SET sentiment_confidence = 'x' WHERE id = ?",
        ["sentiment_confidence"],
    ),
    "topic-row": (
        "UPDATE mention_topics SET kind = 'odd', start = 'x', topic = 7 "
        "WHERE mention_seq = (SELECT seq FROM mentions WHERE id = ?)",
        ["topics"],
    ),
    "author-blob": ("UPDATE mentions SET author = X'6869' WHERE id = ?", ["author"]),
}


def good(mention_id: str) -> Mention:
    return Mention(
        id=mention_id,
        platform="x",
        source="src",
        text="post about acme",
        author=Author("someone"),
        created_at=T0,
        title="a title",
        likes=3,
        sentiment=Sentiment("positive", 0.8, "m"),
        topics=[TopicMatch("acme", "acme", "acme", 11, 15)],
        raw={"ok": True},
        extra={"scorer": {"k": 1}},
    )


@pytest.fixture
def damaged_store(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """A store holding one good mention and one broken row per case, broken by hand."""
    path = tmp_path / "s.db"
    prefix = uuid.uuid4().hex[:8]  # damage is logged once per id, per process
    ids = {case: f"x:{prefix}-{case}" for case in CASES}
    with open_store(path) as store:
        store.upsert_mentions([good(f"x:{prefix}-good"), *(good(i) for i in ids.values())])
        store.add_tag(ids["author-blob"], "t")
        store.add_note(ids["author-blob"], "a note")
        store.set_status(ids["extra-list"], "handled")
    with sqlite3.connect(path) as conn:
        for case, (sql, _) in CASES.items():
            conn.execute(sql, (ids[case],))
        conn.execute("PRAGMA ignore_check_constraints = ON")  # as another program might
        status = "UPDATE workflow SET status = 'weird' WHERE mention_id = ?"
        conn.execute(status, (ids["extra-list"],))
        conn.execute("UPDATE notes SET created_at = 'soon'")
    yield path, {"good": f"x:{prefix}-good", **ids}


def check_row(stored: StoredMention, case: str) -> None:
    m = stored.mention
    json.dumps(m.to_dict(), ensure_ascii=False, default=str)  # search --format jsonl
    if case == "good":
        assert "damaged" not in m.flags and "ecoute" not in m.extra
        return
    _, fields = CASES[case]
    assert "damaged" in m.flags, case
    assert m.extra["ecoute"] == {"damaged": fields}, case
    assert isinstance(m.extra, dict) and all(isinstance(f, str) for f in m.flags)
    assert isinstance(m.text, str) and isinstance(m.created_at, datetime)


def test_every_reader_survives_damaged_rows(damaged_store: tuple[Path, dict[str, str]]) -> None:
    path, ids = damaged_store
    by_id = {mention_id: case for case, mention_id in ids.items()}
    with open_store(path, readonly=True) as store:
        page = store.page(limit=100).rows
        assert {s.id for s in page} == set(by_id)
        for stored in page:
            check_row(stored, by_id[stored.id])
        for stored in store.newer_than(0, limit=100):
            check_row(stored, by_id[stored.id])
        for sort in ("newest", "relevance"):
            found = store.search(MentionFilter(text="acme"), sort=sort, limit=100)  # type: ignore[arg-type]
            assert len(found) >= len(ids) - 2  # two cases break the indexed text itself
            for stored in found:
                check_row(stored, by_id[stored.id])
        for case, mention_id in ids.items():
            stored = store.get(mention_id)
            assert stored is not None
            check_row(stored, case)


def test_what_damaged_rows_read_as(damaged_store: tuple[Path, dict[str, str]]) -> None:
    path, ids = damaged_store
    with open_store(path, readonly=True) as store:

        def read(case: str) -> StoredMention:
            stored = store.get(ids[case])
            assert stored is not None
            return stored

        assert read("extra-list").mention.extra == {"ecoute": {"damaged": ["extra"]}}
        assert read("extra-list").status == "new"
        assert read("raw-deep").mention.raw is None
        assert read("flags-string").mention.flags == ["bot", "damaged"]
        assert read("flags-mixed").mention.flags == ["ok", "damaged"]
        assert read("times").mention.created_at == datetime(1970, 1, 1, tzinfo=UTC)
        assert read("text-bytes").mention.text == "post\ufffd\ufffd\ufffd\ufffd"
        numbers = read("numbers").mention
        assert (numbers.likes, numbers.views, numbers.priority, numbers.reach) == (None,) * 4
        assert numbers.author.followers is None
        assert read("sentiment-label").mention.sentiment is None
        assert read("sentiment-label").effective_sentiment is None
        sentiment = read("sentiment-confidence").mention.sentiment
        assert sentiment is not None and sentiment.confidence == 0.0
        (match,) = read("topic-row").mention.topics
        assert (match.topic, match.kind, match.start) == ("7", "exact", 0)
        odd = read("author-blob")
        assert odd.mention.author.handle == "hi" and odd.tags == ["t"]
        assert odd.notes[0].created_at == datetime(1970, 1, 1, tzinfo=UTC)


def test_damage_is_logged_once_per_mention(
    damaged_store: tuple[Path, dict[str, str]], caplog: pytest.LogCaptureFixture
) -> None:
    path, ids = damaged_store
    caplog.set_level(logging.WARNING, logger="ecoute.store")
    with open_store(path, readonly=True) as store:
        for _ in range(3):
            store.page(limit=100)
            store.get(ids["extra-list"])
    warned = [r.getMessage() for r in caplog.records if r.name == "ecoute.store"]
    assert len(warned) == len(CASES)
    assert any(ids["extra-list"] in w and "extra" in w for w in warned)


def test_flags_are_never_read_one_per_character(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with open_store(path) as store:
        bot = good("x:bot")
        bot.flags = "bot"  # type: ignore[assignment]
        store.upsert_mentions([bot])
        stored = store.get("x:bot")
        assert stored is not None and stored.mention.flags == ["bot"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT flags FROM mentions").fetchone()[0] == '["bot"]'


def test_json_values_round_trip(tmp_path: Path) -> None:
    raw: dict[str, Any] = {"text": "é \u2028", "n": [1, 2.5, None, True], "nested": {"a": {}}}
    with open_store(tmp_path / "s.db") as store:
        m = good("x:json")
        m.raw, m.extra = raw, {"s": {"deep": [[["x"]]]}}
        store.upsert_mentions([m])
        stored = store.get("x:json")
        assert stored is not None
        assert stored.mention.raw == raw and stored.mention.extra == {"s": {"deep": [[["x"]]]}}
        assert "damaged" not in stored.mention.flags
