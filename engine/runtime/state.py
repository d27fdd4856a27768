"""The engine's own bookkeeping in the store: cursors, rejects, health, idle merges.

A StateWriter is opened, used and closed in the primary sink's thread only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from ..health import Health
from ..store import Store
from .batching import RejectRecord


class StateWriter:
    """Writes cursors, rejects and health next to the mentions, in one thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.store: Store | None = None

    def open(self) -> None:
        """Open (and migrate) the store."""
        self.store = Store(self.path)

    def _store(self) -> Store:
        if self.store is None:
            raise RuntimeError("StateWriter used before open() or after close")
        return self.store

    def cursors(self) -> dict[tuple[str, str], str]:
        """Every saved cursor by (source, key)."""
        return self._store().all_cursors()

    def commit(
        self, cursors: Mapping[tuple[str, str], str], rejects: Sequence[RejectRecord]
    ) -> None:
        """Save cursors and rejects of a batch the primary sink just committed."""
        store = self._store()
        if rejects:
            store.add_rejects(rejects)
        if cursors:
            store.save_cursors(cursors)

    def save_health(self, health: Sequence[Health]) -> None:
        """Persist component health for ``ecoute sources`` and the TUI."""
        self._store().save_health(health)

    def idle(self) -> None:
        """Do a bounded piece of index maintenance while nothing is being written."""
        self._store().merge_step()

    def save_health_and_close(self, health: Sequence[Health]) -> None:
        """Final health save at shutdown, then close."""
        store = self._store()
        store.save_health(health)
        store.close()
        self.store = None
