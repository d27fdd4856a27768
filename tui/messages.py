"""The TUI's typed messages: what jobs, widgets, the engine and the app tell each other.

Store jobs post results (never touching a widget) to the node that started them,
which consumes them (they stop there); widgets post what changed; the app tells
the feed screen about the engine. Messages the app posts to the screen do not
bubble (they would come back to the app); burst messages collapse (``can_replace``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from textual.message import Message

from ecoute.engine.health import Health
from ecoute.engine.store import PageKey, SavedView, StoredMention

from .filters import FeedFilters
from .logbridge import LogLine
from .widgets.feed.rows import FeedRow

# -- store job results ----------------------------------------------------------------------


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
    latest_seq: int = 0


@dataclass
class LiveRows(Message):
    """Mentions stored since the last poll that match the filters, newest first.

    ``overflow`` says more arrived than were read: the top of the feed must be reloaded.
    A failed poll posts this too, empty, so that the next one may start.
    """

    generation: int
    rows: list[FeedRow]
    latest_seq: int
    overflow: bool = False


@dataclass
class RowsRead(Message):
    """Rows of the feed read again as they are now (a scorer has filled them in)."""

    generation: int
    rows: list[FeedRow]


@dataclass
class CountLoaded(Message):
    """How many mentions match the filters of ``generation``."""

    generation: int
    count: int


@dataclass
class DetailLoaded(Message):
    """The selected mention in full (``None``: it is no longer in the store)."""

    mention_id: str
    stored: StoredMention | None


@dataclass
class StatsLoaded(Message):
    """Every component's health and the mentions stored per minute lately."""

    health: list[Health]
    per_minute: float

    def can_replace(self, message: Message) -> bool:
        """A newer reading covers a queued older one."""
        return isinstance(message, StatsLoaded)


@dataclass
class ChoicesLoaded(Message):
    """Values the store holds for the filter pickers; ``then_pick`` opens that picker."""

    platforms: list[str]
    topics: list[str]
    langs: list[str]
    then_pick: str | None = None


@dataclass
class ViewsLoaded(Message):
    """The saved views; ``done`` says what changed them (empty: a plain read)."""

    views: list[SavedView] = field(default_factory=list)
    done: str = ""


@dataclass
class ActionDone(Message):
    """A workflow action was saved; ``stored`` is the mention as it is now."""

    mention_id: str
    done: str
    stored: StoredMention | None


@dataclass
class RetryRequested(Message):
    """The engine was asked, through the store, to retry these components now."""

    components: list[str]


@dataclass
class StoreFailed(Message):
    """A store read or write failed; the app shows it as a notification."""

    what: str
    error: str


# -- widgets to the screen ------------------------------------------------------------------


@dataclass
class FiltersChanged(Message):
    """The filters in force changed (posted by the filter bar, their one owner)."""

    filters: FeedFilters


@dataclass
class FeedShown(Message):
    """The first page of new filters is on screen (tests and the benchmark wait for it)."""

    generation: int
    rows: int


@dataclass
class FeedCounted(Message):
    """How many rows the feed holds, and how many match (``None``: still counting)."""

    shown: int
    total: int | None

    def can_replace(self, message: Message) -> bool:
        """Only the latest counts matter."""
        return isinstance(message, FeedCounted)


@dataclass
class LivePaused(Message):
    """The live stream was paused (``paused``) or resumed."""

    paused: bool


@dataclass
class OpenLink(Message):
    """Open a checked web link in the browser (the app knows how)."""

    url: str


# -- the app and the engine -------------------------------------------------------------------


class EngineCommitted(Message, bubble=False):
    """The in-process engine committed a batch: poll for new mentions now.

    Posted from the engine's thread to the feed screen. Bursts collapse: a
    queued one replaces the one before it.
    """

    def can_replace(self, message: Message) -> bool:
        """Any earlier queued commit notice is covered by this one."""
        return isinstance(message, EngineCommitted)


EngineState = Literal["running", "stopping", "stopped"]


@dataclass
class EngineChanged(Message, bubble=False):
    """The app tells the feed screen what the in-process engine is doing now."""

    state: EngineState


@dataclass
class EngineStopped(Message):
    """The in-process engine returned (``error`` when it failed)."""

    stored: int
    error: str | None = None


@dataclass
class LogRecorded(Message):
    """A log line from the engine or a plugin."""

    line: LogLine
