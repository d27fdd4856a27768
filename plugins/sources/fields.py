"""Typed reads of platform payload fields: a wrong type is a ``MalformedItem``, never a crash."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ecoute.engine import MalformedItem


def as_object(payload: Any, what: str) -> Mapping[str, Any]:
    """``payload`` if it is a JSON object."""
    if not isinstance(payload, Mapping):
        raise MalformedItem(f"{what} must be a JSON object, got {type(payload).__name__}")
    return payload


def opt_str(data: Mapping[str, Any], key: str) -> str | None:
    """A string field that may be missing or null."""
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    raise MalformedItem(f"field '{key}' must be a string, got {type(value).__name__}")


def req_str(data: Mapping[str, Any], key: str) -> str:
    """A string field that must be there and not empty."""
    value = opt_str(data, key)
    if not value:
        raise MalformedItem(f"field '{key}' is missing")
    return value


def opt_int(data: Mapping[str, Any], key: str) -> int | None:
    """A count that may be missing or null (never negative, never a boolean)."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedItem(f"field '{key}' must be an integer, got {type(value).__name__}")
    if value < 0:
        raise MalformedItem(f"field '{key}' must not be negative, got {value}")
    return value


def iso_time(data: Mapping[str, Any], key: str) -> datetime:
    """A required ISO 8601 time field, as aware UTC."""
    text = req_str(data, key)
    value = parse_iso(text)
    if value is None:
        raise MalformedItem(f"field '{key}' is not an ISO 8601 time: {text[:40]!r}")
    return in_utc(value, key)


def parse_iso(text: str) -> datetime | None:
    """``text`` read as an ISO 8601 time (``Z`` for UTC), or ``None`` when it is not one."""
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def in_utc(value: datetime, key: str) -> datetime:
    """``value`` as aware UTC (naive times are UTC); out of range is a ``MalformedItem``."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError):  # year 9999 at UTC-5 is past year 9999 in UTC
        raise MalformedItem(f"field '{key}' {value.isoformat()} is out of range") from None


def epoch_time(data: Mapping[str, Any], key: str) -> datetime:
    """A required time in epoch seconds, as aware UTC."""
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedItem(f"field '{key}' must be epoch seconds, got {type(value).__name__}")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise MalformedItem(f"field '{key}' {value!r} is out of range") from None


def kind(value: Any) -> str:
    """What a JSON value is, in words, without showing it: "a list", "a number", ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"
