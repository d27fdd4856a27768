"""Cuts a query into tokens: words, phrases, operators, parentheses and field prefixes."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from .errors import MAX_NEAR, MAX_QUERY_CHARS, QueryError
from .nodes import META_FIELDS, MODIFIERS, TEXT_FIELDS

TokenType = Literal["(", ")", "AND", "OR", "NOT", "NEAR", "WORD", "PHRASE", "FIELD", "END"]
PREFIXES = (*META_FIELDS, *TEXT_FIELDS, *MODIFIERS)

_WORD_RE = re.compile(r"(?:(?!<<<)[^\s()\"])+")
_FIELD_RE = re.compile(r"([A-Za-z]+):")
_NEAR_RE = re.compile(r"(O?)NEAR(?:/(\S*))?")
_EDITS_RE = re.compile(r"~(\d*)")
_LOOKALIKES = {"&&": "AND", "&": "AND", "||": "OR", "|": "OR", "!": "NOT"}


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token; ``pos``/``end`` are offsets in the query, ``text`` as written.

    ``value`` is the phrase's inner text for PHRASE, the field name for FIELD, and
    the distance for NEAR; ``ordered`` marks ONEAR; ``minus`` marks a ``-`` NOT.
    """

    type: TokenType
    pos: int
    end: int
    text: str
    value: str = ""
    distance: int = 0
    ordered: bool = False
    minus: bool = False


def tokenize(query: str) -> list[Token]:
    """The tokens of ``query``, ending with an END token.

    Raises:
        QueryError: unclosed phrase or comment, unknown field, malformed NEAR.
    """
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is longer than {MAX_QUERY_CHARS:,} characters",
            query,
            MAX_QUERY_CHARS,
            "a shorter query (split it into several topics)",
        )
    tokens: list[Token] = []
    index = 0
    length = len(query)
    after_field = False
    while index < length:
        char = query[index]
        if char.isspace():
            index += 1
            continue
        if query.startswith("<<<", index):
            close = query.find(">>>", index + 3)
            if close < 0:
                raise QueryError("this comment is not closed", query, index, "'>>>' to close it")
            index = close + 3
            continue
        if char in "()":
            tokens.append(Token(char, index, index + 1, char))  # type: ignore[arg-type]
            index += 1
            after_field = False
            continue
        if char == '"':
            token = _phrase(query, index)
            tokens.append(token)
            index = token.end
            after_field = False
            continue
        if char == "-" and not after_field:
            following = query[index + 1 : index + 2]
            if not following or following.isspace() or following == ")":
                raise QueryError(
                    "a lone '-' excludes nothing",
                    query,
                    index,
                    "a word right after it, as in -acne",
                )
            tokens.append(Token("NOT", index, index + 1, "-", minus=True))
            index += 1
            continue
        if not after_field and (field := _FIELD_RE.match(query, index)):
            tokens.append(_field(query, field))
            index = field.end()
            # A value of author:, site:, ... is read as written (site:https://x.example).
            after_field = tokens[-1].value in META_FIELDS
            continue
        word = _WORD_RE.match(query, index)
        if word is None:  # only '<<<' can stop a word before it starts; handled above
            raise QueryError("unexpected character", query, index)
        tokens.append(_word(query, word.group(), index, after_field))
        index = word.end()
        after_field = False
    tokens.append(Token("END", length, length, ""))
    return tokens


def _phrase(query: str, start: int) -> Token:
    close = query.find('"', start + 1)
    if close < 0:
        raise QueryError("this phrase is not closed", query, start, 'a closing "')
    end = close + 1
    suffix = _EDITS_RE.match(query, end)
    if suffix:
        end = suffix.end()
    followed = end < len(query) and not query[end].isspace() and query[end] not in '()"'
    if followed and not query.startswith("<<<", end):
        raise QueryError(
            "unexpected text right after a phrase",
            query,
            end,
            'a space, or ~0, ~1, ~2 for its typo tolerance ("acme cloud"~1)',
        )
    return Token("PHRASE", start, end, query[start:end], value=query[start + 1 : close])


def _field(query: str, match: re.Match[str]) -> Token:
    name = match.group(1).lower()
    start, end = match.start(), match.end()
    if name not in PREFIXES:
        close = difflib.get_close_matches(name, PREFIXES, n=1)
        hint = f"did you mean '{close[0]}:'? " if close else ""
        raise QueryError(
            f"unknown field '{match.group(1)}:'",
            query,
            start,
            f"{hint}one of {', '.join(p + ':' for p in PREFIXES)}"
            ' (write "a:b" in quotes to search for it as text)',
        )
    if end >= len(query) or query[end].isspace() or query[end] == ")":
        raise QueryError(
            f"nothing after '{name}:'", query, end, f"a value right after it, as in {name}:value"
        )
    return Token("FIELD", start, end, match.group(), value=name)


def _word(query: str, text: str, start: int, after_field: bool) -> Token:
    end = start + len(text)
    if not after_field:
        if text in ("AND", "OR", "NOT"):
            return Token(text, start, end, text)  # type: ignore[arg-type]
        near = _NEAR_RE.fullmatch(text)
        if near:
            return _near(query, near, start)
        if text in _LOOKALIKES:
            raise QueryError(
                f"'{text}' is not an operator here",
                query,
                start,
                f"{_LOOKALIKES[text]} (operators are written AND, OR, NOT in capitals)",
            )
    return Token("WORD", start, end, text)


def _near(query: str, match: re.Match[str], start: int) -> Token:
    name = "ONEAR" if match.group(1) else "NEAR"
    distance = match.group(2)
    if distance is None or not distance.isdigit():
        position = start + len(name) + (1 if distance is not None else 0)
        raise QueryError(
            f"{name} needs a distance in words",
            query,
            position,
            f"{name}/n with n from 0 to {MAX_NEAR}, as in acme {name}/5 outage",
        )
    value = int(distance)
    if value > MAX_NEAR:
        raise QueryError(
            f"{name}/{value} is farther than the limit of {MAX_NEAR} words",
            query,
            start + len(name) + 1,
            f"a distance from 0 to {MAX_NEAR}",
        )
    end = start + len(match.group())
    return Token("NEAR", start, end, match.group(), distance=value, ordered=name == "ONEAR")
