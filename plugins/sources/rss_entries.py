"""RSS/Atom entries: feedparser's output as plain JSON payloads, and their normaliser.

The raw payload of an ``rss`` item is ``{"feed": {...}, "entry": {...}, "key": ...}``
with times as ISO 8601 UTC text, so that it is JSON, kept in ``Mention.raw`` and read
back by ``ecoute import FILE --platform rss`` without feedparser. A bare entry object
(no ``entry`` key) is read too.
"""

from __future__ import annotations

import calendar
import email.utils
import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from ecoute.engine import Author, MalformedItem, Mention, Normaliser, RawItem

from .fields import as_object, in_utc, opt_str, parse_iso

_TEXT_KEYS = ("id", "link", "title", "summary", "comments")


def _iso(parsed: Any) -> str | None:
    # feedparser gives UTC struct_time values; timegm reads them as UTC.
    if parsed is None:
        return None
    try:
        stamp = calendar.timegm(parsed)
    except (TypeError, ValueError, OverflowError):
        return None
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def entry_payload(entry: dict[str, Any], feed: Mapping[str, Any], feed_url: str) -> dict[str, Any]:
    """The JSON payload of one feedparser entry, with its dedupe key."""
    data: dict[str, Any] = {key: _str(entry.get(key)) for key in _TEXT_KEYS}
    contents = entry.get("content") or []
    first = contents[0] if contents and isinstance(contents[0], Mapping) else {}
    data["content"] = _str(first.get("value"))
    detail = entry.get("author_detail") or {}
    data["author"] = _str(detail.get("name")) or _str(entry.get("author"))
    data["author_email"] = _str(detail.get("email"))
    data["author_url"] = _str(detail.get("href"))
    data["published"] = _iso(entry.get("published_parsed")) or _str(entry.get("published"))
    # dict.get: feedparser's own get() answers "updated" with the published date (and warns).
    data["updated"] = _iso(dict.get(entry, "updated_parsed")) or _str(dict.get(entry, "updated"))
    summary_detail = entry.get("summary_detail") or {}
    data["language"] = _str(first.get("language")) or _str(summary_detail.get("language"))
    data["tags"] = [t["term"] for t in entry.get("tags") or [] if _str(t.get("term"))]
    feed_data = {
        "url": feed_url,
        "title": _str(feed.get("title")),
        "link": _str(feed.get("link")),
        "language": _str(feed.get("language")),
    }
    entry_data = {k: v for k, v in data.items() if v not in (None, [])}
    return {"feed": feed_data, "entry": entry_data, "key": entry_key(entry_data, feed_url)}


def entry_key(entry: Mapping[str, Any], feed_url: str | None) -> str:
    """What identifies an entry: its id, else its link, else a hash of its content.

    An id that is not a URI (``"42"``) is only unique within its feed, so it is
    qualified with the feed's URL.
    """
    entry_id = _str(entry.get("id"))
    if entry_id:
        return entry_id if ":" in entry_id or not feed_url else f"{feed_url}#{entry_id}"
    link = _str(entry.get("link"))
    if link:
        return link
    parts = [feed_url or "", *(str(entry.get(k) or "") for k in ("title", "summary", "content"))]
    if not any(parts[1:]):
        raise MalformedItem("entry has no id, link, title or content")
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
    return f"sha256:{digest}"


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    value = parse_iso(text)
    if value is None:
        try:
            value = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    try:
        return in_utc(value, "published")
    except MalformedItem:
        return None  # out of range: the entry takes the time it was first seen


def _lang(value: str | None) -> str | None:
    if not value:
        return None
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    return primary if 2 <= len(primary) <= 3 and primary.isalpha() else None


class RssNormaliser(Normaliser):
    """Maps an RSS/Atom entry payload to a mention with id ``rss:<key>``.

    The text is the entry's content, else its summary, else its title (HTML is
    turned into text by the engine's clean-up). An entry without a date takes the
    time it was first fetched. The author is the entry's author, else the feed.
    """

    platform = "rss"

    def normalise(self, item: RawItem) -> Mention:
        """The mention for one entry payload; ``MalformedItem`` says what is wrong."""
        payload = as_object(item.payload, "an RSS entry")
        entry = as_object(payload.get("entry", payload), "field 'entry'")
        feed = as_object(payload.get("feed") or {}, "field 'feed'")
        for key in (*_TEXT_KEYS, "content", "author", "published", "updated", "language"):
            opt_str(entry, key)
        feed_url = opt_str(feed, "url")
        key = opt_str(payload, "key") or entry_key(entry, feed_url)
        title = opt_str(entry, "title")
        text = opt_str(entry, "content") or opt_str(entry, "summary") or title
        if not text:
            raise MalformedItem("entry has no content, summary or title")
        published = _time(opt_str(entry, "published")) or _time(opt_str(entry, "updated"))
        site = opt_str(feed, "title") or urlsplit(feed_url or "").hostname or ""
        author = opt_str(entry, "author")
        lang = _lang(opt_str(entry, "language")) or _lang(opt_str(feed, "language"))
        return Mention(
            id=f"rss:{key}",
            platform="rss",
            text=text,
            created_at=published or item.fetched_at,
            author=Author(
                handle=author or site,
                name=author or opt_str(feed, "title"),
                url=opt_str(entry, "author_url") or opt_str(feed, "link"),
            ),
            source=item.source,
            url=opt_str(entry, "link"),
            title=title,
            lang=lang,
            collected_at=item.fetched_at,
            raw=dict(payload),
        )
