"""Evaluable query nodes: each says whether a document matches and which terms did.

A node's ``evaluate`` returns ``None`` when it does not match, else the hits that
explain the match (a NOT that holds matches with no hits). Occurrences of the
query's words in the document are found beforehand (see ``matcher``); nodes only
combine them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Literal

from .document import AUTHOR, AUTHOR_NAME, LANG, PLATFORM, Document
from .text import fold

# field, first position, last position, start, end, distance, token kind, role, guarded
Occurrence = tuple[int, int, int, int, int, int, str, str, bool]
# leaf, field, first position, last position, start, end, distance, match kind
Hit = tuple[int, int, int, int, int, int, int, str]
Target = Literal["word", "hashtag", "handle"]


@dataclass(slots=True)
class Context:
    """One document being matched: where each query word occurs in it."""

    document: Document
    postings: dict[int, list[Occurrence]]
    _links: list[tuple[int, str, int, int]] | None = field(default=None)

    def links(self) -> list[tuple[int, str, int, int]]:
        """The document's links, found once."""
        if self._links is None:
            self._links = self.document.links()
        return self._links


class CompiledNode(ABC):
    """A node of a compiled query."""

    trigger: frozenset[int] | None = None

    @abstractmethod
    def evaluate(self, context: Context) -> list[Hit] | None:
        """The hits that make this node match ``context``, or ``None``."""


class WordNode(CompiledNode):
    """One word (plain, wildcard, ``#hashtag`` or ``@handle``)."""

    def __init__(
        self, word_id: int, leaf: int, fields: frozenset[int], target: Target, kind: str
    ) -> None:
        self.word_id, self.leaf, self.fields = word_id, leaf, fields
        self.target, self.kind = target, kind
        self.trigger = frozenset({word_id})

    def evaluate(self, context: Context) -> list[Hit] | None:
        occurrences = context.postings.get(self.word_id)
        if not occurrences:
            return None
        hits: list[Hit] = []
        target = self.target
        for fld, first, last, start, end, distance, token_kind, role, guarded in occurrences:
            if guarded or fld not in self.fields:
                continue
            if target == "word":
                if role == "ident":
                    continue
            elif target == "hashtag":
                if token_kind != "hashtag" or role != "whole":
                    continue
            elif role != "ident":
                continue
            if token_kind != "word":
                kind = token_kind
            elif self.kind == "wildcard":
                kind = "wildcard"
            else:
                kind = "fuzzy" if distance else "exact"
            hits.append((self.leaf, fld, first, last, start, end, distance, kind))
        return hits or None


class PhraseNode(CompiledNode):
    """Words in a row, or their joined form (``acme cloud`` / ``acmecloud``)."""

    def __init__(
        self, word_ids: tuple[int, ...], joined: int | None, leaf: int, fields: frozenset[int]
    ) -> None:
        self.word_ids, self.joined, self.leaf, self.fields = word_ids, joined, leaf, fields
        self.trigger = frozenset({word_ids[0]} if joined is None else {word_ids[0], joined})

    def evaluate(self, context: Context) -> list[Hit] | None:
        postings = context.postings
        hits: list[Hit] = []
        joined = postings.get(self.joined, ()) if self.joined is not None else ()
        for fld, first, last, start, end, distance, kind, role, guarded in joined:
            if not guarded and role != "ident" and fld in self.fields:
                shown = kind if kind != "word" else "phrase"
                hits.append((self.leaf, fld, first, last, start, end, distance, shown))
        rest = [postings.get(word_id) for word_id in self.word_ids[1:]]
        if all(rest):
            for occurrence in postings.get(self.word_ids[0], ()):
                if occurrence[7] == "ident" or occurrence[0] not in self.fields:
                    continue
                chain = _chain([occurrence], rest)  # type: ignore[arg-type]
                if chain is not None:
                    hits.append(self._hit(chain))
        return hits or None

    def _hit(self, chain: list[Occurrence]) -> Hit:
        head, tail = chain[0], chain[-1]
        kind = head[6] if head[6] == tail[6] and head[6] != "word" else "phrase"
        distance = sum(item[5] for item in chain)
        return (self.leaf, head[0], head[1], tail[2], head[3], tail[4], distance, kind)


def _chain(done: list[Occurrence], rest: list[list[Occurrence]]) -> list[Occurrence] | None:
    """Extend ``done`` with one occurrence of each next word, in the next positions."""
    if not rest:
        # Inside a phrase, one exact word is context enough to accept a common word typo.
        if any(item[8] for item in done) and all(item[5] for item in done):
            return None
        return done
    previous = done[-1]
    for item in rest[0]:
        if item[0] == previous[0] and item[1] == previous[2] + 1 and item[7] != "ident":
            found = _chain([*done, item], rest[1:])
            if found is not None:
                return found
    return None


