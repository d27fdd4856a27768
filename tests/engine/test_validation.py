"""The validation boundary: each rule refuses in plain words or coerces as documented."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from ecoute.engine import Annotations, Author, Mention, RawItem, Sentiment, TopicMatch
from ecoute.engine.contracts import FetchResult, Normaliser
from ecoute.engine.runtime.batching import Batch, Normalising
from ecoute.engine.runtime.poller import Fetched
from ecoute.engine.runtime.validation import (
    MAX_JSON_DEPTH,
    MAX_TEXT_CHARS,
    InvalidMention,
    problem_with,
    validate_annotations,
    validate_mention,
)

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def mention(**fields: Any) -> Mention:
    values: dict[str, Any] = {
        "id": "x:1",
        "platform": "x",
        "source": "src",
        "text": "a post",
        "author": Author("someone"),
        "created_at": T0,
    }
    values.update(fields)
    return Mention(**values)


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"likes": 2**63}, "likes 9223372036854775808 is out of range"),
        ({"views": -1}, "views -1 is out of range (it must not be negative)"),
        ({"shares": "12"}, "shares must be a whole number, not a string ('12')"),
        ({"replies": True}, "replies must be a whole number, not true or false"),
        ({"reach": 2.5}, "reach must be a whole number, not a number (2.5)"),
        ({"author": Author("a", followers=2**64)}, "author.followers 18446744073709551616 is"),
        ({"author": 5}, "author must be an object, not a whole number (5)"),
        ({"priority": float("nan")}, "priority must be a finite number, not nan"),
        ({"priority": float("inf")}, "priority must be a finite number, not inf"),
        ({"priority": {"a": 1}}, "priority must be a number, not an object"),
        ({"flags": ["ok", 3]}, "flags[1] must be a string, not a whole number (3)"),
        ({"flags": [["x"]]}, "flags[0] must be a string, not a list"),
        ({"topics": "x"}, "topics must be a list, not a string ('x')"),
        (
            {"topics": [TopicMatch(["a"], "a", "a", 0, 1)]},  # type: ignore[arg-type]
            "topics[0].topic must be a string, not a list",
        ),
        (
            {"topics": [TopicMatch("a", "a", "a", 0, 1, kind="odd")]},  # type: ignore[arg-type]
            "topics[0].kind must be one of exact, fuzzy, phrase, hashtag, handle, field, "
            "wildcard, not 'odd'",
        ),
        (
            {"sentiment": Sentiment("happy", 0.5, "m")},  # type: ignore[arg-type]
            "sentiment.label must be one of negative, neutral, positive, not 'happy'",
        ),
        (
            {"sentiment": Sentiment("neutral", [1], "m")},  # type: ignore[arg-type]
            "sentiment.confidence must be a number, not a list ([1])",
        ),
        (
            {"sentiment": Sentiment("neutral", 1.5, "m")},
            "sentiment.confidence 1.5 is out of range (at most 1.0)",
        ),
        ({"extra": [1]}, "extra must be an object, not a list ([1])"),
        ({"extra": {1: "x"}}, "extra has a key that is not a string (1)"),
        ({"extra": {"a": object()}}, "extra cannot be written as JSON"),
        ({"extra": {"deep": nested(MAX_JSON_DEPTH)}}, "extra is nested more than 64 levels"),
        ({"raw": nested(500)}, "raw is nested more than 64 levels deep"),
        ({"raw": nested(5000)}, "raw is nested more than 64 levels deep"),
        ({"raw": "x" * 1_000_001}, "raw is 1,000,003 bytes long as JSON (at most 1,000,000)"),
        ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "text is 100,001 characters long (at most"),
        ({"text": None}, "text must be a string, not nothing"),
        ({"id": ""}, "id is empty"),
        ({"id": 5}, "id must be a string, not a whole number (5)"),
        ({"created_at": datetime(1900, 1, 1, tzinfo=UTC)}, "created_at year 1900 is out of"),
        ({"collected_at": datetime(2201, 1, 1, tzinfo=UTC)}, "collected_at year 2201 is out"),
        ({"created_at": "yesterday"}, "created_at is not a valid time ('yesterday')"),
        ({"url": 5}, "url must be a string, not a whole number (5)"),
        ({"title": b"x"}, "title must be a string, not a bytes value"),
        ({"lang": ["en"]}, "lang must be a string, not a list"),
        ({"parent_id": 3}, "parent_id must be a string, not a whole number (3)"),
        ({"author": Author("a", name=7)}, "author.name must be a string, not a whole number"),
        ({"author": Author("a", url=["u"])}, "author.url must be a string, not a list"),
    ],
)
def test_invalid_mentions_are_refused_in_plain_words(fields: dict[str, Any], reason: str) -> None:
    bad = mention(**fields)
    with pytest.raises(InvalidMention) as caught:
        validate_mention(bad)
    message = str(caught.value)
    assert reason in message
    assert "Error" not in message and "Expected" not in message and "$." not in message


def test_a_lone_flag_string_is_one_flag() -> None:
    m = validate_mention(mention(flags="bot"))
    assert m.flags == ["bot"]
    annotated = mention()
    Annotations(flags="bot").apply_to(annotated, "s")  # type: ignore[arg-type]
    assert annotated.flags == ["bot"]


def test_documented_coercions_keep_the_mention() -> None:
    naive = datetime(2026, 1, 1, 12, 0)
    paris = datetime(2026, 1, 1, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    m = validate_mention(
        mention(
            created_at=naive,
            collected_at=paris,
            flags=("a", "b"),
            author={"handle": "h", "followers": 3},
            topics=[{"topic": "acme", "term": "acme", "found": "Acme", "start": 0, "end": 4}],
            sentiment={"label": "positive", "confidence": 0.9, "model": "m"},
            raw={"n": float("nan"), "when": T0},
        )
    )
    assert m.created_at == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert m.collected_at == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert m.collected_at.tzinfo is UTC
    assert m.flags == ["a", "b"]
    assert m.author == Author("h", followers=3)
    assert m.topics == [TopicMatch("acme", "acme", "Acme", 0, 4)]
    assert m.sentiment == Sentiment("positive", 0.9, "m")
    m = validate_mention(mention(created_at="2026-03-01T10:00:00+02:00"))
    assert m.created_at == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_limits_are_inclusive() -> None:
    assert problem_with(mention(text="x" * MAX_TEXT_CHARS, likes=2**63 - 1)) is None
    assert problem_with(mention(raw=nested(MAX_JSON_DEPTH))) is None
    assert problem_with(mention(created_at=datetime(1970, 1, 1, tzinfo=UTC))) is None
    assert problem_with(mention(created_at=datetime(2200, 12, 31, tzinfo=UTC))) is None


def test_annotation_check_covers_what_scorers_set() -> None:
    scored = validate_mention(mention())
    scored.priority = {"bad": 1}  # type: ignore[assignment]
    with pytest.raises(InvalidMention, match="priority must be a number"):
        validate_annotations(scored)
    scored = validate_mention(mention())
    Annotations(flags=["x", "y"], extra={"k": [1, 2]}, reach=5).apply_to(scored, "s")
    assert validate_annotations(scored).extra == {"s": {"k": [1, 2]}}
    assert problem_with(replace(scored, reach=2**63), annotations_only=True) is not None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"author": 5}, "field 'author' must be an object or a handle, not a number"),
        ({"topics": "x"}, "field 'topics' must be a list of objects, not a string"),
        ({"topics": ["x"]}, "field 'topics[0]' must be an object, not a string"),
        ({"topics": [{"topic": "a"}]}, "field 'topics[0]' lacks term, found, start, end"),
        ({"sentiment": [1]}, "field 'sentiment' must be an object, not a list"),
        ({"sentiment": {"label": "x", "bogus": 1}}, "field 'sentiment' has unknown field(s)"),
        ({"created_at": "10000-01-01T00:00:00Z"}, "field 'created_at' year 10000 is out of range"),
        ({"created_at": 1e20}, "field 'created_at' timestamp 1e+20 is out of range"),
        ({"created_at": nested(100_000)}, "field 'created_at' must be an ISO 8601 time, not"),
        ({"created_at": "not a time"}, "field 'created_at' is not an ISO 8601 time"),
        ({"bogus": 1, 3: 4}, "unknown field(s): 3, bogus"),
        ({"text": 5}, "field 'text' must be a string, not a number"),
    ],
)
def test_from_dict_raises_clear_value_errors(changes: dict[Any, Any], reason: str) -> None:
    data: dict[Any, Any] = {"id": "x:1", "platform": "x", "text": "t", "created_at": "2026-01-01"}
    data.update(changes)
    with pytest.raises(ValueError) as caught:
        Mention.from_dict(data)
    assert type(caught.value) is ValueError
    assert reason in str(caught.value)


def test_from_dict_reads_a_lone_flag_as_one_flag() -> None:
    data = {"id": "x:1", "platform": "x", "text": "t", "created_at": T0, "flags": "bot"}
    assert Mention.from_dict(data).flags == ["bot"]
    with pytest.raises(ValueError, match="must be an object"):
        Mention.from_dict([1, 2])  # type: ignore[arg-type]


class PassThrough(Normaliser):
    """Builds mentions straight from payload fields, unchecked (as a buggy plugin might)."""

    platform = "raw"

    def normalise(self, item: RawItem) -> Mention:
        return mention(**item.payload)


def test_normalising_rejects_the_invalid_mention_and_keeps_the_others() -> None:
    normalising = Normalising({"raw": PassThrough()}, {})
    payloads: list[dict[str, Any]] = [
        {"id": "x:1"},
        {"id": "x:2", "likes": 2**63},
        {"id": "x:3", "text": 42},  # the clean-up would fail on it: validation comes first
        {"id": "x:4", "flags": "bot"},
    ]
    items = [RawItem("raw", p, origin=f"file:{i}") for i, p in enumerate(payloads)]
    batch = Batch()
    normalising.run(Fetched("src", FetchResult(items, cursor="4")), batch)
    assert [m.id for m in batch.mentions] == ["x:1", "x:4"]
    assert batch.mentions[1].flags == ["bot"]
    reasons = {r.context: r.reason for r in batch.rejects}
    assert reasons["file:1"].startswith("likes 9223372036854775808 is out of range")
    assert reasons["file:2"] == "text must be a string, not a whole number (42)"
    assert all(r.source == "src" and r.platform == "raw" for r in batch.rejects)
    assert normalising.health["source:src"].rejects == 2
