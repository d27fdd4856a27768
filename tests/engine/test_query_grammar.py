"""The query grammar: precedence, implicit AND, phrases, NEAR, fields, overrides, comments."""

from __future__ import annotations

import pytest

from ecoute.engine.query import parse
from ecoute.engine.query.nodes import Field, Near, Not, Or, Phrase, Term, leaves


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("acme", "acme"),
        ("acme cloud", "(acme AND cloud)"),
        ("acme AND cloud", "(acme AND cloud)"),
        ("a OR b c", "(a OR (b AND c))"),
        ("a b OR c", "((a AND b) OR c)"),
        ("a OR b AND c OR d", "(a OR (b AND c) OR d)"),
        ("(a OR b) c", "((a OR b) AND c)"),
        ("a NOT b", "(a AND NOT b)"),
        ("a -b", "(a AND NOT b)"),
        ("a AND NOT b", "(a AND NOT b)"),
        ("a NOT b OR c", "((a AND NOT b) OR c)"),
        ("a NOT (b OR c)", "(a AND NOT (b OR c))"),
        ("NOT NOT a", "NOT NOT a"),
        ("a NEAR/3 b", "(a NEAR/3 b)"),
        ("a ONEAR/0 b", "(a ONEAR/0 b)"),
        ("a NEAR/2 b c", "((a NEAR/2 b) AND c)"),
        ("a NEAR/2 b NEAR/4 c", "((a NEAR/2 b) NEAR/4 c)"),
        ("(a OR b) NEAR/5 (c OR d)", "((a OR b) NEAR/5 (c OR d))"),
        ("NOT a NEAR/1 b c", "(NOT (a NEAR/1 b) AND c)"),
        ('"acme cloud" OR acmecloud', '("acme cloud" OR acmecloud)'),
        ("acme <<< the brand >>> cloud", "(acme AND cloud)"),
        ("acme <<< multi\nline >>>\nOR nimbus", "(acme OR nimbus)"),
        ("acme AND (cloud<<<c>>>)", "(acme AND cloud)"),
        ("and or not", "(and AND or AND not)"),  # operators are written in capitals
        ("acme-cloud", "acme-cloud"),
        ("platform:(reddit OR mastodon) acme", "((platform:reddit OR platform:mastodon) AND acme)"),
    ],
)
def test_precedence_and_structure(query: str, tree: str) -> None:
    assert str(parse(query)) == tree


def test_adjacent_operands_of_every_kind_are_anded() -> None:
    tree = parse('acme "big outage" (x OR y) -spam title:news')
    assert str(tree) == '(acme AND "big outage" AND (x OR y) AND NOT spam AND title:news)'


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("acme", Term("acme", "acme", 0)),
        ("acme~0", Term("acme", "acme~0", 0, max_edits=0)),
        ("acmecloud~2", Term("acmecloud", "acmecloud~2", 0, max_edits=2)),
        ("acme*", Term("acme", "acme*", 0, wildcard=True)),
        ("raw:Acme", Term("Acme", "raw:Acme", 0, raw=True)),
        ("fuzzy:form", Term("form", "fuzzy:form", 0, force=True)),
        ("fuzzy:form~2", Term("form", "fuzzy:form~2", 0, max_edits=2, force=True)),
        ("#AcmeCloud", Term("AcmeCloud", "#AcmeCloud", 0, sigil="#")),
        ("@acme_support", Term("acme_support", "@acme_support", 0, sigil="@")),
        ("title:acme", Term("acme", "title:acme", 0, field="title")),
        ("text:raw:Acme", Term("Acme", "text:raw:Acme", 0, field="text", raw=True)),
        ('"acme cloud"', Phrase("acme cloud", '"acme cloud"', 0)),
        ('"acme cloud"~0', Phrase("acme cloud", '"acme cloud"~0', 0, max_edits=0)),
        ('title:"acme cloud"', Phrase("acme cloud", 'title:"acme cloud"', 0, field="title")),
        ("author:@jdupont", Field("author", "jdupont", "author:@jdupont", 0)),
        ("author:acme*", Field("author", "acme", "author:acme*", 0, wildcard=True)),
        ("platform:reddit", Field("platform", "reddit", "platform:reddit", 0)),
        ("lang:pt-BR", Field("lang", "pt-BR", "lang:pt-BR", 0)),
        (
            "site:https://www.Acme-Cloud.example/blog",
            Field("site", "acme-cloud.example", "site:https://www.Acme-Cloud.example/blog", 0),
        ),
        ('author:"Jean Dupont"', Field("author", "Jean Dupont", 'author:"Jean Dupont"', 0)),
    ],
)
def test_leaves_keep_their_options_and_source(query: str, expected: object) -> None:
    assert parse(query) == expected


def test_field_prefix_applies_to_a_whole_group() -> None:
    tree = parse("title:(acme OR nimbus*)")
    assert isinstance(tree, Or)
    assert [leaf.field for leaf in leaves(tree)] == ["title", "title"]  # type: ignore[union-attr]


def test_positions_point_into_the_query() -> None:
    query = 'acme NOT (acne OR "face wash") NEAR/2 x'
    for leaf in leaves(parse(query)):
        assert query[leaf.pos :].startswith(leaf.source)


def test_near_keeps_distance_and_order() -> None:
    tree = parse("acme ONEAR/7 outage")
    assert isinstance(tree, Near) and tree.distance == 7 and tree.ordered
    assert isinstance(parse("-acme x"), object)
    negated = parse("x -acme")
    assert str(negated) == "(x AND NOT acme)"
    assert isinstance(negated.children[1], Not)  # type: ignore[union-attr]


def test_a_ten_thousand_term_or_parses_without_recursion() -> None:
    query = " OR ".join(f"brand{i}" for i in range(10_000))
    tree = parse(query)
    assert isinstance(tree, Or) and len(tree.children) == 10_000
