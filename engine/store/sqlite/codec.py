"""Converting mentions, topic matches and health records to table rows and back."""

from __future__ import annotations

import json
import logging
import math
import re
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, get_args

import msgspec

from ...health import Health
from ...jsondepth import nested_deeper_than
from ...records import (
    SENTIMENT_LABELS,
    Author,
    MatchKind,
    Mention,
    Sentiment,
    TopicMatch,
    format_time,
    parse_time,
)

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


# Writing JSON with msgspec: several times faster than the json module on raw
# payloads; NaN and infinities become null; other objects are written as str().
_ENCODER = msgspec.json.Encoder(enc_hook=str)
# Validation (engine/runtime/validation.py) lets nothing deeper than this be
# written; readers degrade anything deeper rather than recurse into it.
MAX_JSON_DEPTH = 64
DAMAGED_FLAG = "damaged"
_MAX_WARNED = 10_000
_SURROGATES = re.compile("[\ud800-\udfff]")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

log = logging.getLogger("ecoute.store")
_warned: set[str] = set()


def dump_json(value: Any) -> str:
    """Compact JSON text; values JSON cannot hold as their ``str()``, NaN as ``null``."""
    try:
        return _ENCODER.encode(value).decode()
    except UnicodeEncodeError:
        return _ENCODER.encode(scrub_text(value)).decode()


def store_time(value: datetime) -> str:
    """Same text as :func:`~ecoute.engine.records.format_time`, faster for UTC datetimes."""
    if value.tzinfo is not UTC:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")[:26] + "Z"


def _flags_json(flags: Any) -> str:
    if not flags:
        return "[]"
    if isinstance(flags, str):
        return dump_json([flags])  # one flag, never one per character
    if not isinstance(flags, list | tuple):
        raise ValueError(f"flags must be a list of strings, not {type(flags).__name__}")
    return dump_json(flags)


def _extra_json(extra: Any) -> str:
    if not extra:
        return "{}"
    if not isinstance(extra, dict):
        raise ValueError(f"extra must be a JSON object, not {type(extra).__name__}")
    return dump_json(extra)


def mention_params(m: Mention) -> tuple[Any, ...]:
    """The values of ``m`` in :data:`MENTION_COLUMNS` order.

    Raises:
        ValueError, TypeError, OverflowError: a value the columns cannot hold.
    """
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
        _flags_json(m.flags),
        _topics_json(m.topics),
        _extra_json(m.extra),
        None if m.raw is None else dump_json(m.raw),
    )


def _topics_json(topics: Sequence[TopicMatch]) -> str:
    if not topics:
        return "[]"
    names = [match.topic for match in topics]
    if any(type(name) is not str for name in names):
        raise ValueError("topics[].topic must be a string")
    return dump_json(list(dict.fromkeys(names)) if len(names) > 1 else names)


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


# -- reading: every stored row reads back, a damaged field as a safe default ----------


def row_to_mention(
    row: sqlite3.Row, topics: Sequence[TopicMatch], damaged: Sequence[str] = ()
) -> Mention:
    """Rebuild a :class:`Mention` from a ``mentions`` row and its topic matches.

    A field the row holds in a shape ecoute never writes (wrong type, invalid or
    too deep JSON, an unreadable time, undecodable text) reads as a safe default;
    the mention then gets the flag ``"damaged"`` and ``extra["ecoute"]["damaged"]``
    lists the fields (with those in ``damaged``, found by the caller), and a
    warning is logged once per mention id.
    """
    bad: list[str] = list(damaged)
    created = _time(row["created_at"], "created_at", bad)
    collected = _time(row["collected_at"], "collected_at", bad)
    mention = Mention(
        id=_text(row["id"], "id", bad),
        platform=_text(row["platform"], "platform", bad),
        text=_text(row["text"], "text", bad),
        created_at=created or collected or _EPOCH,
        author=Author(
            handle=_text(row["author"], "author", bad),
            name=_optional_text(row["author_name"], "author_name", bad),
            followers=_count(row["author_followers"], "author_followers", bad),
            url=_optional_text(row["author_url"], "author_url", bad),
        ),
        source=_text(row["source"], "source", bad),
        url=_optional_text(row["url"], "url", bad),
        title=_optional_text(row["title"], "title", bad),
        lang=_optional_text(row["lang"], "lang", bad),
        collected_at=collected or created or _EPOCH,
        likes=_count(row["likes"], "likes", bad),
        shares=_count(row["shares"], "shares", bad),
        replies=_count(row["replies"], "replies", bad),
        views=_count(row["views"], "views", bad),
        parent_id=_optional_text(row["parent_id"], "parent_id", bad),
        raw=_json(row["raw"], "raw", bad, None, object),
        topics=list(topics),
        sentiment=_sentiment(row, bad),
        priority=_priority(row["priority"], bad),
        reach=_count(row["reach"], "reach", bad),
        flags=_flags(row["flags"], bad),
        extra=_json(row["extra"], "extra", bad, {}, dict),
    )
    if bad:
        mark_damaged(mention, bad)
    return mention


