"""The ``mastodon`` normaliser: a Status (boosts unwrapped) to a Mention, and status id order."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ecoute.engine import Author, MalformedItem, Mention, Normaliser, RawItem

from .fields import as_object, iso_time, opt_int, opt_str, req_str


def id_order(status_id: str) -> tuple[int, str]:
    """Sort key of Mastodon status ids: opaque strings ordered by (length, text)."""
    return (len(status_id), status_id)


def newest_id(ids: list[str]) -> str | None:
    """The newest of ``ids`` (None for none)."""
    return max(ids, key=id_order) if ids else None


def status_id(status: Any) -> str | None:
    """The instance-local id of a status payload, if it has a usable one."""
    if isinstance(status, Mapping):
        value = status.get("id")
        if isinstance(value, str) and value.strip():
            return value
    return None


def full_handle(acct: str, account_url: str | None) -> str:
    """``@user@domain``: local accounts (``acct`` without a domain) get the host of their URL."""
    handle = acct.lstrip("@")
    if "@" not in handle and account_url:
        host = urlsplit(account_url).hostname
        if host:
            handle = f"{handle}@{host}"
    return f"@{handle}"


def _author(account: Mapping[str, Any]) -> Author:
    url = opt_str(account, "url")
    return Author(
        handle=full_handle(req_str(account, "acct"), url),
        name=opt_str(account, "display_name") or None,
        followers=opt_int(account, "followers_count"),
        url=url,
    )


class MastodonNormaliser(Normaliser):
    """Maps a Mastodon Status to a mention with id ``mastodon:<uri>``.

    ``uri`` is the same on every instance, so a post seen through two instances
    or two hashtags is one mention. A boost is unwrapped to the boosted post (the
    booster is kept in ``extra``); a content warning comes first in the text.
    ``in_reply_to_id`` is local to the instance that served the status, so the
    parent is given as that instance's API address of the parent status
    (``mastodon:https://host/api/v1/statuses/<id>``), and left out when the
    instance is unknown (statuses imported from a file).
    """

    platform = "mastodon"

    def normalise(self, item: RawItem) -> Mention:
        """The mention for one status; ``MalformedItem`` names the bad field."""
        status = as_object(item.payload, "a Mastodon status")
        extra: dict[str, Any] = {}
        if status.get("reblog") is not None:
            wrapper = as_object(status.get("account"), "field 'account'")
            extra["boosted_by"] = full_handle(req_str(wrapper, "acct"), opt_str(wrapper, "url"))
            status = as_object(status["reblog"], "field 'reblog'")
        uri = req_str(status, "uri")
        account = as_object(status.get("account"), "field 'account'")
        content = opt_str(status, "content") or ""
        spoiler = (opt_str(status, "spoiler_text") or "").strip()
        if spoiler:
            # Content is HTML: the warning joins it as an escaped paragraph of its own.
            content = f"<p>CW: {html.escape(spoiler)}</p>{content}"
        if not content:
            raise MalformedItem("status has no content")
        language = opt_str(status, "language")
        return Mention(
            id=f"mastodon:{uri}",
            platform="mastodon",
            text=content,
            created_at=iso_time(status, "created_at"),
            author=_author(account),
            source=item.source,
            url=opt_str(status, "url") or uri,
            lang=language.lower() if language else None,
            collected_at=item.fetched_at,
            likes=opt_int(status, "favourites_count"),
            shares=opt_int(status, "reblogs_count"),
            replies=opt_int(status, "replies_count"),
            parent_id=_parent(status, item.origin),
            raw=dict(item.payload),
            extra={"mastodon": extra} if extra else {},
        )


def _parent(status: Mapping[str, Any], origin: str) -> str | None:
    parent = status.get("in_reply_to_id")
    if parent is None:
        return None
    if not isinstance(parent, str | int) or isinstance(parent, bool):
        raise MalformedItem(f"field 'in_reply_to_id' must be an id, got {type(parent).__name__}")
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"mastodon:{parts.scheme}://{parts.netloc}/api/v1/statuses/{parent}"
