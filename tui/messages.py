"""Messages that workers and the engine post to the screens (workers never touch widgets)."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from ecoute.engine.health import Health
from ecoute.engine.store import PageKey, SavedView, StoredMention

from .logbridge import LogLine
from .rows import FeedRow


@dataclass
class PageLoaded(Message):
    """A page of the feed was read.

    ``where`` is ``"reset"`` (the first page of new filters), ``"older"`` (appended
    below) or ``"newer"`` (read back above a window that dropped its top).
    ``generation`` tells results of outdated filters apart.
    """

    generation: int
    where: str
    rows: list[FeedRow]
    older_key: PageKey | None
    complete: bool = True
    latest_seq: int = 0
    elapsed: float = 0.0


@dataclass
class FeedShown(Message):
    """The first page of new filters is on screen (tests and the benchmark wait for it)."""

    generation: int
    rows: int


@dataclass
class LiveRows(Message):
    """Mentions stored since the last poll that match the filters, newest first.

    ``overflow`` says more arrived than were read: the top of the feed must be reloaded.
    """

    generation: int
    rows: list[FeedRow]
    latest_seq: int
    overflow: bool = False


@dataclass
class DetailLoaded(Message):
    """The selected mention in full (``None``: it is no longer in the store)."""

    mention_id: str
    stored: StoredMention | None


@dataclass
class CountLoaded(Message):
    """How many mentions match the filters of ``generation``."""

    generation: int
    count: int


@dataclass
class StatsLoaded(Message):
    """Component health, the arrival rate, and whether the engine looks alive."""

    health: list[Health]
    per_minute: float


@dataclass
class ChoicesLoaded(Message):
    """Values the store holds for the filter pickers; ``then_pick`` opens that picker."""

    platforms: list[str]
    topics: list[str]
    langs: list[str]
    then_pick: str | None = None


@dataclass
class ViewsLoaded(Message):
    """The saved views."""

    views: list[SavedView] = field(default_factory=list)


@dataclass
class ActionDone(Message):
    """A workflow action was saved; ``stored`` is the mention as it is now."""

    mention_id: str
    done: str
    stored: StoredMention | None


@dataclass
class StoreFailed(Message):
    """A store read or write failed; shown as a notification."""

    what: str
    error: str


class EngineCommitted(Message):
    """The in-process engine committed a batch: poll for new mentions now.

    Bursts collapse: a queued one replaces the one before it.
    """

    def can_replace(self, message: Message) -> bool:
        """Any earlier queued commit notice is covered by this one."""
        return isinstance(message, EngineCommitted)


@dataclass
class EngineStopped(Message):
    """The in-process engine returned (``error`` when it failed)."""

    stored: int
    error: str | None = None


@dataclass
class LogRecorded(Message):
    """A log line from the engine or a plugin."""

    line: LogLine
