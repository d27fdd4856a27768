"""Query errors: a message, the query, a caret under the column, what was expected; limits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ecoute.engine import ConfigError, EcouteError
from ecoute.engine.config import load_config
from ecoute.engine.query import MAX_NEAR, MAX_TERMS, QueryError, parse


def error_of(query: str) -> QueryError:
    with pytest.raises(QueryError) as caught:
        parse(query)
    return caught.value


@pytest.mark.parametrize(
    ("query", "column", "message", "expected"),
    [
        ("", 1, "the query is empty", "a word to look for"),
        ("acme OR", 8, "OR is followed by the end of the query", "a word, a phrase or '('"),
        ("acme AND )", 10, "AND is followed by ')'", "a word"),
        ("OR acme", 1, "OR needs something on its left", "a word"),
        ("(acme OR nimbus", 1, "this '(' is not closed", "')'"),
        ("acme)", 5, "this ')' closes nothing", "an operator or the end"),
        ("acme ()", 7, "empty parentheses", "a word inside them"),
        ('acme "cloud', 6, "this phrase is not closed", 'a closing "'),
        ('"acme cloud"x', 13, "unexpected text right after a phrase", "~0, ~1, ~2"),
        ("acme <<< note", 6, "this comment is not closed", "'>>>'"),
        ("acme NEAR outage", 10, "NEAR needs a distance in words", "NEAR/n"),
        ("acme NEAR/x outage", 11, "NEAR needs a distance in words", "from 0 to"),
        (f"a NEAR/{MAX_NEAR + 1} b", 8, f"farther than the limit of {MAX_NEAR}", "from 0 to"),
        ("acme NEAR/3 NOT x", 13, "NEAR/3 is followed by 'NOT'", "a word"),
        ("platform:reddit NEAR/3 x", 1, "NEAR works on words and phrases", "a word, a phrase"),
        ("x NEAR/3 (a AND b)", 11, "NEAR works on words and phrases", "OR group"),
        ("NOT acme", 1, "matches on NOT alone", "acme NOT acne"),
        ("acme OR -spam", 9, "matches on NOT alone", "next to the NOT"),
        ("-a -b", 1, "matches on NOT alone", "a word or phrase"),
        ("acme - acne", 6, "a lone '-' excludes nothing", "-acne"),
        ("foo:bar", 1, "unknown field 'foo:'", "one of author:"),
        ("titel:acme", 1, "unknown field 'titel:'", "did you mean 'title:'"),
        ("author: x", 8, "nothing after 'author:'", "author:value"),
        ("acme~3", 5, "more than the limit of 2 edits", "~0, ~1 or ~2"),
        ("acme~", 5, "'~' needs a number of edits", "~0, ~1 or ~2"),
        ("ac*me", 3, "unexpected '*' inside a word", "at the end"),
        ("a*", 1, "would match too much", "at least 2 letters"),
        ("acme*~1", 1, "a wildcard term takes no ~n", "acme*"),
        ("raw:Acme~1", 5, "raw: terms are exact", ""),
        ("raw:fuzzy:acme", 5, "raw: and fuzzy: cannot be combined", "raw:"),
        ("title:author:x", 7, "author: cannot be used inside title:", "one field per term"),
        ("lang:english", 6, "not a language code", "en, fr or pt-BR"),
        ("!!!", 1, "has no letters or digits", "a word"),
        ("&& acme", 1, "'&&' is not an operator here", "AND"),
        ('"  "', 1, "this phrase has no words", "words between the quotes"),
        ('"acme cl*ud"', 9, "unexpected '*' inside a word", "'*' at the end"),
    ],
)
def test_error_messages_point_at_the_column(
    query: str, column: int, message: str, expected: str
) -> None:
    error = error_of(query)
    assert error.column == column, str(error)
    assert message in error.message
    assert expected in error.expected
    text = str(error)
    line, caret = text.splitlines()[-2:]
    # The caret sits under the column, below the query as it was typed.
    assert line == "    " + query.replace("\t", " ")
    assert caret == " " * (4 + column - 1) + "^"
    assert f"column {column}" in text


def test_query_errors_are_usage_errors_without_traceback() -> None:
    error = error_of("acme OR")
    assert isinstance(error, EcouteError) and error.exit_code == 2


def test_multi_line_queries_show_the_line_of_the_problem() -> None:
    query = "acme cloud <<< the brand >>>\nOR nimbus\nOR (stratus"
    error = error_of(query)
    assert (error.line, error.column) == (3, 4)
    assert "line 3, column 4" in str(error)
    assert str(error).splitlines()[-2:] == ["    OR (stratus", "       ^"]


def test_a_long_query_is_cut_around_the_column() -> None:
    query = " OR ".join(f"brand{i}" for i in range(500)) + " OR"
    text = str(error_of(query))
    line, caret = text.splitlines()[-2:]
    assert len(line) < 120 and line.startswith("    …")
    assert line.rstrip().endswith("OR")
    assert caret.index("^") == len(line)


def test_term_limit_is_enforced_with_a_clear_message() -> None:
    query = " OR ".join(f"w{i}" for i in range(MAX_TERMS + 1))
    error = error_of(query)
    assert f"more than {MAX_TERMS:,} terms" in error.message
    assert query[error.position :].startswith(f"w{MAX_TERMS}")


def test_depth_limit_is_enforced() -> None:
    error = error_of("(" * 60 + "acme" + ")" * 60)
    assert "nested deeper than" in error.message


def test_a_bad_topic_query_is_a_config_error_naming_file_key_and_column(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[topics]]\nname = "Acme"\nquery = "acme"\n\n'
        '[[topics]]\nname = "Nimbus"\nquery = "nimbus OR"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert error.key == "topics[1].query" and error.line == 7
    text = str(error)
    assert f"{path}:7" in text and "topic 'Nimbus'" in text
    assert "OR is followed by the end of the query" in text
    assert "    nimbus OR\n" in text and "             ^" in text


@pytest.mark.slow
def test_config_check_reports_a_bad_query_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[topics]]\nname = "Acme"\nquery = "acme NEAR cloud"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "ecoute", "--config", str(path), "config", "check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "key 'topics[0].query'" in result.stderr
    assert "NEAR needs a distance in words" in result.stderr
    assert "acme NEAR cloud\n" in result.stderr and "         ^" in result.stderr
