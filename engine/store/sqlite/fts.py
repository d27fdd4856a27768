"""Turning what a user types into a safe FTS4 MATCH expression."""

from __future__ import annotations

import re

from ..filters import MentionFilter

MAX_TERMS = 16
MAX_QUERY_CHARS = 1000
# A prefix search on one or two letters expands to thousands of terms; not worth it.
MIN_PREFIX_CHARS = 2

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CHUNK = re.compile(r"\S+")


def fts_query(text: str) -> str | None:
    """Rewrite free text as an FTS4 query that cannot fail to parse.

    Words are ANDed; ``"quoted words"`` stay a phrase (an unclosed quote runs to
    the end); a trailing ``*`` on a word of at least two letters makes it a prefix
    search. Everything else is plain text: every term is emitted inside double
    quotes, so ``OR``, ``NEAR``, ``-``, ``(``, ``:`` and ``^`` have no special
    meaning. Returns ``None`` when nothing searchable is left (``"*"``, ``"()"``).
    """
    cleaned = _CONTROL.sub(" ", text[:MAX_QUERY_CHARS])
    parts: list[str] = []
    # After splitting on '"', odd-numbered pieces were inside quotes.
    for index, piece in enumerate(cleaned.split('"')):
        tokens = [t for t in (_token(chunk) for chunk in _CHUNK.findall(piece)) if t]
        if not tokens:
            continue
        if index % 2 == 1:
            parts.append('"' + " ".join(tokens) + '"')
        else:
            parts.extend(f'"{token}"' for token in tokens)
        if len(parts) >= MAX_TERMS:
            break
    return " ".join(parts[:MAX_TERMS]) or None


def _token(chunk: str) -> str | None:
    prefix = chunk.endswith("*")
    # Inside a quoted FTS string only '"' and a '*' right after a word are special.
    core = chunk.replace("*", " ").strip()
    if not any(ch.isalnum() for ch in core):
        return None
    if prefix:
        while not core[-1].isalnum():
            core = core[:-1]
        if _tail_letters(core) >= MIN_PREFIX_CHARS:
            return core + "*"
    return core


def _tail_letters(word: str) -> int:
    count = 0
    for ch in reversed(word):
        if not ch.isalnum():
            break
        count += 1
    return count


def match_expression(f: MentionFilter) -> str | None:
    """``f.text`` as a safe FTS4 query, or ``None`` when it has nothing to search."""
    return fts_query(f.text) if f.text else None