def mark_damaged(mention: Mention, fields: Sequence[str]) -> None:
    """Flag ``mention`` as read with ``fields`` degraded, and warn once per mention id."""
    names = sorted(set(fields))
    if DAMAGED_FLAG not in mention.flags:
        mention.flags = [*mention.flags, DAMAGED_FLAG]
    own = mention.extra.get("ecoute")
    mention.extra = {**mention.extra, "ecoute": {**(own if isinstance(own, dict) else {})}}
    mention.extra["ecoute"]["damaged"] = names
    if mention.id in _warned or len(_warned) >= _MAX_WARNED:
        return
    _warned.add(mention.id)
    log.warning(
        "stored mention %s has damaged field(s) %s; shown with safe defaults%s",
        mention.id,
        ", ".join(names),
        "" if len(_warned) < _MAX_WARNED else " (no more damaged mentions will be logged)",
    )


def _scrubbed(value: str, name: str, bad: list[str]) -> str:
    if value.isascii() or _SURROGATES.search(value) is None:
        return value
    bad.append(name)
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        data = value.encode("utf-8", "replace")
    return data.decode("utf-8", "replace")


def _text(value: Any, name: str, bad: list[str]) -> str:
    if type(value) is str:
        return _scrubbed(value, name, bad)
    bad.append(name)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _optional_text(value: Any, name: str, bad: list[str]) -> str | None:
    return None if value is None else _text(value, name, bad)


def _count(value: Any, name: str, bad: list[str]) -> int | None:
    if value is None or (type(value) is int and value >= 0):
        return value
    bad.append(name)
    return None


def _priority(value: Any, bad: list[str]) -> float | None:
    if value is None or (type(value) in (float, int) and math.isfinite(value)):
        return value
    bad.append("priority")
    return None


def _time(value: Any, name: str, bad: list[str]) -> datetime | None:
    if type(value) is str:
        try:
            return parse_time(value)
        except (ValueError, OverflowError):
            pass
    bad.append(name)
    return None


def _sentiment(row: sqlite3.Row, bad: list[str]) -> Sentiment | None:
    label = row["sentiment"]
    if label is None:
        return None
    if label not in SENTIMENT_LABELS:
        bad.append("sentiment")
        return None
    confidence = row["sentiment_confidence"]
    if confidence is None:
        confidence = 0.0
    elif type(confidence) not in (float, int) or not 0.0 <= confidence <= 1.0:
        bad.append("sentiment_confidence")
        confidence = 0.0
    covered = row["sentiment_covered"]
    return Sentiment(
        label=label,
        confidence=float(confidence),
        model=_text(row["sentiment_model"] or "", "sentiment_model", bad),
        covered=True if covered is None else bool(covered),
    )


def _flags(value: Any, bad: list[str]) -> list[str]:
    if value == "[]" or value is None:
        return []
    decoded = _json(value, "flags", bad, [], object)
    if isinstance(decoded, str):
        bad.append("flags")
        return [decoded]  # one flag, never one per character
    if not isinstance(decoded, list):
        bad.append("flags")
        return []
    flags = [flag for flag in decoded if type(flag) is str]
    if len(flags) != len(decoded):
        bad.append("flags")
    return flags


def _json(value: Any, name: str, bad: list[str], default: Any, kind: type) -> Any:
    """Decoded JSON of type ``kind``, at most :data:`MAX_JSON_DEPTH` deep, else ``default``."""
    if value is None:
        return default
    if value == "{}" and kind is dict:
        return {}
    if type(value) is not str:
        bad.append(name)
        return default
    value = _scrubbed(value, name, bad)
    try:
        decoded = msgspec.json.decode(value)
    except msgspec.DecodeError:
        try:
            decoded = json.loads(value)  # older rows may hold NaN, which msgspec refuses
        except (ValueError, RecursionError):
            bad.append(name)
            return default
    except RecursionError:
        bad.append(name)
        return default
    if not isinstance(decoded, kind):
        bad.append(name)
        return default
    if nested_deeper_than(decoded, MAX_JSON_DEPTH, value):
        bad.append(name)
        return default
    return decoded


def row_to_topic(row: sqlite3.Row, bad: list[str] | None = None) -> TopicMatch:
    """Rebuild a :class:`TopicMatch` from a ``mention_topics`` row.

    Values of the wrong type read as safe defaults; ``"topics"`` is then added
    to ``bad`` (when given).
    """
    found: list[str] = []
    kind = row["kind"]
    if kind not in _MATCH_KINDS:
        found.append("topics")
        kind = "exact"
    match = TopicMatch(
        topic=_text(row["topic"], "topics", found),
        term=_text(row["term"], "topics", found),
        found=_text(row["found"], "topics", found),
        start=_count(row["start"], "topics", found) or 0,
        end=_count(row["end"], "topics", found) or 0,
        distance=_count(row["distance"], "topics", found) or 0,
        kind=kind,
        field=_text(row["field"], "topics", found),
    )
    if found and bad is not None:
        bad.append("topics")
    return match


_MATCH_KINDS = frozenset(get_args(MatchKind))


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
    """Replace lone surrogates (which SQLite cannot store) in strings, recursively.

    Goes into tuples, lists and dicts (keys too), so that JSON values are scrubbed.
    """
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, tuple):
        return tuple(scrub_text(v) for v in value)
    if isinstance(value, list):
        return [scrub_text(v) for v in value]
    if isinstance(value, dict):
        return {scrub_text(k): scrub_text(v) for k, v in value.items()}
    return value
