"""What a query is matched against: a mention's text, title and the fields terms can name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..records import Mention
from .text import URL_PATTERN

# Field numbers carried by matches; the names are TopicMatch.field values.
FIELD_NAMES = ("text", "title", "author", "platform", "lang", "url", "author")
TEXT, TITLE, AUTHOR, PLATFORM, LANG, URL, AUTHOR_NAME = range(7)
_URL_RE = re.compile(URL_PATTERN)


@dataclass(slots=True)
class Document:
    """The matchable parts of one mention (only ``text`` is required)."""

    text: str
    title: str | None = None
    lang: str | None = None
    platform: str | None = None
    author: str | None = None
    author_name: str | None = None
    url: str | None = None

    @classmethod
    def from_mention(cls, mention: Mention) -> Document:
        """The document of a mention."""
        return cls(
            text=mention.text,
            title=mention.title,
            lang=mention.lang,
            platform=mention.platform,
            author=mention.author.handle or None,
            author_name=mention.author.name,
            url=mention.url,
        )

    def links(self) -> list[tuple[int, str, int, int]]:
        """(field, host, start, end) of the mention's URL and of every link in its text."""
        found: list[tuple[int, str, int, int]] = []
        if self.url:
            host = host_of(self.url)
            if host:
                start = self.url.lower().find(host)
                found.append((URL, host, max(start, 0), max(start, 0) + len(host)))
        for field, text in ((TEXT, self.text), (TITLE, self.title or "")):
            for match in _URL_RE.finditer(text):
                host = host_of(match.group())
                if host:
                    found.append((field, host, match.start(), match.end()))
        return found


def host_of(url: str) -> str:
    """The lower-case host of ``url`` without ``www.`` (``''`` if there is none)."""
    text = url if "://" in url else f"http://{url}"
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    return host[4:] if host.startswith("www.") else host
