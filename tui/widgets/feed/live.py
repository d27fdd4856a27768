"""LiveStream: where the live feed stands, whether a poll runs, and what waits while paused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .rows import FeedRow

# Rows held while paused; past this the top of the feed is read again on resume.
MAX_HELD = 2000


@dataclass(slots=True)
class Arrival:
    """Rows to merge into the feed now; ``overflow``: more arrived than these."""

    rows: list[FeedRow]
    overflow: bool = False


@dataclass(slots=True)
class LiveStream:
    """The live part of the feed, as plain state (no I/O, no widget).

    ``last_seq`` is the store sequence the next poll reads after; one poll runs at
    a time (``polling``). While ``paused``, new rows are held (at most
    :data:`MAX_HELD`; ``overflowed`` when more came) and handed back on resume.
    The feed pane starts the polls and merges what this object returns.
    """

    last_seq: int = 0
    polling: bool = False
    paused: bool = False
    held: list[FeedRow] = field(default_factory=list)
    overflowed: bool = False

    def restart(self, latest_seq: int) -> None:
        """Follow from ``latest_seq`` (read just before a first page)."""
        self.last_seq = latest_seq

    def forget_held(self) -> None:
        """Drop the held rows (the feed is read again from the top)."""
        self.held.clear()
        self.overflowed = False

    def start_poll(self) -> int | None:
        """The seq a new poll reads after, or ``None`` while one is under way."""
        if self.polling:
            return None
        self.polling = True
        return self.last_seq

    def arrived(
        self, rows: Sequence[FeedRow], latest_seq: int, overflow: bool, *, current: bool
    ) -> Arrival | None:
        """A poll ended: the rows to merge now, or ``None``.

        ``None`` when nothing is new, when the poll read outdated filters
        (``current`` is False: its rows are dropped), or while paused (they are held).
        """
        self.polling = False
        if not current:
            return None
        self.last_seq = max(self.last_seq, latest_seq)
        if not rows:
            return None
        if self.paused:
            self.held.extend(rows)
            self.overflowed = self.overflowed or overflow or len(self.held) > MAX_HELD
            del self.held[:-MAX_HELD]
            return None
        return Arrival(list(rows), overflow)

    def toggle_pause(self) -> Arrival | None:
        """Pause (new rows are held from now) or resume (the held rows, to merge now)."""
        self.paused = not self.paused
        if self.paused:
            return None
        arrival = Arrival(self.held, self.overflowed)
        self.held = []
        self.overflowed = False
        return arrival if arrival.rows or arrival.overflow else None
