"""The contracts plugins implement: Source, Normaliser, Scorer and Sink."""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol

from .options import Option
from .records import Annotations, Mention, RawItem, Reject, utcnow


class Clock(Protocol):
    """Time as the runtime sees it; tests inject a fake one so nothing sleeps."""

    def now(self) -> datetime:
        """The current aware UTC time."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (cancellable)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return utcnow()

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        import asyncio

        await asyncio.sleep(seconds)


@dataclass(slots=True)
class ComponentContext:
    """The narrow view of the engine a component gets: its own config slice and tools.

    ``options`` holds the validated options (defaults filled in), ``secrets`` the
    values of secret options read from the environment, ``data_dir`` a folder the
    component may keep files in, and ``topics`` the configured topics (what the user listens for).
    """

    name: str
    options: dict[str, Any]
    logger: logging.Logger
    secrets: dict[str, str] = field(default_factory=dict)
    data_dir: Path = Path(".")
    clock: Clock = field(default_factory=SystemClock)
    topics: tuple[Topic, ...] = ()


@dataclass(frozen=True, slots=True)
class Topic:
    """A configured topic: a unique name and its query."""

    name: str
    query: str


@dataclass(slots=True)
class FetchResult:
    """What one :meth:`Source.fetch` call produced.

    ``cursor`` is where the next fetch should resume once these items are
    stored (``None`` keeps the previous cursor). ``more`` asks the runtime to
    fetch again at once instead of waiting the poll interval. ``rejects`` are
    items the source itself could not parse (bad JSON lines, ...). ``warning``
    reports a partial problem (one feed of several gone) as the health reason
    while the source itself stays ``ok``.
    """

    items: list[RawItem] = field(default_factory=list)
    cursor: str | None = None
    more: bool = False
    rejects: list[Reject] = field(default_factory=list)
    warning: str = ""


class Source(ABC):
    """Fetches raw items from one platform, resuming from a cursor.

    Class attributes: ``type`` is the name users write in ``[[sources]] type``;
    ``options`` declares the accepted config keys; ``default_interval`` is the
    polite poll interval in seconds. The runtime owns polling, backoff and
    health: ``fetch`` just fetches once and raises on trouble.
    """

    type: ClassVar[str]
    options: ClassVar[Sequence[Option]] = ()
    default_interval: ClassVar[float] = 300.0
    description: ClassVar[str] = ""

    def __init__(self, context: ComponentContext) -> None:
        self.context = context

    @property
    def name(self) -> str:
        """The configured name of this source (unique within a config)."""
        return self.context.name

    @abstractmethod
    async def fetch(self, cursor: str | None) -> FetchResult:
        """Fetch the items after ``cursor`` (``None`` on the very first run).

        Args:
            cursor: the cursor of the last batch that was stored, or ``None``.
        Returns:
            The new items, the cursor to resume after them, and whether more wait.
        Raises:
            RateLimited: the platform asked to slow down (set ``retry_after``).
            AuthFailed: credentials are missing or refused.
            Gone: the resource is permanently gone; the runtime stops polling it.
            SourceError: any other failure; the runtime backs off and retries.
        """

    async def aclose(self) -> None:  # noqa: B027 - optional hook with a safe default
        """Release connections; called once when the engine stops."""


class Normaliser(ABC):
    """Turns the raw payload of one platform into a :class:`Mention`.

    ``platform`` is the ``RawItem.platform`` this normaliser reads. Normalisers
    are stateless and fast: they run for every item on the event loop.
    """

    platform: ClassVar[str]

    @abstractmethod
    def normalise(self, item: RawItem) -> Mention:
        """Map ``item`` to a mention.

        Raises:
            MalformedItem: the payload lacks a field or has a wrong type; the item is
                counted as rejected and the items around it go on.
        """


class Scorer(ABC):
    """Annotates batches of mentions (topics, language, sentiment, priority, ...).

    ``name`` is the key of its ``[scorers.<name>]`` config table; scorers run in
    ascending ``order`` (topic matching first, so unmatched mentions can be dropped
    before expensive scoring). ``score`` runs in a worker thread, so it may block.
    """

    name: ClassVar[str]
    order: ClassVar[int] = 50
    options: ClassVar[Sequence[Option]] = ()
    description: ClassVar[str] = ""

    def __init__(self, context: ComponentContext) -> None:
        self.context = context

    @abstractmethod
    def score(self, batch: Sequence[Mention]) -> Sequence[Annotations | None]:
        """Annotate a batch.

        Args:
            batch: mentions, already normalised and annotated by earlier scorers.
        Returns:
            One :class:`Annotations` (or ``None`` for nothing to add) per mention,
            in the same order.
        Raises:
            Exception: any; the runtime logs it, counts it, skips this scorer for the
                batch and backs it off. The batch goes on without its annotations.
        """

    #: True when mentions may be stored and shown before this scorer has annotated
    #: them: while :meth:`prepare` runs, the runtime passes batches on without this
    #: scorer and fills its annotations in once it is ready. False (the default)
    #: makes the pipeline wait for :meth:`prepare`, as a topic filter must.
    deferrable: ClassVar[bool] = False

    def prepare(self) -> None:  # noqa: B027 - optional hook with a safe default
        """Load what scoring needs (a model) before the first batch.

        Called once, in a background thread, when the engine starts. Raising is
        allowed: the error is logged and shown in health, and :meth:`score` is
        called anyway (it may try again or raise in turn).
        """

    def status(self) -> str:
        """A few words on this scorer's own state for status lines (``"ready"``).

        Called from the scoring thread after each batch; empty says nothing.
        """
        return ""

    def close(self) -> None:  # noqa: B027 - optional hook with a safe default
        """Release models or files; called once when the engine stops."""


class Sink(ABC):
    """Receives copies of the batches the engine committed to its store: files, webhooks,
    message brokers, the terminal.

    ``type`` is the name users write in ``[[sinks]] type``. Methods are called
    from one dedicated thread per sink, in order, so they may block.
    """

    type: ClassVar[str]
    options: ClassVar[Sequence[Option]] = ()
    description: ClassVar[str] = ""
    #: True when the sink wants mentions at once, before deferrable scorers (a
    #: sentiment model still loading) have annotated them; it then receives them
    #: again, complete, through :meth:`update`. False (the default) holds such
    #: mentions back for this sink until they are complete, so it sees each once.
    accepts_pending: ClassVar[bool] = False

    def __init__(self, context: ComponentContext) -> None:
        self.context = context

    @property
    def name(self) -> str:
        """The configured name of this sink."""
        return self.context.name

    @abstractmethod
    def write(self, batch: Sequence[Mention]) -> None:
        """Write a batch of mentions the store has committed.

        Raises:
            Gone: the destination is gone for good (a closed pipe); the sink gets
                nothing more.
            Exception: any other; the runtime retries the batch with backoff, then
                drops it for this sink only, counted in its health.
        """

    def update(self, batch: Sequence[Mention]) -> None:
        """Receive again, complete, mentions written earlier while still pending.

        Called only on sinks with ``accepts_pending = True``. The default writes
        them again (consumers keep the last record per ``id``). Raises like
        :meth:`write`.
        """
        self.write(batch)

    def flush(self) -> None:  # noqa: B027 - optional hook with a safe default
        """Push buffered data out; called when the pipeline is idle and before close."""

    def close(self) -> None:  # noqa: B027 - optional hook with a safe default
        """Flush and release resources; called once when the engine stops."""


def describe_options(options: Sequence[Option]) -> list[Mapping[str, Any]]:
    """Options as plain dicts, for ``ecoute plugins --json`` and docs."""
    return [
        {
            "name": o.name,
            "type": o.type.__name__,
            "default": o.default,
            "required": o.required,
            "secret": o.secret,
            "help": o.help,
        }
        for o in options
    ]
