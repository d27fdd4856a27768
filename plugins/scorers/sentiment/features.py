"""Text normalisation and hashed word and character n-gram ids, vectorised with numpy.

Hashes are polynomial over Unicode code points, computed for a whole batch at once
from prefix sums (arithmetic wraps modulo 2**64), then scrambled and cut to the
bucket count. They are stable across processes and machines, unlike ``hash()``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

_URL = re.compile(r"(?:https?://|www\.)\S+")
_HANDLE = re.compile(r"@\w+")
_DIGIT = re.compile(r"\d")
_REPEAT = re.compile(r"(\S)\1{2,}")

_BASE = 0x100000001B3  # odd, so invertible modulo 2**64
_BASE_INVERSE = pow(_BASE, -1, 2**64)
_WORD_SALT = np.uint64(0x9E3779B97F4A7C15)
_BIGRAM_SALT = np.uint64(0xC2B2AE3D27D4EB4F)
_NGRAM_SALT = np.uint64(0x165667B19E3779F9)


def normalise(text: str) -> str:
    """Lower case, links and handles as placeholders, digits as 0, long repeats cut to two.

    The training data masks handles as ``@user`` and links as ``http``; live text
    is mapped the same way so both look alike to the model. Whitespace runs become
    one space.
    """
    text = mask_links_and_handles(text.lower())
    text = _DIGIT.sub("0", text)
    return _REPEAT.sub(r"\1\1", text)


def mask_links_and_handles(text: str) -> str:
    """Links as ``http``, handles as ``@user``, whitespace runs as one space (case kept)."""
    text = " ".join(text.split())
    text = _URL.sub("http", text)
    return _HANDLE.sub("@user", text)


@dataclass(frozen=True, slots=True)
class HashedBatch:
    """Bucket ids for a batch: ``word_ids`` and ``char_ids`` with the offset of each text."""

    word_ids: np.ndarray
    word_offsets: np.ndarray
    char_ids: np.ndarray
    char_offsets: np.ndarray


class NgramHasher:
    """Maps texts to word uni/bigram and character n-gram bucket ids.

    Args:
        word_bits: log2 of the number of word buckets.
        char_bits: log2 of the number of character n-gram buckets.
        min_n: shortest character n-gram.
        max_n: longest character n-gram.
    """

    def __init__(self, word_bits: int, char_bits: int, min_n: int, max_n: int) -> None:
        if not (1 <= min_n <= max_n) or not (1 <= word_bits <= 32 and 1 <= char_bits <= 32):
            raise ValueError("need 1 <= min_n <= max_n and bucket bits between 1 and 32")
        self.word_shift = np.uint64(64 - word_bits)
        self.char_shift = np.uint64(64 - char_bits)
        self.min_n = min_n
        self.max_n = max_n
        self._powers = np.ones(1, dtype=np.uint64)
        self._inverse_powers = np.ones(1, dtype=np.uint64)

    def hash_batch(self, texts: list[str]) -> HashedBatch:
        """Hash already normalised ``texts`` (see :func:`normalise`)."""
        padded = [f" {text} " for text in texts]
        lengths = np.fromiter((len(p) for p in padded), dtype=np.int64, count=len(padded))
        starts = np.zeros(len(padded) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        joined = "".join(padded)
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        powers, inverse_powers = self._powers_for(len(codes) + 1)
        prefix = np.zeros(len(codes) + 1, dtype=np.uint64)
        np.cumsum(codes * inverse_powers[: len(codes)], out=prefix[1:])

        owner = np.repeat(np.arange(len(texts)), lengths)
        char_ids, char_offsets = self._char_ngrams(prefix, powers, starts, owner)
        word_ids, word_offsets = self._words(codes, prefix, powers, owner, len(texts))
        return HashedBatch(word_ids, word_offsets, char_ids, char_offsets)

    def _powers_for(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self._powers) < size:
            grown = max(size, 2 * len(self._powers))
            self._powers = _power_table(_BASE, grown)
            self._inverse_powers = _power_table(_BASE_INVERSE, grown)
        return self._powers, self._inverse_powers

    def _char_ngrams(
        self, prefix: np.ndarray, powers: np.ndarray, starts: np.ndarray, owner: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        # One row per start position, one column per n: flattening the valid cells
        # row by row keeps the ids grouped by text without sorting.
        first = np.arange(len(owner))
        widths = np.arange(self.min_n, self.max_n + 1)
        last = first[:, None] + widths[None, :]
        valid = last <= starts[owner + 1][:, None]
        last = np.minimum(last, len(owner))
        spans = _span_hashes(prefix, powers, first[:, None], last)
        salts = (widths.astype(np.uint64) * _NGRAM_SALT)[None, :]
        ids = _bucket(spans[valid] + np.broadcast_to(salts, spans.shape)[valid], self.char_shift)
        return ids, _offsets(np.broadcast_to(owner[:, None], valid.shape)[valid], len(starts) - 1)

    def _words(
        self,
        codes: np.ndarray,
        prefix: np.ndarray,
        powers: np.ndarray,
        owner: np.ndarray,
        count: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        # A token is a run of word characters or one other non-space character; the
        # padding spaces keep runs from crossing texts.
        wordish = _word_characters()[np.minimum(codes, _TABLE_SIZE - 1)]
        wordish[codes >= _TABLE_SIZE] = False
        other = ~wordish & (codes != _SPACE)
        before = np.concatenate([[False], wordish[:-1]])
        after = np.concatenate([wordish[1:], [False]])
        starts_mask = (wordish & ~before) | other
        ends_mask = (wordish & ~after) | other
        begin = np.flatnonzero(starts_mask)
        end = np.flatnonzero(ends_mask) + 1
        unigrams = _span_hashes(prefix, powers, begin, end) ^ _WORD_SALT
        token_owner = owner[begin]
        # Columns: the token itself, then the pair it forms with the next token.
        table = np.empty((len(begin), 2), dtype=np.uint64)
        table[:, 0] = unigrams
        valid = np.ones((len(begin), 2), dtype=bool)
        if len(begin):
            table[:-1, 1] = _scramble(unigrams[:-1]) * _BIGRAM_SALT + unigrams[1:]
            table[-1, 1] = 0
            valid[:-1, 1] = token_owner[1:] == token_owner[:-1]
            valid[-1, 1] = False
        ids = _bucket(table[valid], self.word_shift)
        return ids, _offsets(np.broadcast_to(token_owner[:, None], valid.shape)[valid], count)


_TABLE_SIZE = 0x10000
_SPACE = ord(" ")
_word_table: np.ndarray | None = None


def _word_characters() -> np.ndarray:
    """For each BMP code point: is it part of a word (letter, digit, mark, underscore)?"""
    global _word_table
    if _word_table is None:
        table = np.zeros(_TABLE_SIZE, dtype=bool)
        for code in range(_TABLE_SIZE):
            char = chr(code)
            table[code] = char.isalnum() or char == "_" or unicodedata.category(char)[0] == "M"
        _word_table = table
    return _word_table


def _power_table(base: int, size: int) -> np.ndarray:
    """base**k modulo 2**64 for k in 0..size-1 (uint64 products wrap)."""
    table = np.empty(size, dtype=np.uint64)
    table[0] = 1
    np.cumprod(np.full(size - 1, base, dtype=np.uint64), out=table[1:])
    return table


def _span_hashes(
    prefix: np.ndarray, powers: np.ndarray, begin: np.ndarray, end: np.ndarray
) -> np.ndarray:
    """Polynomial hash of each code point span [begin, end): sum c[k] * BASE**(end-1-k)."""
    return powers[end - 1] * (prefix[end] - prefix[begin])


def _scramble(values: np.ndarray) -> np.ndarray:
    """A bijective bit mixer (splitmix64's finaliser), so every output bit depends on all."""
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def _bucket(values: np.ndarray, shift: np.uint64) -> np.ndarray:
    return (_scramble(values) >> shift).astype(np.int64)


def _offsets(owners: np.ndarray, count: int) -> np.ndarray:
    """Where each text's ids start, given the (sorted) text index of every id."""
    offsets = np.zeros(count, dtype=np.int64)
    np.cumsum(np.bincount(owners, minlength=count)[:-1], out=offsets[1:])
    return offsets
