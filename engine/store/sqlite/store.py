"""SQLiteStore: the Store interface on one SQLite connection, for writing or reading."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from ...errors import StoreError
from ...health import Health
from ...records import Mention, Reject, utcnow
from ..filters import FacetField, MentionFilter, SortOrder
from ..interface import ALL as _ALL
from ..interface import Store
from ..models import Note, Page, PageKey, SavedView, StoredMention
from . import facets, mention_writes, reads, run_state, views, window, workflow
from .connection import connect, read_snapshot, schema_version, write_transaction
from .schema import check_version, current_version, migrate


class SQLiteStore(Store):
    """The :class:`Store` in the SQLite file at ``path`` (see docs/store.md for its schema).

    A writable store creates or upgrades the file; ``readonly=True`` opens an
    existing, current file for reading only. WAL journaling lets any number of
    readers (other ``Store`` objects, in any thread or process) read while one
    writer writes. Each ``Store`` holds one connection and serialises its use
    with a lock: it may be created in one thread and used from another, but
    concurrent callers wait for each other, so give each reader its own ``Store``.
    All SQLite failures surface as :class:`StoreError` naming the path.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        readonly: bool = False,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self.readonly = readonly
        self._now = clock
        self._lock = threading.RLock()
        conn = connect(self.path, readonly=readonly)
        try:
            if readonly:
                version = check_version(conn, self.path)
                if version < current_version():
                    raise StoreError(
                        f"{self.path}: store schema version {version} is older than this "
                        f"ecoute's ({current_version()}); open it once for writing "
                        "(for example with ecoute run) to upgrade it"
                    )
            else:
                migrate(conn, self.path)
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"{self.path}: cannot prepare the store: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        conn.row_factory = sqlite3.Row
        self._conn: sqlite3.Connection | None = conn

    def __repr__(self) -> str:
        mode = "readonly" if self.readonly else "writable"
        return f"SQLiteStore({str(self.path)!r}, {mode})"

    def close(self) -> None:
        """Close the connection (idempotent); a writer refreshes planner statistics first."""
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is None:
                return
            try:
                if not self.readonly:
                    # Bounded sampling keeps this to milliseconds on a large store.
                    conn.execute("PRAGMA analysis_limit = 1000")
                    conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass  # statistics are an optimisation; closing must not fail on them
            finally:
                conn.close()

    def interrupt(self) -> None:
        """Abort the query running on this store's connection, from any thread.

        The interrupted call raises :class:`StoreError`; with no query running,
        nothing happens. Interactive clients use it to drop an outdated count.
        """
        conn = self._conn
        if conn is not None:
            conn.interrupt()

    @contextmanager
    def _use(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        if write and self.readonly:
            raise StoreError(f"{self.path}: the store is open read-only")
        with self._lock:
            if self._conn is None:
                raise StoreError(f"{self.path}: the store is closed")
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: {exc}") from exc
            except UnicodeEncodeError as exc:
                # SQLite stores UTF-8: an unpaired surrogate (from a broken decoder
                # upstream) cannot be written or looked up.
                raise StoreError(
                    f"{self.path}: text holding an unpaired surrogate cannot be stored or looked up"
                ) from exc

    def schema_version(self) -> int:
        """The file's ``PRAGMA user_version``."""
        with self._use() as conn:
            return schema_version(conn)

    # -- writing what the pipeline produces -------------------------------------------

    def commit_batch(
        self,
        mentions: Iterable[Mention],
        *,
        cursors: Mapping[str, str] | None = None,
        rejects: Iterable[Reject] = (),
    ) -> int:
        """Mentions, rejects and cursors of one batch in one transaction; return new count."""
        with self._use(write=True) as conn, write_transaction(conn):
            new = mention_writes.upsert_mentions(conn, mentions)
            run_state.add_rejects(conn, rejects, source="", platform="", at=self._now())
            if cursors:
                run_state.save_cursors(conn, cursors, self._now())
            return new

    def upsert_mentions(self, mentions: Iterable[Mention]) -> int:
        """Insert or update mentions by id in one transaction; return how many are new.

        Re-upserting keeps ``seq``, ``collected_at`` and all workflow state; fields
        the new version lacks (``None``, no sentiment, no topics) keep their stored
        value; topic matches are replaced when the new version has topics.
        """
        with self._use(write=True) as conn:
            return mention_writes.upsert_mentions(conn, mentions)

    def delete_mentions(self, ids: Iterable[str]) -> int:
        """Delete mentions with their matches and workflow state; return how many."""
        with self._use(write=True) as conn:
            return mention_writes.delete_mentions(conn, ids)

    def get_cursor(self, source: str) -> str | None:
        """The saved cursor of a source (``key`` tells apart several per source)."""
        with self._use() as conn:
            return run_state.get_cursor(conn, source)

    def all_cursors(self) -> dict[str, str]:
        """Every saved cursor by ``(source, key)``."""
        with self._use() as conn:
            return run_state.load_cursors(conn)

    def save_cursors(self, cursors: Mapping[str, str]) -> None:
        """Save cursors by ``(source, key)``, all in one transaction."""
        with self._use(write=True) as conn:
            run_state.save_cursors(conn, cursors, self._now())

    def request_retry(self, component: str) -> None:
        """Ask the running engine to retry ``component`` now."""
        with self._use(write=True) as conn:
            run_state.request_retry(conn, component, self._now())

    def take_retry_requests(self) -> list[str]:
        """The components asked to retry since the last call (and forget them)."""
        with self._use(write=True) as conn:
            return run_state.take_retry_requests(conn)

    def save_health(self, records: Iterable[Health]) -> None:
        """Store the health of components (one row per component, replaced)."""
        with self._use(write=True) as conn:
            run_state.save_health(conn, records)

    def load_health(self) -> list[Health]:
        """The last saved health of every component."""
        with self._use() as conn:
            return run_state.load_health(conn)

    def add_rejects(
        self,
        rejects: Iterable[Reject],
        *,
        source: str = "",
        platform: str = "",
        at: datetime | None = None,
    ) -> int:
        """Keep rejected items for inspection (the newest 10,000); return how many added.

        A reject's own ``source`` or ``platform`` attribute, when it has one and it
        is not empty, wins over the keyword argument.
        """
        with self._use(write=True) as conn:
            when = self._now() if at is None else at
            return run_state.add_rejects(conn, rejects, source=source, platform=platform, at=when)

    def rejects(self, limit: int = 100, *, source: str | None = None) -> list[Reject]:
        """The newest rejects first, of one source or of all."""
        with self._use() as conn:
            return run_state.list_rejects(conn, limit, source)

    def maintain(self, pages: int = 200, min_segments: int = 4) -> bool:
        """Do a bounded slice of full-text index merging; return True if more remains.

        Each call writes about ``pages`` index pages in its own short transaction.
        """
        with self._use(write=True) as conn, write_transaction(conn):
            before = conn.total_changes
            conn.execute(
                "INSERT INTO mentions_fts (mentions_fts) VALUES (?)",
                (f"merge={pages:d},{min_segments:d}",),
            )
            # SQLite's documented test: fewer than two changes means nothing was merged.
            return conn.total_changes - before >= 2

    # -- workflow ---------------------------------------------------------------------

    def set_status(self, mention_id: str, status: str) -> None:
        """Set a mention's status: ``new``, ``needs-reply``, ``handled`` or ``ignored``."""
        with self._use(write=True) as conn:
            workflow.set_status(conn, mention_id, status, self._now())

    def set_sentiment_override(self, mention_id: str, label: str | None) -> None:
        """Correct a mention's sentiment; ``None`` returns to the model's label."""
        with self._use(write=True) as conn:
            workflow.set_sentiment_override(conn, mention_id, label, self._now())

    def add_tag(self, mention_id: str, tag: str) -> bool:
        """Tag a mention; return False if it already had the tag."""
        with self._use(write=True) as conn:
            return workflow.add_tag(conn, mention_id, tag)

    def remove_tag(self, mention_id: str, tag: str) -> bool:
        """Remove a tag from a mention; return False if it did not have it."""
        with self._use(write=True) as conn:
            return workflow.remove_tag(conn, mention_id, tag)

    def add_note(self, mention_id: str, text: str) -> Note:
        """Attach a note to a mention."""
        with self._use(write=True) as conn:
            return workflow.add_note(conn, mention_id, text, self._now())

    def delete_note(self, note_id: int) -> bool:
        """Delete a note; return False if there was none with that id."""
        with self._use(write=True) as conn:
            return workflow.delete_note(conn, note_id)

    # -- reading ----------------------------------------------------------------------

    def page(
        self, filter: MentionFilter = _ALL, *, after: PageKey | None = None, limit: int = 50
    ) -> Page:
        """Mentions matching ``filter``, newest first by (time field, seq).

        Pass the previous page's ``next_key`` as ``after`` for the next page.
        """
        with self._use() as conn, read_snapshot(conn):
            return reads.page(conn, filter, after, limit)

    def count(self, filter: MentionFilter = _ALL) -> int:
        """How many mentions match ``filter``."""
        with self._use() as conn:
            return reads.count(conn, filter)

    def newer_than(
        self, seq: int, filter: MentionFilter = _ALL, limit: int = 200
    ) -> list[StoredMention]:
        """Mentions matching ``filter`` inserted after ``seq`` (for live feeds), newest first."""
        with self._use() as conn, read_snapshot(conn):
            return reads.newer_than(conn, seq, filter, limit)

    def latest_seq(self) -> int:
        """The highest insertion sequence stored (0 when empty)."""
        with self._use() as conn:
            return reads.latest_seq(conn)

    def get(self, mention_id: str) -> StoredMention | None:
        """One mention with its topic matches, tags and notes, or ``None``."""
        if not _encodable(mention_id):
            return None  # stored ids never hold unpaired surrogates
        with self._use() as conn, read_snapshot(conn):
            return reads.get(conn, mention_id)

    def search(
        self, filter: MentionFilter, *, sort: SortOrder = "newest", limit: int = 50
    ) -> list[StoredMention]:
        """Full-text search of ``filter.text`` within the rest of ``filter``.

        ``sort="relevance"`` ranks (BM25) the newest 1,000 matches.
        """
        with self._use() as conn, read_snapshot(conn):
            return reads.search(conn, filter, sort, limit)

    # -- for interactive clients: reading upwards, filter choices, saved views -------

    def page_before(
        self, filter: MentionFilter, before: PageKey, *, limit: int = 50
    ) -> list[StoredMention]:
        """Up to ``limit`` mentions matching ``filter`` just newer than ``before``, newest first."""
        with self._use() as conn, read_snapshot(conn):
            return window.page_before(conn, filter, before, limit)

    def distinct(self, field: FacetField) -> list[str]:
        """The distinct values of ``platform``, ``source``, ``lang`` or ``topic``, sorted."""
        with self._use() as conn:
            return facets.distinct_values(conn, field)

    def arrivals_since(self, since: datetime) -> int:
        """How many mentions were first stored at or after ``since``."""
        with self._use() as conn:
            return facets.arrivals_since(conn, since)

    def save_view(self, name: str, filters: dict[str, Any]) -> SavedView:
        """Save (or replace) a named view: a JSON object of filter settings."""
        with self._use(write=True) as conn:
            return views.save_view(conn, name, filters, self._now())

    def views(self) -> list[SavedView]:
        """Every saved view, by name."""
        with self._use() as conn:
            return views.list_views(conn)

    def delete_view(self, name: str) -> bool:
        """Delete a saved view; return False if there was none."""
        with self._use(write=True) as conn:
            return views.delete_view(conn, name)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
