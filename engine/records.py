"""Records that flow through the pipeline: raw items, mentions and their annotations."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

SentimentLabel = Literal["negative", "neutral", "positive"]
SENTIMENT_LABELS: tuple[SentimentLabel, ...] = ("negative", "neutral", "positive")
MatchKind = Literal["exact", "fuzzy", "phrase", "hashtag", "handle", "field", "wildcard"]
WorkflowStatus = Literal["new", "needs-reply", "handled", "ignored"]
WORKFLOW_STATUSES: tuple[WorkflowStatus, ...] = ("new", "needs-reply", "handled", "ignored")


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Return ``value`` in UTC; naive datetimes are taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def format_time(value: datetime) -> str:
    """Fixed-width ISO 8601 UTC text, so that string order is time order."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    """Parse ISO 8601 text (``Z`` or an offset, or naive meaning UTC) to aware UTC."""
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    return as_utc(datetime.fromisoformat(cleaned))


@dataclass(slots=True)
class Reject:
    """An item that could not be read: counted, logged and kept in the store for inspection.

    Sources and normalisers give ``reason`` (what was wrong, in plain words),
    ``context`` (where: a line, a URL) and ``excerpt`` (the start of the item);
    the runtime fills in ``source`` and ``platform`` when they are empty, and
    the store sets ``at`` (when it was kept) on the rejects it reads back.
    """

    reason: str
    context: str = ""
    excerpt: str = ""
    source: str = ""
    platform: str = ""
    at: datetime | None = None


@dataclass(slots=True)
class RawItem:
    """One item as a platform returned it, before normalisation.

    ``platform`` names the payload format and so the normaliser that reads it
    (``"mastodon"``, ``"demo"``, ``"mention"`` for already-normalised records);
    ``payload`` is the platform's own JSON (or text), kept verbatim in ``Mention.raw``;
    ``origin`` says where it came from (``file.jsonl:17``, a URL) for error messages.
    """

    platform: str
    payload: Any
    fetched_at: datetime = field(default_factory=utcnow)
    source: str = ""
    origin: str = ""


@dataclass(slots=True)
class Author:
    """Who wrote a mention: ``handle`` is the platform's stable user name."""

    handle: str
    name: str | None = None
    followers: int | None = None
    url: str | None = None


@dataclass(slots=True)
class TopicMatch:
    """Why a mention belongs to a topic: one query term and what it found in the text."""

    topic: str
    term: str
    found: str
    start: int
    end: int
    distance: int = 0
    kind: MatchKind = "exact"
    field: str = "text"


@dataclass(slots=True)
class Sentiment:
    """A model's sentiment for a mention; ``covered`` is False outside its languages."""

    label: SentimentLabel
    confidence: float
    model: str
    covered: bool = True


@dataclass(slots=True)
class Mention:
    """A normalised post that mentions (or may mention) something we listen for.

    ``id`` is ``"<platform>:<native id>"``, stable across fetches: the dedupe key.
    Times are aware UTC datetimes. The fields after ``raw`` are annotations set
    by scorers; workflow state (status, tags, notes, corrections) lives in the store.
    """

    id: str
    platform: str
    text: str
    created_at: datetime
    author: Author = field(default_factory=lambda: Author(handle=""))
    source: str = ""
    url: str | None = None
    title: str | None = None
    lang: str | None = None
    collected_at: datetime = field(default_factory=utcnow)
    likes: int | None = None
    shares: int | None = None
    replies: int | None = None
    views: int | None = None
    parent_id: str | None = None
    raw: Any = None
    topics: list[TopicMatch] = field(default_factory=list)
    sentiment: Sentiment | None = None
    priority: float | None = None
    reach: int | None = None
    flags: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def topic_names(self) -> list[str]:
        """Distinct topic names, in the order they were first matched."""
        return list(dict.fromkeys(match.topic for match in self.topics))

    def to_dict(self, *, include_raw: bool = True) -> dict[str, Any]:
        """A JSON-ready dict; times as ISO 8601 UTC text."""
        data = asdict(self)
        data["created_at"] = format_time(self.created_at)
        data["collected_at"] = format_time(self.collected_at)
        if not include_raw:
            data.pop("raw")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mention:
        """Build a mention from :meth:`to_dict` output; raises on missing or bad fields."""
        values = dict(data)
        for key in ("id", "platform", "text", "created_at"):
            if key not in values or values[key] in (None, ""):
                raise ValueError(f"missing field '{key}'")
        if not isinstance(values["text"], str):
            raise ValueError("field 'text' must be a string")
        values["created_at"] = _time_field(values, "created_at")
        if values.get("collected_at"):
            values["collected_at"] = _time_field(values, "collected_at")
        else:
            values.pop("collected_at", None)
        author = values.get("author") or {}
        if isinstance(author, str):
            author = {"handle": author}
        values["author"] = Author(**{"handle": "", **author})
        values["topics"] = [TopicMatch(**m) for m in values.get("topics") or []]
        if values.get("sentiment"):
            values["sentiment"] = Sentiment(**values["sentiment"])
        known = set(cls.__dataclass_fields__)
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")
        return cls(**values)


def _time_field(values: dict[str, Any], key: str) -> datetime:
    value = values[key]
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    try:
        return parse_time(str(value))
    except ValueError as exc:
        raise ValueError(f"field '{key}' is not an ISO 8601 time: {value!r}") from exc


@dataclass(slots=True)
class Annotations:
    """What one scorer says about one mention; ``None`` fields leave the mention as is.

    ``extra`` is merged into ``Mention.extra`` under the scorer's name; ``drop``
    removes the mention from the batch before later scorers and sinks see it.
    """

    topics: list[TopicMatch] | None = None
    sentiment: Sentiment | None = None
    lang: str | None = None
    priority: float | None = None
    reach: int | None = None
    flags: list[str] | None = None
    extra: dict[str, Any] | None = None
    drop: bool = False

    def apply_to(self, mention: Mention, scorer_name: str) -> None:
        """Write these annotations onto ``mention``."""
        if self.topics is not None:
            mention.topics = list(self.topics)
        if self.sentiment is not None:
            mention.sentiment = self.sentiment
        if self.lang is not None:
            mention.lang = self.lang
        if self.priority is not None:
            mention.priority = self.priority
        if self.reach is not None:
            mention.reach = self.reach
        if self.flags:
            mention.flags = list(dict.fromkeys([*mention.flags, *self.flags]))
        if self.extra:
            mention.extra[scorer_name] = self.extra
