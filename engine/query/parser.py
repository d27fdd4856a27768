"""Parses a query into a syntax tree: NOT binds tighter than AND, AND tighter than OR.

Grammar (``NEAR/n`` and ``ONEAR/n`` bind tightest; adjacent operands are ANDed)::

    query    := or_expr END
    or_expr  := and_expr ("OR" and_expr)*
    and_expr := unary (["AND"] unary)*
    unary    := ("NOT" | "-") unary | near
    near     := primary (("NEAR/n" | "ONEAR/n") primary)*
    primary  := "(" or_expr ")" | WORD | PHRASE | PREFIX ":" primary
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .errors import MAX_DEPTH, MAX_EDITS, MAX_TERMS, MIN_WILDCARD_PREFIX, QueryError
from .lexer import Token, tokenize
from .nodes import And, Field, Near, Node, Not, Or, Phrase, Term
from .text import query_words

_STARTS_OPERAND = ("(", "NOT", "WORD", "PHRASE", "FIELD")
_EDITS_SUFFIX = re.compile(r"~(\d*)$")
_SITE_PREFIX = re.compile(r"^(?:[a-z][a-z0-9+.\-]*://)?(?:www\.)?", re.I)
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True, slots=True)
class _Scope:
    """What the prefixes in force say about the terms below them."""

    field: str | None = None  # "text" or "title"
    meta: str | None = None  # "author", "platform", "lang" or "site"
    raw: bool = False
    force: bool = False


def parse(query: str) -> Node:
    """The syntax tree of ``query``.

    Raises:
        QueryError: with the position of the problem and what was expected there.
    """
    return _Parser(query).parse()


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = tokenize(query)
        self.index = 0
        self.depth = 0
        self.terms = 0
        self.scope = _Scope()
        self.prefix_start: int | None = None  # where prefixes written onto a term begin

    # -- helpers --------------------------------------------------------------

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def fail(self, message: str, position: int, expected: str = "") -> QueryError:
        return QueryError(message, self.query, position, expected)

    def nest(self, position: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(
                f"the query is nested deeper than {MAX_DEPTH} levels",
                position,
                "fewer nested parentheses or NOTs",
            )

    # -- grammar --------------------------------------------------------------

    def parse(self) -> Node:
        if self.peek().type == "END":
            raise self.fail("the query is empty", 0, "a word to look for, as in acme")
        node = self.or_expr()
        token = self.peek()
        if token.type == ")":
            raise self.fail("this ')' closes nothing", token.pos, "an operator or the end")
        if token.type != "END":  # pragma: no cover - every other token starts an operand
            raise self.fail(f"unexpected '{token.text}'", token.pos)
        _check_anchored(self, node)
        return node

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while self.peek().type == "OR":
            self.operand_after(self.take())
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Or(tuple(children), children[0].pos)

    def and_expr(self) -> Node:
        children = [self.unary()]
        while True:
            token = self.peek()
            if token.type == "AND":
                self.operand_after(self.take())
            elif token.type not in _STARTS_OPERAND:
                break
            children.append(self.unary())
        return children[0] if len(children) == 1 else And(tuple(children), children[0].pos)

    def unary(self) -> Node:
        if self.peek().type != "NOT":
            return self.near()
        token = self.take()
        self.operand_after(token)
        self.nest(token.pos)
        child = self.unary()
        self.depth -= 1
        return Not(child, token.pos)

    def near(self) -> Node:
        left = self.primary()
        while self.peek().type == "NEAR":
            token = self.take()
            self.operand_after(token)
            right = self.primary()
            for side in (left, right):
                if not _positional(side):
                    raise self.fail(
                        f"{token.text.split('/')[0]} works on words and phrases",
                        side.pos,
                        "a word, a phrase, or an OR group of them on each side",
                    )
            left = Near(left, right, token.distance, token.ordered, left.pos)
        return left

    def operand_after(self, operator: Token) -> None:
        """Raise a clear error when an operator is not followed by an operand."""
        token = self.peek()
        if token.type in _STARTS_OPERAND and not (token.type == "NOT" and operator.type == "NEAR"):
            return
        name = "'-'" if operator.minus else operator.text
        what = "the end of the query" if token.type == "END" else f"'{token.text}'"
        raise self.fail(
            f"{name} is followed by {what}", token.pos, "a word, a phrase or '(' after it"
        )

    def primary(self) -> Node:
        token = self.take()
        if token.type == "(":
            self.nest(token.pos)
            if self.peek().type == ")":
                raise self.fail("empty parentheses", self.peek().pos, "a word inside them")
            node = self.or_expr()
            if self.peek().type != ")":
                raise self.fail("this '(' is not closed", token.pos, "a ')' to close it")
            self.take()
            self.depth -= 1
            return node
        if token.type == "WORD":
            return self.word(token)
        if token.type == "PHRASE":
            return self.phrase(token)
        if token.type == "FIELD":
            return self.prefixed(token)
        if token.type == "END":
            raise self.fail("the query ends too early", token.pos, "a word, a phrase or '('")
        if token.type == ")":
            raise self.fail("this ')' closes nothing", token.pos, "a word, a phrase or '('")
        raise self.fail(
            f"{token.text.split('/')[0]} needs something on its left",
            token.pos,
            "a word, a phrase or '(' first",
        )

    def prefixed(self, token: Token) -> Node:
        name, scope = token.value, self.scope
        if name in ("raw", "fuzzy"):
            if (name == "raw" and scope.force) or (name == "fuzzy" and scope.raw):
                raise self.fail(
                    "raw: and fuzzy: cannot be combined",
                    token.pos,
                    "raw: (exact, case-sensitive) or fuzzy: (typos even in common words)",
                )
            if scope.meta:
                raise self.fail(f"{name}: does not apply to {scope.meta}:", token.pos)
            new = replace(
                scope, raw=scope.raw or name == "raw", force=scope.force or name == "fuzzy"
            )
        else:
            current = scope.meta or scope.field
            if current and current != name:
                raise self.fail(
                    f"{name}: cannot be used inside {current}:", token.pos, "one field per term"
                )
            if name in ("text", "title"):
                new = replace(scope, field=name)
            else:
                if scope.raw or scope.force:
                    raise self.fail(f"raw: and fuzzy: do not apply to {name}:", token.pos)
                new = replace(scope, meta=name)
        self.scope = new
        attached = self.peek().type in ("WORD", "PHRASE", "FIELD")
        outer_start = self.prefix_start
        self.prefix_start = (
            (outer_start if outer_start is not None else token.pos) if attached else None
        )
        self.nest(token.pos)
        node = self.primary()
        self.depth -= 1
        self.scope = scope
        self.prefix_start = outer_start
        return node

    def start(self, token: Token) -> int:
        """Where the term begins, prefixes written right onto it included."""
        return token.pos if self.prefix_start is None else self.prefix_start

    def source(self, token: Token) -> str:
        """The term as written, with the prefixes written right onto it."""
        return self.query[self.start(token) : token.end]

    # -- leaves ---------------------------------------------------------------

    def count_term(self, position: int) -> None:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise self.fail(
                f"the query has more than {MAX_TERMS:,} terms",
                position,
                "fewer terms (split the list into several topics)",
            )

    def edits(self, suffix: str, position: int) -> int:
        if not suffix:
            raise self.fail("'~' needs a number of edits", position, "~0, ~1 or ~2")
        value = int(suffix)
        if value > MAX_EDITS:
            raise self.fail(
                f"~{value} allows more than the limit of {MAX_EDITS} edits",
                position,
                "~0, ~1 or ~2",
            )
        return value

    def word(self, token: Token) -> Node:
        self.count_term(token.pos)
        if self.scope.meta:
            return self.field(self.scope.meta, token.text, token)
        body, max_edits = token.text, None
        suffix = _EDITS_SUFFIX.search(body)
        if suffix:
            max_edits = self.edits(suffix.group(1), token.pos + suffix.start())
            body = body[: suffix.start()]
        sigil = body[0] if body[:1] in ("#", "@") and len(body) > 1 else ""
        wildcard = body.endswith("*")
        core = body[len(sigil) : len(body) - (1 if wildcard else 0)]
        for char in ("*", "~"):
            if char in core:
                where = token.pos + len(sigil) + core.index(char)
                expected = "a '*' only at the end of a word" if char == "*" else "~n at the end"
                raise self.fail(f"unexpected '{char}' inside a word", where, expected)
        words = query_words(core)
        if not words:
            raise self.fail(
                f"'{token.text}' has no letters or digits to look for", token.pos, "a word"
            )
        if wildcard:
            self.check_wildcard(token, words, max_edits)
        if self.scope.raw and max_edits:
            raise self.fail("raw: terms are exact: they take no ~n", token.pos)
        return Term(
            text=core,
            source=self.source(token),
            pos=self.start(token),
            field=self.scope.field,  # type: ignore[arg-type]
            sigil=sigil,
            wildcard=wildcard,
            max_edits=max_edits,
            raw=self.scope.raw,
            force=self.scope.force,
        )

    def check_wildcard(self, token: Token, words: list[str], max_edits: int | None) -> None:
        if max_edits is not None:
            raise self.fail("a wildcard term takes no ~n", token.pos, "acme* or acme~1")
        if self.scope.raw:
            raise self.fail("raw: terms cannot end with '*'", token.pos)
        if len(words) > 1:
            raise self.fail("'*' ends a single word", token.pos, "a one-word prefix, as in acme*")
        if len(words[0]) < MIN_WILDCARD_PREFIX:
            raise self.fail(
                f"'{token.text}' would match too much",
                token.pos,
                f"at least {MIN_WILDCARD_PREFIX} letters before '*'",
            )

    def phrase(self, token: Token) -> Node:
        self.count_term(token.pos)
        if self.scope.meta:
            return self.field(self.scope.meta, token.value, token)
        suffix = _EDITS_SUFFIX.search(token.text)
        max_edits = self.edits(suffix.group(1), token.pos + suffix.start()) if suffix else None
        if not query_words(token.value):
            raise self.fail("this phrase has no words", token.pos, "words between the quotes")
        self.check_phrase_wildcards(token, max_edits)
        if self.scope.raw and max_edits:
            raise self.fail("raw: phrases are exact: they take no ~n", token.pos)
        return Phrase(
            text=token.value,
            source=self.source(token),
            pos=self.start(token),
            field=self.scope.field,  # type: ignore[arg-type]
            max_edits=max_edits,
            raw=self.scope.raw,
            force=self.scope.force,
        )

    def check_phrase_wildcards(self, token: Token, max_edits: int | None) -> None:
        """A phrase word may end with '*' (``"акме клауд*"``); nowhere else."""
        for match in re.finditer(r"\S+", token.value):
            word, where = match.group(), token.pos + 1 + match.start()
            if "*" not in word:
                continue
            star = word.index("*")
            if star != len(word) - 1:
                raise self.fail("unexpected '*' inside a word", where + star, "'*' at the end")
            words = query_words(word[:-1])
            if len(words) != 1 or len(words[0]) < MIN_WILDCARD_PREFIX:
                raise self.fail(
                    f"'{word}' would match too much" if len(words) < 2 else "'*' ends one word",
                    where,
                    f"at least {MIN_WILDCARD_PREFIX} letters before '*', in one word",
                )
            if self.scope.raw:
                raise self.fail("raw: phrases cannot hold '*'", where)

    def field(self, name: str, value: str, token: Token) -> Field:
        wildcard = value.endswith("*") and name in ("author", "site")
        clean = value[:-1] if wildcard else value
        if name == "site":
            clean = _SITE_PREFIX.sub("", clean).split("/", 1)[0].lower().strip(".")
        if name == "author":
            clean = clean.lstrip("@")
        if not clean.strip() or "*" in clean:
            raise self.fail(
                f"'{value}' is not a valid {name}: value",
                token.pos,
                "a value without '*'" if "*" in clean else f"a value after {name}:",
            )
        if name == "lang" and not _LANG_RE.match(clean):
            raise self.fail(
                f"'{value}' is not a language code", token.pos, "a code such as en, fr or pt-BR"
            )
        source = self.source(token) if self.prefix_start is not None else f"{name}:{token.text}"
        return Field(name, clean, source, self.start(token), wildcard)  # type: ignore[arg-type]


def _positional(node: Node) -> bool:
    """Whether ``node`` finds words at positions (what NEAR needs)."""
    if isinstance(node, Term | Phrase | Near):
        return True
    if isinstance(node, Or):
        return all(_positional(child) for child in node.children)
    return False


def _unanchored(node: Node) -> Node | None:
    """The part of ``node`` that would match on NOT alone, or None if it needs a match."""
    if isinstance(node, Not):
        return _unanchored(node.child.child) if isinstance(node.child, Not) else node
    if isinstance(node, Or):
        return next((found for c in node.children if (found := _unanchored(c))), None)
    if isinstance(node, And) and all(_unanchored(child) for child in node.children):
        return node
    return None


def _check_anchored(parser: _Parser, node: Node) -> None:
    culprit = _unanchored(node)
    if culprit is not None:
        raise parser.fail(
            "this part matches on NOT alone, so it would match almost every mention",
            culprit.pos,
            "a word or phrase to look for next to the NOT, as in acme NOT acne",
        )
