"""Store: the interface every mention store implements (SQLite today, a server later)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any

from ..health import Health
from ..records import Mention, Reject
from .filters import FacetField, MentionFilter, SortOrder
from .models import Note, Page, PageKey, SavedView, StoredMention

ALL = MentionFilter()


class Store(ABC):
    """Where mentions, workflow state and the engine's run state live.

    The engine owns one writable store per run and is its only writer of
    mentions, cursors, rejects and health; readers (the TUI, ``ecoute search``,
    analytics) open their own, possibly read-only, in this or another process.
    Every method may raise :class:`~ecoute.engine.StoreError` (naming the store)
    when the backend fails; workflow actions on an unknown id raise
    :class:`UnknownMention`. Implementations serialise calls on one object, so
    one object may be shared by threads, but concurrent callers wait for
    each other: give each concurrent reader its own store.
    """

    #: Where the store is, for messages (a file path or a URL without password).
    location: str
    #: True when opened for reading only: every write raises StoreError.
    readonly: bool

    # -- life ---------------------------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None:
        """Release the connection (idempotent)."""

    @abstractmethod
    def interrupt(self) -> None:
        """Abort the query running on this store from another thread (no-op if none).

        The interrupted call raises StoreError; interactive clients use it to drop
        an outdated count.
        """

    @abstractmethod
    def schema_version(self) -> int:
        """The schema version of the data (opening for writing migrates it to the latest)."""

    @abstractmethod
    def maintain(self) -> bool:
        """Do a bounded slice of background upkeep (index merges); True if more remains.

        The engine calls it while the pipeline is idle, never from readers.
        """

    # -- what the pipeline writes ---------------------------------------------------------

    @abstractmethod
    def commit_batch(
        self,
        mentions: Iterable[Mention],
        *,
        cursors: Mapping[str, str] | None = None,
        rejects: Iterable[Reject] = (),
    ) -> int:
        """Upsert mentions, keep rejects and save cursors, all in one transaction.

        A crash leaves either all of it or none, so a cursor never runs ahead of
        the mentions it covers. Returns how many mentions were new (see
        :meth:`upsert_mentions` for the update rules).
        """

    @abstractmethod
    def upsert_mentions(self, mentions: Iterable[Mention]) -> int:
        """Insert or update mentions by id in one transaction; return how many are new.

        Re-upserting keeps ``seq``, ``collected_at`` and all workflow state;
        fields the new version lacks (``None``, no sentiment, no topics) keep
        their stored value; topic matches are replaced when the new version has
        topics. Within the batch the last mention with an id wins.
        """

    @abstractmethod
    def delete_mentions(self, ids: Iterable[str]) -> int:
        """Delete mentions with their matches and workflow state; return how many."""

    @abstractmethod
    def get_cursor(self, source: str) -> str | None:
        """The saved cursor of a source (by its configured name), or ``None``."""

    @abstractmethod
    def all_cursors(self) -> dict[str, str]:
        """Every saved cursor by source."""

    @abstractmethod
    def save_cursors(self, cursors: Mapping[str, str]) -> None:
        """Save cursors by source, all in one transaction."""

    @abstractmethod
    def request_retry(self, component: str) -> None:
        """Ask the engine running on this store to retry ``component`` (``"source:x"``) now.

        Kept until the engine takes it, from any process (``ecoute sources --retry``,
        the TUI).
        """

    @abstractmethod
    def take_retry_requests(self) -> list[str]:
        """The components asked to retry since the last call, oldest first; forgets them."""

    @abstractmethod
    def save_health(self, records: Iterable[Health]) -> None:
        """Store the health of components (one record per component, replaced)."""

    @abstractmethod
    def load_health(self) -> list[Health]:
        """The last saved health of every component, by component name."""

    @abstractmethod
    def add_rejects(
        self,
        rejects: Iterable[Reject],
        *,
        source: str = "",
        platform: str = "",
        at: datetime | None = None,
    ) -> int:
        """Keep rejected items (the newest 10,000); return how many were added.

        A reject's own non-empty ``source``/``platform`` wins over the arguments.
        """

    @abstractmethod
    def rejects(self, limit: int = 100, *, source: str | None = None) -> list[Reject]:
        """The newest rejects first (with ``at`` set), of one source or of all."""

    # -- workflow -------------------------------------------------------------------------

    @abstractmethod
    def set_status(self, mention_id: str, status: str) -> None:
        """Set a mention's status: ``new``, ``needs-reply``, ``handled`` or ``ignored``."""

    @abstractmethod
    def set_sentiment_override(self, mention_id: str, label: str | None) -> None:
        """Correct a mention's sentiment; ``None`` returns to the model's label."""

    @abstractmethod
    def add_tag(self, mention_id: str, tag: str) -> bool:
        """Tag a mention; return False if it already had the tag."""

    @abstractmethod
    def remove_tag(self, mention_id: str, tag: str) -> bool:
        """Remove a tag from a mention; return False if it did not have it."""

    @abstractmethod
    def add_note(self, mention_id: str, text: str) -> Note:
        """Attach a note to a mention."""

    @abstractmethod
    def delete_note(self, note_id: int) -> bool:
        """Delete a note; return False if there was none with that id."""

    # -- reading --------------------------------------------------------------------------

    @abstractmethod
    def page(
        self, filter: MentionFilter = ALL, *, after: PageKey | None = None, limit: int = 50
    ) -> Page:
        """Mentions matching ``filter``, newest first by (time field, seq).

        Pass the previous page's ``next_key`` as ``after`` for the next page.
        """

    @abstractmethod
    def page_before(
        self, filter: MentionFilter, before: PageKey, *, limit: int = 50
    ) -> list[StoredMention]:
        """Up to ``limit`` mentions matching ``filter`` just newer than ``before``, newest first."""

    @abstractmethod
    def count(self, filter: MentionFilter = ALL) -> int:
        """How many mentions match ``filter``."""

    @abstractmethod
    def newer_than(
        self, seq: int, filter: MentionFilter = ALL, limit: int = 200
    ) -> list[StoredMention]:
        """Mentions matching ``filter`` first stored after ``seq`` (live feeds), newest first."""

    @abstractmethod
    def latest_seq(self) -> int:
        """The highest insertion sequence stored (0 when empty)."""

    @abstractmethod
    def get(self, mention_id: str) -> StoredMention | None:
        """One mention with its topic matches, tags and notes, or ``None``."""

    @abstractmethod
    def search(
        self, filter: MentionFilter, *, sort: SortOrder = "newest", limit: int = 50
    ) -> list[StoredMention]:
        """Full-text search of ``filter.text`` within the rest of ``filter``.

        ``sort="relevance"`` ranks (BM25) the newest 1,000 matches.
        """

    @abstractmethod
    def distinct(self, field: FacetField) -> list[str]:
        """The distinct values of ``platform``, ``source``, ``lang`` or ``topic``, sorted."""

    @abstractmethod
    def arrivals_since(self, since: datetime) -> int:
        """How many mentions were first stored at or after ``since``."""

    # -- saved views ----------------------------------------------------------------------

    @abstractmethod
    def save_view(self, name: str, filters: dict[str, Any]) -> SavedView:
        """Save (or replace) a named view: a JSON object of filter settings."""

    @abstractmethod
    def views(self) -> list[SavedView]:
        """Every saved view, by name."""

    @abstractmethod
    def delete_view(self, name: str) -> bool:
        """Delete a saved view; return False if there was none."""
