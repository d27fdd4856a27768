"""Turns syntax trees into evaluable nodes over one shared :class:`Lexicon`.

Each node knows its *trigger*: the words of which at least one must be in a text
for the node to have any chance to match (``None``: it must always be evaluated).
OR nodes index their children by trigger word, so a 10,000-term OR only looks at
the few children whose words the text actually holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import nodes
from .evaluate import (
    AndNode,
    CompiledNode,
    FieldNode,
    NearNode,
    NotNode,
    OrNode,
    PhraseNode,
    WordNode,
)
from .lexicon import Lexicon, WordSpec, default_max_edits
from .text import fold, has_digit, query_words

FIELD_TEXT, FIELD_TITLE = 0, 1
FIELD_NAMES = ("text", "title")


def phrase_words(text: str) -> list[tuple[str, bool]]:
    """The words of a phrase, each with whether it ends with ``*``."""
    words: list[tuple[str, bool]] = []
    for chunk in text.split():
        parts = query_words(chunk)
        words.extend((part, False) for part in parts)
        if chunk.endswith("*") and parts:
            words[-1] = (parts[-1], True)
    return words


def _fields(field: str | None) -> frozenset[int]:
    if field == "text":
        return frozenset({FIELD_TEXT})
    if field == "title":
        return frozenset({FIELD_TITLE})
    return frozenset({FIELD_TEXT, FIELD_TITLE})


@dataclass(slots=True)
class CompiledQuery:
    """One query ready to run: its root node and the source text of each leaf."""

    name: str
    root: CompiledNode
    terms: list[str]


class Compiler:
    """Compiles trees into nodes, adding their words to ``lexicon``."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.terms: list[str] = []
        # Words inside phrases: their common-word typos still count next to an exact word.
        self.phrase_words: set[int] = set()

    def compile(self, name: str, tree: nodes.Node) -> CompiledQuery:
        """Compile one query's tree."""
        self.terms = []
        return CompiledQuery(name, self.node(tree), self.terms)

    def leaf(self, source: str) -> int:
        self.terms.append(source)
        return len(self.terms) - 1

    def node(self, tree: nodes.Node) -> CompiledNode:
        handler: Callable[..., CompiledNode] = getattr(self, f"_{type(tree).__name__.lower()}")
        return handler(tree)

    # -- leaves ---------------------------------------------------------------

    def spec(self, word: str, term: nodes.Term | nodes.Phrase, *, prefix: bool = False) -> int:
        """The id of the lexicon word for ``word`` under the options of ``term``."""
        if term.raw:
            return self.lexicon.add(WordSpec(word, "raw"))
        norm = fold(word)
        if prefix or (isinstance(term, nodes.Term) and term.wildcard):
            return self.lexicon.add(WordSpec(norm, "prefix"))
        if term.max_edits is not None:
            edits = term.max_edits
        elif isinstance(term, nodes.Term) and term.sigil == "@":
            edits = 0  # an account name with a typo is another account
        else:
            edits = 0 if has_digit(norm) else default_max_edits(norm)
        if term.force:
            edits = max(edits, 1)
        if edits == 0:
            return self.lexicon.add(WordSpec(norm, "exact"))
        return self.lexicon.add(WordSpec(norm, "fuzzy", edits, term.force))

    def _term(self, term: nodes.Term) -> CompiledNode:
        fields = _fields(term.field)
        leaf = self.leaf(term.source)
        if term.sigil == "@":
            word_id = self.spec(term.text, term)
            return WordNode(word_id, leaf, fields, "handle", "handle")
        words = query_words(term.text)
        kind = "wildcard" if term.wildcard else "exact"
        if term.sigil == "#":
            word_id = self.spec("".join(words), term)
            return WordNode(word_id, leaf, fields, "hashtag", "hashtag")
        if len(words) == 1:
            return WordNode(self.spec(words[0], term), leaf, fields, "word", kind)
        return self.phrase_node([(word, False) for word in words], term, leaf, fields)

    def _phrase(self, phrase: nodes.Phrase) -> CompiledNode:
        words = phrase_words(phrase.text)
        leaf = self.leaf(phrase.source)
        fields = _fields(phrase.field)
        if len(words) == 1:
            word, prefix = words[0]
            spec = self.spec(word, phrase, prefix=prefix)
            return WordNode(spec, leaf, fields, "word", "wildcard" if prefix else "exact")
        return self.phrase_node(words, phrase, leaf, fields)

    def phrase_node(
        self,
        words: list[tuple[str, bool]],
        term: nodes.Term | nodes.Phrase,
        leaf: int,
        fields: frozenset[int],
    ) -> CompiledNode:
        ids = tuple(self.spec(word, term, prefix=prefix) for word, prefix in words)
        self.phrase_words.update(ids)
        joined: int | None = None
        # A wildcard inside the phrase has no joined form; one at its end makes a prefix.
        if not any(prefix for _, prefix in words[:-1]):
            joined = self.spec("".join(w for w, _ in words), term, prefix=words[-1][1])
        return PhraseNode(ids, joined, leaf, fields)

    def _field(self, field: nodes.Field) -> CompiledNode:
        return FieldNode(field.name, fold(field.value), field.wildcard, self.leaf(field.source))

    # -- operators ------------------------------------------------------------

    def _not(self, tree: nodes.Not) -> CompiledNode:
        return NotNode(self.node(tree.child))

    def _and(self, tree: nodes.And) -> CompiledNode:
        return AndNode([self.node(child) for child in tree.children])

    def _or(self, tree: nodes.Or) -> CompiledNode:
        return OrNode([self.node(child) for child in tree.children])

    def _near(self, tree: nodes.Near) -> CompiledNode:
        return NearNode(self.node(tree.left), self.node(tree.right), tree.distance, tree.ordered)
