"""Unicode tokenisation and folding shared by queries and the texts they are matched on.

Folding makes matching blind to case and accents in every script (``CAFÉ`` = ``café``
= ``cafe``, ``ЁЖИК`` = ``ежик``). Tokens keep their character span in the original
text so that every match can be shown where it was found. One written token may hold
several words: ``#AcmeCloud`` and ``AcmeCloud`` are the words ``acme`` and ``cloud``
*and* the joined ``acmecloud``; ``@acme_support`` is ``acme`` and ``support``, the
joined ``acmesupport`` and the account name ``acme_support``.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

TokenKind = Literal["word", "hashtag", "handle"]
# part: one word; whole: the joined form of a token of several words; ident: an
# account name as written (``acme_support``), matched only by ``@handle`` terms.
PieceRole = Literal["part", "whole", "ident"]

# Letters that no Unicode decomposition turns into plain Latin letters.
_EXTRA_FOLDS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"}
)
_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
WORD_PATTERN = rf"(?:[^\W_]|[{_MARKS}])+"
URL_PATTERN = r"\b(?:[Hh][Tt][Tt][Pp][Ss]?://|[Ww][Ww][Ww]\.)[^\s<>\"'“”‘’«»()\[\]{}]+"
_HANDLE_PATTERN = r"@\w+(?:[.\-]\w+)*(?:@\w+(?:[.\-]\w+)+)?"
TOKEN_RE = re.compile(
    rf"(?P<url>{URL_PATTERN})"
    rf"|(?<![\w#@&])(?P<tag>#\w+|{_HANDLE_PATTERN})"
    rf"|{WORD_PATTERN}"
)
_WORD_RE = re.compile(WORD_PATTERN)


def fold(text: str) -> str:
    """Case- and accent-folded ``text``: what matching compares."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_EXTRA_FOLDS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def has_digit(text: str) -> bool:
    """Whether ``text`` holds a digit (such words get no automatic typo tolerance)."""
    return any(char.isdigit() for char in text)


@dataclass(frozen=True, slots=True)
class Piece:
    """One word (or joined form) inside a written token.

    ``first`` and ``last`` are word positions relative to the token; ``start`` and
    ``end`` are character offsets relative to the token's start.
    """

    first: int
    last: int
    start: int
    end: int
    norm: str
    raw: str
    kind: TokenKind
    role: PieceRole


@dataclass(frozen=True, slots=True)
class Analysis:
    """What one written token holds: its ``width`` in word positions and its pieces."""

    width: int
    pieces: tuple[Piece, ...]


def camel_parts(word: str) -> list[tuple[int, int]]:
    """Spans of the camel-case parts of ``word`` (``AcmeCloud`` -> ``Acme``, ``Cloud``)."""
    if word.islower() or word.isupper() or len(word) < 2:
        return [(0, len(word))]
    bounds = [0]
    for index in range(1, len(word)):
        before, char = word[index - 1], word[index]
        following = word[index + 1] if index + 1 < len(word) else ""
        if (before.islower() and char.isupper()) or (
            before.isupper() and char.isupper() and following.islower()
        ):
            bounds.append(index)
    bounds.append(len(word))
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def _word_spans(text: str, offset: int) -> list[tuple[int, int]]:
    """Camel-split spans of the words of ``text`` (a token body), offset by ``offset``."""
    spans: list[tuple[int, int]] = []
    for match in _WORD_RE.finditer(text):
        for a, b in camel_parts(match.group()):
            spans.append((offset + match.start() + a, offset + match.start() + b))
    return spans


def analyse(token: str) -> Analysis:
    """Split one written token (a word, ``#hashtag`` or ``@handle``) into its pieces."""
    sigil = token[0] if token[0] in "#@" else ""
    kind: TokenKind = "hashtag" if sigil == "#" else "handle" if sigil == "@" else "word"
    body = token[1:] if sigil else token
    local = body.split("@", 1)[0] if kind == "handle" else body
    spans = _word_spans(local, len(sigil))
    if not spans:
        return Analysis(0, ())
    pieces = [
        Piece(i, i, a, b, fold(token[a:b]), token[a:b], kind, "part")
        for i, (a, b) in enumerate(spans)
    ]
    last = len(spans) - 1
    whole_start = 0 if sigil else spans[0][0]
    whole_end = len(sigil) + len(local) if sigil else spans[-1][1]
    if len(spans) > 1:
        raw_joined = "".join(token[a:b] for a, b in spans)
        pieces.append(
            Piece(0, last, whole_start, whole_end, fold(raw_joined), raw_joined, kind, "whole")
        )
    elif sigil:
        # A one-word hashtag or handle: the word is the whole token, sigil included.
        only = pieces[0]
        pieces[0] = Piece(0, 0, 0, whole_end, only.norm, only.raw, kind, "whole")
    if kind == "handle":
        idents = {fold(local): (0, len(sigil) + len(local)), fold(body): (0, len(token))}
        for norm, (a, b) in idents.items():
            pieces.append(Piece(0, last, a, b, norm, token[a:b], kind, "ident"))
    return Analysis(len(spans), tuple(pieces))


def query_words(text: str) -> list[str]:
    """The words of a query term as written (camel case and separators split)."""
    return [text[a:b] for a, b in _word_spans(text, 0)]
