"""One line of a JSON Lines file decoded into a payload, or the plain reason it cannot be."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ecoute.engine import nested_deeper_than

from .fields import kind

MAX_DEPTH = 100  # deeper lines are refused here, before anything walks them recursively
# Keys under which saved API replies hold their items: Mastodon and Twitter searches,
# Algolia (Hacker News), Bluesky, JSON Feed, feedparser dumps and other listings.
_PAGE_KEYS = ("statuses", "hits", "posts", "feed", "items", "results", "entries", "data")


@dataclass(frozen=True, slots=True)
class Decoded:
    """What one line holds: a payload, or why it is refused.

    ``whole`` says that the line is a complete JSON value (even a refused one):
    a last line without a newline that is whole was not cut short by its writer.
    """

    payload: Any = None
    problem: str | None = None
    whole: bool = False


def decode_line(line: bytes, platform: str) -> Decoded:
    """The payload of one line (newline included or not) for ``platform``'s normaliser.

    Never raises: bad UTF-8, bad JSON, nesting deeper than :data:`MAX_DEPTH`,
    a line too large to decode, a JSON value that is not one object, and a saved
    API page (a JSON array, or an object whose ``statuses``, ``hits``, ...
    hold the items) all come back as a ``problem`` in plain words.
    """
    try:
        return _decode(line, platform)
    except RecursionError:
        return Decoded(problem=f"JSON nested more than {MAX_DEPTH} levels deep")
    except MemoryError:
        return Decoded(problem=f"line of {len(line):,} bytes is too large to decode")
    except Exception as exc:  # one odd line must never stop the lines after it
        return Decoded(problem=f"could not be read ({type(exc).__name__})")


def _decode(line: bytes, platform: str) -> Decoded:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Decoded(problem=f"not UTF-8 text (byte {exc.start + 1})")
    try:
        # Lenient about raw control characters in strings: clean-up removes them later.
        payload = json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        return Decoded(problem=f"not valid JSON: {exc.msg} (column {exc.colno})")
    if nested_deeper_than(payload, MAX_DEPTH, line):
        return Decoded(problem=f"JSON nested more than {MAX_DEPTH} levels deep", whole=True)
    problem = shape_problem(payload, platform)
    if problem is not None:
        return Decoded(problem=problem, whole=True)
    return Decoded(payload=payload, whole=True)


def shape_problem(payload: Any, platform: str) -> str | None:
    """Why ``payload`` is not one item of ``platform`` by its shape alone, or ``None``."""
    expected = "mention" if platform == "mention" else f"{platform} item"
    if isinstance(payload, list):
        return (
            f"expected one {expected} per line, found a JSON array of {_items(len(payload))} "
            "(a saved API page? `jq -c '.[]' FILE` writes one item per line)"
        )
    if not isinstance(payload, Mapping):
        return f"expected one {expected} per line, found {kind(payload)}"
    page = page_key(payload)
    if page is not None:
        key, count = page
        return (
            f"expected one {expected} per line, found a page object whose '{key}' holds "
            f"{_items(count)} (a saved API page? `jq -c '.{key}[]' FILE` writes one item per line)"
        )
    return None


def page_key(payload: Mapping[str, Any]) -> tuple[str, int] | None:
    """The key path and item count of a saved API page (``statuses``, ``data.children``...)."""
    for key in _PAGE_KEYS:
        value = payload.get(key)
        if isinstance(value, list):
            return key, len(value)
    data = payload.get("data")
    if isinstance(data, Mapping) and isinstance(data.get("children"), list):
        return "data.children", len(data["children"])  # a Reddit listing
    hits = payload.get("hits")
    if isinstance(hits, Mapping) and isinstance(hits.get("hits"), list):
        return "hits.hits", len(hits["hits"])  # an Elasticsearch reply
    return None


def _items(count: int) -> str:
    return "1 item" if count == 1 else f"{count:,} items"