class FieldNode(CompiledNode):
    """A condition on the mention: ``author:``, ``platform:``, ``lang:`` or ``site:``."""

    def __init__(self, name: str, value: str, wildcard: bool, leaf: int) -> None:
        self.name, self.value, self.wildcard, self.leaf = name, value, wildcard, leaf

    def _same(self, candidate: str) -> bool:
        folded = fold(candidate)
        return folded.startswith(self.value) if self.wildcard else folded == self.value

    def evaluate(self, context: Context) -> list[Hit] | None:
        document, leaf = context.document, self.leaf
        if self.name == "platform":
            value = document.platform
            if value and self._same(value):
                return [(leaf, PLATFORM, -1, -1, 0, len(value), 0, "field")]
        elif self.name == "lang":
            value = document.lang
            if value and (fold(value) == self.value or fold(value).startswith(self.value + "-")):
                return [(leaf, LANG, -1, -1, 0, len(value), 0, "field")]
        elif self.name == "author":
            for fld, value in ((AUTHOR, document.author), (AUTHOR_NAME, document.author_name)):
                if not value:
                    continue
                names = {value.lstrip("@"), value.lstrip("@").split("@", 1)[0]}
                if any(self._same(name) for name in names):
                    return [(leaf, fld, -1, -1, 0, len(value), 0, "field")]
        else:
            hits: list[Hit] = [
                (leaf, fld, -1, -1, start, end, 0, "field")
                for fld, host, start, end in context.links()
                if host == self.value
                or host.endswith("." + self.value)
                or (self.wildcard and host.startswith(self.value))
            ]
            return hits or None
        return None


class NotNode(CompiledNode):
    """Matches (with no hits) when its child does not."""

    def __init__(self, child: CompiledNode) -> None:
        self.child = child

    def evaluate(self, context: Context) -> list[Hit] | None:
        return None if self.child.evaluate(context) is not None else []


class AndNode(CompiledNode):
    """Every child must match; NOT children are checked last."""

    def __init__(self, children: list[CompiledNode]) -> None:
        self.children = sorted(children, key=lambda child: isinstance(child, NotNode))
        triggers = [child.trigger for child in children if child.trigger is not None]
        self.trigger = min(triggers, key=len) if triggers else None

    def evaluate(self, context: Context) -> list[Hit] | None:
        hits: list[Hit] = []
        for child in self.children:
            found = child.evaluate(context)
            if found is None:
                return None
            hits.extend(found)
        return hits


class OrNode(CompiledNode):
    """Any child may match; only children whose trigger words occur are evaluated."""

    def __init__(self, children: list[CompiledNode]) -> None:
        self.children = children
        self.always = [i for i, child in enumerate(children) if child.trigger is None]
        self.index: dict[int, list[int]] = {}
        for position, child in enumerate(children):
            for word_id in child.trigger or ():
                self.index.setdefault(word_id, []).append(position)
        self.trigger = None if self.always else frozenset(self.index)

    def evaluate(self, context: Context) -> list[Hit] | None:
        candidates = set(self.always)
        index = self.index
        for word_id in context.postings:
            found = index.get(word_id)
            if found:
                candidates.update(found)
        matched = False
        hits: list[Hit] = []
        for position in sorted(candidates):
            result = self.children[position].evaluate(context)
            if result is not None:
                matched = True
                hits.extend(result)
        return hits if matched else None


class NearNode(CompiledNode):
    """Both sides within ``distance`` words (``ordered``: the left one first)."""

    def __init__(
        self, left: CompiledNode, right: CompiledNode, distance: int, ordered: bool
    ) -> None:
        self.left, self.right, self.distance, self.ordered = left, right, distance, ordered
        self.trigger = left.trigger if left.trigger is not None else right.trigger

    def evaluate(self, context: Context) -> list[Hit] | None:
        lefts = self.left.evaluate(context)
        if not lefts:
            return None
        rights = self.right.evaluate(context)
        if not rights:
            return None
        used: dict[Hit, None] = {}
        for left in lefts:
            for right in rights:
                if left[1] == right[1] and self._close(left, right):
                    used[left] = None
                    used[right] = None
        return list(used) or None

    def _close(self, left: Hit, right: Hit) -> bool:
        if right[2] > left[3]:
            return right[2] - left[3] - 1 <= self.distance
        if self.ordered or left[2] <= right[3]:
            return False  # overlapping, or right before left under ONEAR
        return left[2] - right[3] - 1 <= self.distance
