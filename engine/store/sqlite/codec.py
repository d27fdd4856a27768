"""Converting mentions, topic matches and health records to table rows and back."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ...health import Health
from ...records import Author, Mention, Sentiment, TopicMatch, format_time, parse_time

# The insert order of `mentions` columns (all but `seq`); `writer` binds in this order.
MENTION_COLUMNS: tuple[str, ...] = (
    "id",
    "platform",
    "source",
    "url",
    "author",
    "author_name",
    "author_followers",
    "author_url",
    "text",
    "title",
    "lang",
    "created_at",
    "collected_at",
    "likes",
    "shares",
    "replies",
    "views",
    "parent_id",
    "sentiment",
    "sentiment_confidence",
    "sentiment_model",
    "sentiment_covered",
    "priority",
    "reach",
    "flags",
    "topics",
    "extra",
    "raw",
)
TOPIC_COLUMNS: tuple[str, ...] = (
    "topic",
    "term",
    "found",
    "start",
    "end",
    "distance",
    "kind",
    "field",
)
HEALTH_COLUMNS: tuple[str, ...] = (
    "component",
    "kind",
    "state",
    "reason",
    "last_ok",
    "last_error",
    "errors",
    "items",
    "rejects",
    "next_attempt",
    "updated_at",
    "detail",
    "pending",
)


_ENCODE = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), default=str, check_circular=False
).encode


def dump_json(value: Any) -> str:
    """Compact JSON text; values JSON cannot hold are written as their ``str()``."""
    return _ENCODE(value)


def store_time(value: datetime) -> str:
    """Same text as :func:`~ecoute.engine.records.format_time`, faster for UTC datetimes."""
    if value.tzinfo is not UTC:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")[:26] + "Z"


def mention_params(m: Mention) -> tuple[Any, ...]:
    """The values of ``m`` in :data:`MENTION_COLUMNS` order."""
    s = m.sentiment
    return (
        m.id,
        m.platform,
        m.source,
        m.url,
        m.author.handle,
        m.author.name,
        m.author.followers,
        m.author.url,
        m.text,
        m.title,
        m.lang,
        store_time(m.created_at),
        store_time(m.collected_at),
        m.likes,
        m.shares,
        m.replies,
        m.views,
        m.parent_id,
        s.label if s else None,
        s.confidence if s else None,
        s.model if s else None,
        (1 if s.covered else 0) if s else None,
        m.priority,
        m.reach,
        _ENCODE(m.flags) if m.flags else "[]",
        _ENCODE(m.topic_names) if m.topics else "[]",
        _ENCODE(m.extra) if m.extra else "{}",
        None if m.raw is None else _ENCODE(m.raw),
    )


def topic_params(match: TopicMatch) -> tuple[Any, ...]:
    """The values of ``match`` in :data:`TOPIC_COLUMNS` order."""
    return (
        match.topic,
        match.term,
        match.found,
        match.start,
        match.end,
        match.distance,
        match.kind,
        match.field,
    )


def row_to_mention(row: sqlite3.Row, topics: Sequence[TopicMatch]) -> Mention:
    """Rebuild a :class:`Mention` from a ``mentions`` row and its topic matches."""
    sentiment = None
    if row["sentiment"] is not None:
        sentiment = Sentiment(
            label=row["sentiment"],
            confidence=row["sentiment_confidence"] or 0.0,
            model=row["sentiment_model"] or "",
            covered=bool(row["sentiment_covered"])
            if row["sentiment_covered"] is not None
            else True,
        )
    return Mention(
        id=row["id"],
        platform=row["platform"],
        text=row["text"],
        created_at=parse_time(row["created_at"]),
        author=Author(
            handle=row["author"],
            name=row["author_name"],
            followers=row["author_followers"],
            url=row["author_url"],
        ),
        source=row["source"],
        url=row["url"],
        title=row["title"],
        lang=row["lang"],
        collected_at=parse_time(row["collected_at"]),
        likes=row["likes"],
        shares=row["shares"],
        replies=row["replies"],
        views=row["views"],
        parent_id=row["parent_id"],
        raw=None if row["raw"] is None else json.loads(row["raw"]),
        topics=list(topics),
        sentiment=sentiment,
        priority=row["priority"],
        reach=row["reach"],
        flags=list(json.loads(row["flags"] or "[]")),
        extra=dict(json.loads(row["extra"] or "{}")),
    )


def row_to_topic(row: sqlite3.Row) -> TopicMatch:
    """Rebuild a :class:`TopicMatch` from a ``mention_topics`` row."""
    return TopicMatch(
        topic=row["topic"],
        term=row["term"],
        found=row["found"],
        start=row["start"],
        end=row["end"],
        distance=row["distance"],
        kind=row["kind"],
        field=row["field"],
    )


def _time_or_none(value: datetime | None) -> str | None:
    return None if value is None else format_time(value)


def _parse_or_none(value: str | None) -> datetime | None:
    return None if value is None else parse_time(value)


def health_params(h: Health) -> tuple[Any, ...]:
    """The values of ``h`` in :data:`HEALTH_COLUMNS` order."""
    return (
        h.component,
        h.kind,
        h.state,
        h.reason,
        _time_or_none(h.last_ok),
        _time_or_none(h.last_error),
        h.errors,
        h.items,
        h.rejects,
        _time_or_none(h.next_attempt),
        format_time(h.updated_at),
        h.detail,
        h.pending,
    )


def row_to_health(row: sqlite3.Row) -> Health:
    """Rebuild a :class:`Health` from a ``health`` row."""
    return Health(
        component=row["component"],
        kind=row["kind"],
        state=row["state"],
        reason=row["reason"],
        last_ok=_parse_or_none(row["last_ok"]),
        last_error=_parse_or_none(row["last_error"]),
        errors=row["errors"],
        items=row["items"],
        rejects=row["rejects"],
        next_attempt=_parse_or_none(row["next_attempt"]),
        updated_at=parse_time(row["updated_at"]),
        detail=row["detail"],
        pending=row["pending"],
    )


def scrub_text(value: Any) -> Any:
    """Replace lone surrogates (which SQLite cannot store) in strings, recursively."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, tuple):
        return tuple(scrub_text(v) for v in value)
    return value
