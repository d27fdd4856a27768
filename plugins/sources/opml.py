"""Reading feed subscriptions from an OPML file (the export format of feed readers)."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path
from urllib.parse import urlsplit

from ecoute.engine import ConfigError


def read_opml(path: Path) -> list[str]:
    """The feed URLs (``xmlUrl`` of every ``outline``, nested ones included) of an OPML file.

    Raises:
        ConfigError: the file cannot be read, is not XML, or lists no http(s) feed.
    """
    try:
        root = ElementTree.parse(path).getroot()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}", key="opml") from None
    except ElementTree.ParseError as exc:
        raise ConfigError(
            f"{path} is not a well-formed OPML file ({exc})",
            key="opml",
            hint="export the subscriptions from your feed reader again",
        ) from None
    urls = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).hostname:
            urls.append(url)
    if not urls:
        raise ConfigError(f"{path} lists no feed (no outline with an xmlUrl)", key="opml")
    return urls
