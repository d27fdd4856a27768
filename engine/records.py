"""Records that flow through the pipeline: raw items, mentions and their annotations."""

from __future__ import annotations

import re
import reprlib
from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

SentimentLabel = Literal["negative", "neutral", "positive"]
SENTIMENT_LABELS: tuple[SentimentLabel, ...] = ("negative", "neutral", "positive")
MatchKind = Literal["exact", "fuzzy", "phrase", "hashtag", "handle", "field", "wildcard"]
WorkflowStatus = Literal["new", "needs-reply", "handled", "ignored"]
WORKFLOW_STATUSES: tuple[WorkflowStatus, ...] = ("new", "needs-reply", "handled", "ignored")


_R = TypeVar("_R")


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
    def from_dict(cls, data: Mapping[str, Any]) -> Mention:
        """Build a mention from :meth:`to_dict` output.

        Checks the shape only (required fields present, objects where objects are
        expected); the pipeline's validation judges the values.

        Raises:
            ValueError: a field is missing, unknown or of the wrong shape; the
                message names it in plain words.
        """
        if not isinstance(data, Mapping):
            raise ValueError(f"a mention must be an object, not {_kind(data)}")
        values = dict(data)
        unknown = [str(key) for key in values if key not in _MENTION_FIELDS]
        if unknown:
            raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")
        for key in ("id", "platform", "text", "created_at"):
            if key not in values or _is_blank(values[key]):
                raise ValueError(f"missing field '{key}'")
        if not isinstance(values["text"], str):
            raise ValueError(f"field 'text' must be a string, not {_kind(values['text'])}")
        values["created_at"] = _time_field(values, "created_at")
        if _is_blank(values.get("collected_at")):
            values.pop("collected_at", None)
        else:
            values["collected_at"] = _time_field(values, "collected_at")
        values["author"] = _author_field(values.get("author"))
        values["topics"] = _topics_field(values.get("topics"))
        sentiment = values.get("sentiment")
        values["sentiment"] = (
            None if _is_blank(sentiment) else _record(Sentiment, sentiment, "sentiment")
        )
        for key in ("flags", "extra"):
            if values.get(key) is None:
                values.pop(key, None)
        if isinstance(values.get("flags"), str):
            values["flags"] = [values["flags"]]  # one flag, not one per character
        return cls(**values)


_MENTION_FIELDS = frozenset(Mention.__dataclass_fields__)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str | dict | list) and not value)


def _kind(value: Any) -> str:
    """What a value is, in words, without printing it (it may be huge or deep)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    for kind, words in ((int, "a number"), (float, "a number"), (str, "a string")):
        if isinstance(value, kind):
            return words
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


def _excerpt(value: Any, limit: int = 60) -> str:
    text = value if isinstance(value, str) else reprlib.repr(value)
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


def _record(cls: type[_R], value: Any, where: str) -> _R:
    """A record (Author, TopicMatch, Sentiment) from a mapping of its fields."""
    if isinstance(value, cls):
        return value
    if not isinstance(value, Mapping):
        raise ValueError(f"field '{where}' must be an object, not {_kind(value)}")
    known = cls.__dataclass_fields__  # type: ignore[attr-defined]
    unknown = [str(key) for key in value if key not in known]
    if unknown:
        raise ValueError(f"field '{where}' has unknown field(s): {', '.join(sorted(unknown))}")
    missing = [
        name
        for name, spec in known.items()
        if name not in value and spec.default is MISSING and spec.default_factory is MISSING
    ]
    if missing:
        raise ValueError(f"field '{where}' lacks {', '.join(missing)}")
    return cls(**value)


def _author_field(value: Any) -> Author:
    if _is_blank(value):
        return Author(handle="")
    if isinstance(value, str):
        return Author(handle=value)
    if isinstance(value, Mapping) and "handle" not in value:
        value = {**value, "handle": ""}
    if not isinstance(value, Mapping | Author):
        raise ValueError(f"field 'author' must be an object or a handle, not {_kind(value)}")
    return _record(Author, value, "author")


def _topics_field(value: Any) -> list[TopicMatch]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise ValueError(f"field 'topics' must be a list of objects, not {_kind(value)}")
    return [_record(TopicMatch, match, f"topics[{i}]") for i, match in enumerate(value)]


_BIG_YEAR = re.compile(r"\s*[+-]?0*(\d{5,})-")


def _time_field(values: dict[str, Any], key: str) -> datetime:
    value = values[key]
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"field '{key}' timestamp {value!r} is out of range") from None
    if not isinstance(value, str | datetime):
        raise ValueError(f"field '{key}' must be an ISO 8601 time, not {_kind(value)}")
    try:
        return as_utc(value) if isinstance(value, datetime) else parse_time(value)
    except OverflowError:
        raise ValueError(f"field '{key}' is out of range: {_excerpt(value)}") from None
    except ValueError:
        big = _BIG_YEAR.match(value) if isinstance(value, str) else None
        if big:
            raise ValueError(f"field '{key}' year {big.group(1)} is out of range") from None
        raise ValueError(f"field '{key}' is not an ISO 8601 time: {_excerpt(value)}") from None


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
            mention.topics = _as_list(self.topics)
        if self.sentiment is not None:
            mention.sentiment = self.sentiment
        if self.lang is not None:
            mention.lang = self.lang
        if self.priority is not None:
            mention.priority = self.priority
        if self.reach is not None:
            mention.reach = self.reach
        if self.flags:
            # A lone string is one flag: list("bot") would make three. Odd values are
            # kept as they are; the check before the store refuses them.
            added, current = _as_list(self.flags), _as_list(mention.flags)
            try:
                mention.flags = list(dict.fromkeys([*current, *added]))
            except TypeError:
                mention.flags = [*current, *added]
        if self.extra:
            mention.extra[scorer_name] = self.extra


def _as_list(value: Any) -> list[Any]:
    """``value``'s items, or ``[value]`` for a string, a mapping or a non-iterable."""
    if isinstance(value, str | bytes | Mapping):
        return [value]
    try:
        return list(value)
    except TypeError:
        return [value]
