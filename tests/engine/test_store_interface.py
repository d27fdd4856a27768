"""The public Store interface: what open_store returns, and commit_batch's one transaction."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ecoute.engine import Author, Mention, Reject, StoreError
from ecoute.engine.store import Store, open_store
from ecoute.engine.store.sqlite import SQLiteStore

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def mention(n: int, **fields: object) -> Mention:
    values: dict[str, object] = {
        "id": f"x:{n}",
        "platform": "x",
        "source": "src",
        "text": f"post {n}",
        "author": Author("someone"),
        "created_at": T0,
    }
    values.update(fields)
    return Mention(**values)  # type: ignore[arg-type]


def test_open_store_gives_the_sqlite_store_behind_the_interface(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        assert isinstance(store, Store) and isinstance(store, SQLiteStore)
        assert store.location == str(tmp_path / "s.db") and not store.readonly
        assert store.schema_version() >= 3
    with open_store(tmp_path / "s.db", readonly=True) as reader:
        assert reader.readonly
        with pytest.raises(StoreError, match="read-only"):
            reader.upsert_mentions([mention(1)])


def test_the_sqlite_store_adds_no_public_method_the_interface_lacks() -> None:
    interface = {name for name, _ in inspect.getmembers(Store) if not name.startswith("_")}
    sqlite = {name for name, _ in inspect.getmembers(SQLiteStore) if not name.startswith("_")}
    assert sqlite - interface == set(), "document new store methods on Store first"
    assert not getattr(SQLiteStore, "__abstractmethods__", None)


def test_commit_batch_writes_mentions_rejects_and_cursors_together(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        new = store.commit_batch(
            [mention(1), mention(2)],
            cursors={"src": "c2"},
            rejects=[Reject("bad line", "line 3", "{", source="src", platform="x")],
        )
        assert new == 2
        assert store.get_cursor("src") == "c2"
        (kept,) = store.rejects()
        assert (kept.reason, kept.source, kept.platform) == ("bad line", "src", "x")
        assert kept.at is not None
        assert store.commit_batch([mention(2)], cursors={"src": "c3"}) == 0


def test_a_failing_batch_leaves_neither_its_mentions_nor_its_cursor(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.db") as store:
        store.commit_batch([mention(1)], cursors={"src": "c1"})
        with pytest.raises((StoreError, OverflowError)):
            # SQLite integers stop at 2**63 - 1: the whole transaction must roll back.
            store.commit_batch(
                [mention(2), mention(3, likes=2**64)],
                cursors={"src": "c3"},
                rejects=[Reject("r")],
            )
        assert store.get_cursor("src") == "c1"
        assert store.count() == 1 and store.rejects() == []


def test_unpaired_surrogates_in_ids_and_tags_give_a_clear_error_or_nothing(
    tmp_path: Path,
) -> None:
    with open_store(tmp_path / "s.db") as store:
        store.commit_batch([mention(1)])
        assert store.get("x:\ud800") is None
        with pytest.raises(StoreError, match="unpaired surrogate"):
            store.add_tag("x:1", "bad\udc00tag")
        with pytest.raises(StoreError, match="unpaired surrogate"):
            store.add_note("x:1", "note \ud83d")
        assert store.get("x:1") is not None and store.get("x:1").tags == []  # type: ignore[union-attr]
