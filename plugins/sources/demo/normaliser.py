"""The normaliser of demo payloads (``RawItem.platform == "demo"``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ecoute.engine import Author, MalformedItem, Mention, Normaliser, RawItem

from ..fields import in_utc


class DemoNormaliser(Normaliser):
    """Maps demo payloads (``RawItem.platform == "demo"``) to mentions."""

    platform = "demo"

    def normalise(self, item: RawItem) -> Mention:
        """One demo payload as a mention; ``MalformedItem`` names the bad field."""
        payload = item.payload
        if not isinstance(payload, dict):
            raise MalformedItem(f"demo payload must be an object, got {type(payload).__name__}")
        network = _text(payload, "network")
        post_id = _text(payload, "post_id")
        user = payload.get("user")
        if not isinstance(user, dict):
            raise _bad("user", "an object", user)
        followers = user.get("followers")
        if followers is not None and (type(followers) is not int):
            raise _bad("user.followers", "an integer", followers)
        stats = payload.get("stats") or {}
        if not isinstance(stats, dict):
            raise _bad("stats", "an object", stats)
        for key, value in stats.items():
            if type(value) is not int:
                raise _bad(f"stats.{key}", "an integer", value)
        in_reply_to = _optional_text(payload, "in_reply_to")
        return Mention(
            id=f"{network}:{post_id}",
            platform=network,
            text=_text(payload, "body", allow_empty=True),
            created_at=_time(payload, "posted_at"),
            author=Author(
                handle=_text(user, "handle", "user."),
                name=_optional_text(user, "display_name", "user."),
                followers=followers,
                url=_optional_text(user, "profile", "user.") or None,
            ),
            source=item.source,
            url=_optional_text(payload, "link"),
            title=_optional_text(payload, "headline"),
            lang=_optional_text(payload, "lang"),
            likes=stats.get("likes"),
            shares=stats.get("shares"),
            replies=stats.get("replies"),
            views=stats.get("views"),
            parent_id=f"{network}:{in_reply_to}" if in_reply_to else None,
            raw=payload,
        )


def _bad(field: str, expected: str, value: Any) -> MalformedItem:
    if value is None:
        return MalformedItem(f"missing field '{field}'")
    return MalformedItem(
        f"field '{field}' must be {expected}, got {type(value).__name__} {value!r:.60}"
    )


def _text(data: dict[str, Any], key: str, prefix: str = "", *, allow_empty: bool = False) -> str:
    value = data.get(key)
    if type(value) is not str or (not value and not allow_empty):
        raise _bad(prefix + key, "a string", value or None)
    return value


def _optional_text(data: dict[str, Any], key: str, prefix: str = "") -> str | None:
    value = data.get(key)
    if value is not None and type(value) is not str:
        raise _bad(prefix + key, "a string", value)
    return value


def _time(data: dict[str, Any], key: str) -> datetime:
    value = data.get(key)
    if type(value) is not str:
        raise _bad(key, "an ISO 8601 time", value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise MalformedItem(f"field '{key}' is not an ISO 8601 time: {value!r:.60}") from None
    return in_utc(moment, key)
