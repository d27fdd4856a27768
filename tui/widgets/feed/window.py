"""FeedWindow: the slice of the feed held in memory, newest first, never the whole table."""

from __future__ import annotations

from collections.abc import Sequence

from ecoute.engine.store import PageKey

from .rows import FeedRow

MAX_ROWS = 3000


class FeedWindow:
    """At most ``max_rows`` consecutive rows of the feed, in feed order (newest first).

    Pages are appended below (``older_key`` is where the next one starts; ``None``
    at the end of the feed). When the window grows past ``max_rows`` it drops
    rows at the far end and remembers it: ``has_newer`` means rows above the
    first one were dropped and must be read back (``Store.page_before``).
    """

    def __init__(self, max_rows: int = MAX_ROWS) -> None:
        self.max_rows = max_rows
        self.rows: list[FeedRow] = []
        self.older_key: PageKey | None = None
        self.has_newer = False
        self._ids: set[str] = set()

    def __len__(self) -> int:
        return len(self.rows)

    def reset(self, rows: Sequence[FeedRow], older_key: PageKey | None) -> None:
        """Start over with the first page of the feed."""
        self.rows = list(rows)
        self._ids = {row.id for row in self.rows}
        self.older_key = older_key
        self.has_newer = False

    def extend_older(self, rows: Sequence[FeedRow], older_key: PageKey | None) -> int:
        """Append the next page; return how many rows were dropped from the top."""
        fresh = [row for row in rows if row.id not in self._ids]
        self.rows.extend(fresh)
        self._ids.update(row.id for row in fresh)
        self.older_key = older_key
        excess = len(self.rows) - self.max_rows
        if excess <= 0:
            return 0
        for row in self.rows[:excess]:
            self._ids.discard(row.id)
        del self.rows[:excess]
        self.has_newer = True
        return excess

    def extend_newer(self, rows: Sequence[FeedRow], complete: bool) -> int:
        """Put back rows read above the first one; return how many were added on top.

        ``complete`` is False when fewer rows than asked came back: the top of the
        feed is reached. Rows beyond ``max_rows`` are dropped at the bottom.
        """
        fresh = [row for row in rows if row.id not in self._ids]
        self.rows[:0] = fresh
        self._ids.update(row.id for row in fresh)
        if not complete:
            self.has_newer = False
        self._drop_bottom_excess()
        return len(fresh)

    def merge_live(self, rows: Sequence[FeedRow]) -> int:
        """Insert new rows at their place in feed order; return how many were inserted.

        A row that belongs below the window's last row while older rows remain
        unread is left for paging to find. Nothing is inserted while the top of
        the feed is not in the window (``has_newer``).
        """
        if self.has_newer:
            return 0
        inserted = 0
        for row in sorted(rows, key=lambda r: r.key, reverse=True):
            if row.id in self._ids:
                continue
            if self.rows and self.older_key is not None and row.key < self.rows[-1].key:
                continue
            index = self._position(row.key)
            self.rows.insert(index, row)
            self._ids.add(row.id)
            inserted += 1
        self._drop_bottom_excess()
        return inserted

    def _position(self, key: PageKey) -> int:
        # Rows are sorted by key, descending: binary search for the first smaller key.
        low, high = 0, len(self.rows)
        while low < high:
            middle = (low + high) // 2
            if self.rows[middle].key > key:
                low = middle + 1
            else:
                high = middle
        return low

    def index_of(self, mention_id: str) -> int | None:
        """Where the row of ``mention_id`` is, or ``None``."""
        if mention_id not in self._ids:
            return None
        for index, row in enumerate(self.rows):
            if row.id == mention_id:
                return index
        return None

    def replace(self, row: FeedRow) -> int | None:
        """Swap in a new version of a row (same id); return its index, or ``None``."""
        index = self.index_of(row.id)
        if index is not None:
            self.rows[index] = row
        return index

    def _drop_bottom_excess(self) -> None:
        """Keep at most ``max_rows`` rows: the oldest go, to be paged in again."""
        excess = len(self.rows) - self.max_rows
        if excess > 0:
            for row in self.rows[-excess:]:
                self._ids.discard(row.id)
            del self.rows[-excess:]
            self.older_key = self.rows[-1].key
