"""The syntax tree of a query, as the parser builds it and the compiler reads it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

TextField = Literal["text", "title"]
MetaField = Literal["author", "platform", "lang", "site"]
TEXT_FIELDS: tuple[str, ...] = ("text", "title")
META_FIELDS: tuple[str, ...] = ("author", "platform", "lang", "site")
MODIFIERS: tuple[str, ...] = ("raw", "fuzzy")


@dataclass(frozen=True, slots=True)
class Term:
    """A word to find: ``acme``, ``acme~1``, ``acme*``, ``#AcmeCloud``, ``@acme_support``.

    ``text`` is the word without its sigil or suffixes; ``source`` is the term as
    written in the query (what explanations show); ``field`` limits it to the
    title or the text (``None``: both).
    """

    text: str
    source: str
    pos: int
    field: TextField | None = None
    sigil: str = ""
    wildcard: bool = False
    max_edits: int | None = None
    raw: bool = False
    force: bool = False

    def __str__(self) -> str:
        return self.source


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words that must follow each other: ``"acme cloud"`` (also found as ``acmecloud``)."""

    text: str
    source: str
    pos: int
    field: TextField | None = None
    max_edits: int | None = None
    raw: bool = False
    force: bool = False

    def __str__(self) -> str:
        return self.source


@dataclass(frozen=True, slots=True)
class Field:
    """A condition on the mention itself: ``author:``, ``platform:``, ``lang:``, ``site:``."""

    name: MetaField
    value: str
    source: str
    pos: int
    wildcard: bool = False

    def __str__(self) -> str:
        return self.source


@dataclass(frozen=True, slots=True)
class Not:
    """Matches when its child does not; contributes no matched terms."""

    child: Node
    pos: int

    def __str__(self) -> str:
        return f"NOT {self.child}"


@dataclass(frozen=True, slots=True)
class And:
    """Matches when every child matches."""

    children: tuple[Node, ...]
    pos: int

    def __str__(self) -> str:
        return "(" + " AND ".join(str(child) for child in self.children) + ")"


@dataclass(frozen=True, slots=True)
class Or:
    """Matches when any child matches."""

    children: tuple[Node, ...]
    pos: int

    def __str__(self) -> str:
        return "(" + " OR ".join(str(child) for child in self.children) + ")"


@dataclass(frozen=True, slots=True)
class Near:
    """Both sides within ``distance`` words of each other (``ordered``: left first)."""

    left: Node
    right: Node
    distance: int
    ordered: bool
    pos: int

    def __str__(self) -> str:
        operator = "ONEAR" if self.ordered else "NEAR"
        return f"({self.left} {operator}/{self.distance} {self.right})"


Node = Term | Phrase | Field | Not | And | Or | Near


def leaves(node: Node) -> list[Term | Phrase | Field]:
    """The terms, phrases and field conditions of a tree, left to right."""
    found: list[Term | Phrase | Field] = []
    stack: list[Node] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Term | Phrase | Field):
            found.append(item)
        elif isinstance(item, Not):
            stack.append(item.child)
        elif isinstance(item, And | Or):
            stack.extend(reversed(item.children))
        else:
            stack.extend((item.right, item.left))
    return found
