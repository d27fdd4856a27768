"""The words a compiled query looks for, and the fast ways to find them in a token.

Every distinct word of every query is one :class:`WordSpec`. A token is looked up
once (then remembered in a bounded cache): an exact dictionary first, prefixes for
``word*`` terms, and for words with typo tolerance a SymSpell-style deletion index
whose candidates are checked with the optimal string alignment distance
(``rapidfuzz.distance.OSA``) against each word's own threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from .fuzzy import DeletionIndex
from .text import TOKEN_RE, analyse, fold

WordMode = Literal["exact", "fuzzy", "prefix", "raw"]
# One query word found in a chunk of text: word id, distance, first and last word
# position and start and end offset (relative to the chunk), token kind, piece role,
# and the folded text found (for the common-word guard).
ChunkHit = tuple[int, int, int, int, int, int, str, str, str]


def default_max_edits(word: str) -> int:
    """Typo tolerance by length: none up to 4 letters, 1 edit up to 7, 2 from 8."""
    length = len(word)
    if length <= 4:
        return 0
    return 1 if length <= 7 else 2


@dataclass(frozen=True, slots=True)
class WordSpec:
    """One word to find: its (folded, or raw) text, how, and with how many edits."""

    text: str
    mode: WordMode
    max_edits: int = 0
    force: bool = False  # typo-tolerant even when the text's word is a common word


# Punctuation that may stick to a word ("cloud," "(acme"): never '#', '@' or '_'.
_PUNCTUATION = "!\"$%&'()*+,-./:;<=>?[\\]^`{|}~«»‘’“”„…¡¿·"


class Lexicon:
    """All the words of a set of queries, with the indexes that find them."""

    def __init__(self, cache_size: int = 100_000) -> None:
        self.specs: list[WordSpec] = []
        self._ids: dict[WordSpec, int] = {}
        self._exact: dict[str, list[int]] = {}
        self._raw: dict[str, list[int]] = {}
        self._prefixes: dict[int, dict[str, list[int]]] = {}
        self._fuzzy = DeletionIndex()
        # Words that stay typo-tolerant on common words (fuzzy: terms, phrase words):
        # the only ones worth searching for a text word that is a common word.
        self._context_ids: frozenset[int] = frozenset()
        self._context_fuzzy = DeletionIndex()
        self.max_edits = 0
        self.cache_size = cache_size
        self._words: dict[str, tuple[tuple[int, int], ...]] = {}
        self._common_words: dict[str, tuple[tuple[int, int], ...]] = {}

    def add(self, spec: WordSpec) -> int:
        """The id of ``spec``, indexing it the first time it is seen."""
        known = self._ids.get(spec)
        if known is not None:
            return known
        word_id = len(self.specs)
        self.specs.append(spec)
        self._ids[spec] = word_id
        if spec.mode == "raw":
            self._raw.setdefault(spec.text, []).append(word_id)
        elif spec.mode == "prefix":
            self._prefixes.setdefault(len(spec.text), {}).setdefault(spec.text, []).append(word_id)
        else:
            self._exact.setdefault(spec.text, []).append(word_id)
            if spec.mode == "fuzzy" and spec.max_edits > 0:
                self.max_edits = max(self.max_edits, spec.max_edits)
                self._fuzzy.add(word_id, spec.text, spec.max_edits)
                if spec.force:
                    self.keep_fuzzy_on_common_words([word_id])
        self._words.clear()
        self._common_words.clear()
        return word_id

    def keep_fuzzy_on_common_words(self, word_ids: Iterable[int]) -> None:
        """Search these words for text words that are common words too (phrases, fuzzy:)."""
        for word_id in set(word_ids) - self._context_ids:
            spec = self.specs[word_id]
            if spec.mode == "fuzzy" and spec.max_edits > 0:
                self._context_fuzzy.add(word_id, spec.text, spec.max_edits)
        self._context_ids |= frozenset(word_ids)
        self._common_words.clear()

    def lookup(self, norm: str, raw: str, *, common: bool = False) -> list[tuple[int, int]]:
        """(word id, distance) of every word that the piece ``norm``/``raw`` matches.

        ``common`` says that ``norm`` is a common word of the text's language: only the
        words that stay typo-tolerant on common words are then searched by typo.
        """
        cache = self._common_words if common else self._words
        found = cache.get(norm)
        if found is None:
            exact = tuple(self._exact.get(norm, ()))
            hits = [(word_id, 0) for word_id in exact]
            for length, table in self._prefixes.items():
                if len(norm) >= length:
                    hits.extend((word_id, 0) for word_id in table.get(norm[:length], ()))
            index = self._context_fuzzy if common else self._fuzzy
            hits.extend(index.search(norm, skip=exact))
            found = tuple(hits)
            if self.cache_size:
                remember(cache, norm, found, self.cache_size)
        raw_ids = self._raw.get(raw)
        return [*((word_id, 0) for word_id in raw_ids), *found] if raw_ids else list(found)

    def chunk(
        self, chunk: str, common: Callable[[str], bool] = lambda norm: False
    ) -> tuple[int, tuple[ChunkHit, ...]]:
        """Width in word positions of a run of non-space text, and the words it holds.

        A chunk is what lies between two spaces (``#AcmeCloud!``, ``(acme,``). Words
        looked up are remembered (bounded by ``cache_size``); the matcher caches chunks.
        """
        word = chunk.strip(_PUNCTUATION)
        if word.isalnum() and (word.islower() or word.isupper() or word[1:].islower()):
            # One plain word, maybe with punctuation around it (most chunks): no
            # tokenising and no camel case to split.
            norm = fold(word)
            start = chunk.index(word)
            hits: list[ChunkHit] = [
                (word_id, distance, 0, 0, start, start + len(word), "word", "part", norm)
                for word_id, distance in self.lookup(norm, word, common=common(norm))
            ]
            return 1, tuple(hits)
        width = 0
        hits = []
        for match in TOKEN_RE.finditer(chunk):
            if match.lastgroup == "url":
                continue
            analysis = analyse(match.group())
            base = match.start()
            for piece in analysis.pieces:
                for word_id, distance in self.lookup(
                    piece.norm, piece.raw, common=common(piece.norm)
                ):
                    hits.append(
                        (
                            word_id,
                            distance,
                            width + piece.first,
                            width + piece.last,
                            base + piece.start,
                            base + piece.end,
                            piece.kind,
                            piece.role,
                            piece.norm,
                        )
                    )
            width += analysis.width
        return width, tuple(hits)

    @property
    def cached_words(self) -> int:
        """How many looked-up words the caches hold now."""
        return len(self._words) + len(self._common_words)


def remember(cache: dict[str, Any], key: str, value: Any, size: int) -> None:
    """Store ``value``; a full cache forgets its oldest half (frequent keys come back)."""
    if len(cache) >= size:
        for old in list(cache)[: max(1, size // 2)]:
            del cache[old]
    cache[key] = value
