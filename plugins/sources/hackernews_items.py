"""The ``hackernews`` normaliser: an Algolia HN hit (story or comment) to a Mention."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from ecoute.engine import Author, MalformedItem, Mention, Normaliser, RawItem

from .fields import as_object, epoch_time, iso_time, kind, opt_int, opt_str

ITEM_URL = "https://news.ycombinator.com/item?id={}"
# Algolia sometimes escapes the entities of HN's own HTML a second time ("&amp;#x27;").
_DOUBLE_ENCODED = re.compile(r"&amp;(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")


def undo_double_encoding(text: str) -> str:
    """Turn ``&amp;#x27;`` back into ``&#x27;``; the engine's clean-up decodes the rest."""
    return _DOUBLE_ENCODED.sub(r"&\1;", text) if "&amp;" in text else text


def _object_id(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise MalformedItem("field 'objectID' is missing")
    if not isinstance(value, str):
        raise MalformedItem(f"field 'objectID' must be a string or number, got {kind(value)}")
    return value


class HackerNewsNormaliser(Normaliser):
    """Maps a hit of ``search``/``search_by_date`` to a mention with id ``hn:<objectID>``.

    Comments take their title from the story they belong to; a link story with
    no text uses its title as text so that topics can match it.
    """

    platform = "hackernews"

    def normalise(self, item: RawItem) -> Mention:
        """The mention for one hit; ``MalformedItem`` names the bad field."""
        hit = as_object(item.payload, "a Hacker News hit")
        object_id = _object_id(hit.get("objectID"))
        if hit.get("created_at_i") is not None:
            created = epoch_time(hit, "created_at_i")
        else:
            created = iso_time(hit, "created_at")
        tags = hit.get("_tags")
        is_comment = isinstance(tags, list) and "comment" in tags
        title = opt_str(hit, "title") or opt_str(hit, "story_title")
        text = opt_str(hit, "comment_text") or opt_str(hit, "story_text") or ""
        if not text and not is_comment:
            text = title or ""
        if not text:
            raise MalformedItem("hit has no text and no title")
        parent = hit.get("parent_id")
        if parent is not None and (isinstance(parent, bool) or not isinstance(parent, int | str)):
            raise MalformedItem(f"field 'parent_id' must be an id, got {type(parent).__name__}")
        author = opt_str(hit, "author") or ""
        return Mention(
            id=f"hn:{object_id}",
            platform="hackernews",
            text=undo_double_encoding(text),
            created_at=created,
            author=Author(
                handle=author,
                url=f"https://news.ycombinator.com/user?id={quote(author)}" if author else None,
            ),
            source=item.source,
            url=ITEM_URL.format(object_id),
            title=undo_double_encoding(title) if title else None,
            collected_at=item.fetched_at,
            likes=opt_int(hit, "points"),
            replies=opt_int(hit, "num_comments"),
            parent_id=f"hn:{parent}" if parent is not None else None,
            raw=dict(hit),
        )
