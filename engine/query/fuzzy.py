"""A SymSpell-style deletion index: which words are within their own edit threshold of a word.

Every indexed word is stored under each string made by deleting up to k of its
characters (k: its own threshold). A text word's deletions are looked up the same
way, and each candidate is checked with the optimal string alignment distance
(``rapidfuzz.distance.OSA``). One index per threshold, so a text word meets the
one-edit words through its one-deletion variants only.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

# As in SymSpell, only the start of a word is indexed: two words within k edits have
# starts of this length within k deletions of a common string, and the full words are
# then compared. Long words thus cost no more than seven-letter ones.
PREFIX = 7


def deletes(word: str, depth: int) -> set[str]:
    """Every string made by deleting up to ``depth`` (0 to 2) characters from ``word``."""
    if depth == 0 or len(word) < 2:
        return {word}
    once = {word[:i] + word[i + 1 :] for i in range(len(word))}
    if depth > 1:
        once |= {v[:i] + v[i + 1 :] for v in list(once) if len(v) > 1 for i in range(len(v))}
    once.add(word)
    return once


class DeletionIndex:
    """Words with their thresholds (1 or 2 edits), searchable by typo."""

    def __init__(self) -> None:
        self._texts: dict[int, str] = {}
        self._tables: dict[int, dict[str, list[int]]] = {}
        # Shortest and longest word for each threshold: a text word out of reach of all
        # of them needs no search at all.
        self._lengths: dict[int, tuple[int, int]] = {}

    def __len__(self) -> int:
        return len(self._texts)

    def add(self, word_id: int, text: str, edits: int) -> None:
        """Index ``text`` (folded) as word ``word_id``, allowed ``edits`` edits."""
        self._texts[word_id] = text
        low, high = self._lengths.get(edits, (len(text), len(text)))
        self._lengths[edits] = (min(low, len(text)), max(high, len(text)))
        table = self._tables.setdefault(edits, {})
        for variant in deletes(text[:PREFIX], edits):
            table.setdefault(variant, []).append(word_id)

    def search(
        self, word: str, skip: frozenset[int] | tuple[int, ...] = ()
    ) -> list[tuple[int, int]]:
        """(word id, distance) of the indexed words within their threshold of ``word``."""
        size = len(word)
        if size < 2 or not self._texts:
            return []
        found: list[tuple[int, int]] = []
        seen = set(skip)
        texts = self._texts
        for edits, (low, high) in self._lengths.items():
            if not low - edits <= size <= high + edits:
                continue
            table = self._tables[edits]
            for variant in deletes(word[:PREFIX], edits):
                for word_id in table.get(variant, ()):
                    if word_id in seen:
                        continue
                    seen.add(word_id)
                    text = texts[word_id]
                    if abs(len(text) - size) > edits:
                        continue
                    distance = OSA.distance(word, text, score_cutoff=edits)
                    if distance <= edits:
                        found.append((word_id, distance))
        return found
