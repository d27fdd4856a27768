"""The built-in ``sqlite`` sink: writes batches into ecoute's SQLite store."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from ecoute.engine import ComponentContext, Mention, Option, Sink, hookimpl
from ecoute.engine.store import Store


class SqliteSink(Sink):
    """Upserts each batch into the store in one transaction (committed on return).

    ``path`` defaults to the engine's store. The store is opened (and created or
    upgraded) when the sink is built, so a bad path fails at start. ``flush``,
    called when the pipeline is idle, does one bounded full-text index merge.
    """

    type: ClassVar[str] = "sqlite"
    description: ClassVar[str] = "the SQLite store (search, TUI and analytics read it)"
    options: ClassVar[Sequence[Option]] = (
        Option("path", str, None, help="store file (default: the engine's store)"),
    )

    def __init__(self, context: ComponentContext) -> None:
        super().__init__(context)
        configured = context.options.get("path")
        self.path = Path(configured).expanduser() if configured else context.store_path
        self.store = Store(self.path)
        self.written = 0
        self.inserted = 0

    def write(self, batch: Sequence[Mention]) -> None:
        """Upsert ``batch``; replays of the same mentions never duplicate rows."""
        self.inserted += self.store.upsert_mentions(batch)
        self.written += len(batch)

    def flush(self) -> None:
        """Spend idle time on one slice of full-text index merging."""
        self.store.merge_step()

    def close(self) -> None:
        """Close the store."""
        self.store.close()


@hookimpl
def register_sinks(register: Callable[[type[Sink]], None]) -> None:
    """Register the ``sqlite`` sink."""
    register(SqliteSink)
