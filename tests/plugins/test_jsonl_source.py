"""Tests of the jsonl source (cursor, bad lines, following a file) and the mention normaliser."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ecoute.engine import (
    Author,
    ComponentContext,
    FetchResult,
    MalformedItem,
    Mention,
    RawItem,
    Sentiment,
    SourceError,
    TopicMatch,
)
from ecoute.engine.cleanup import clean_mention
from ecoute.engine.plugins import create_plugin_manager
from ecoute.plugins.sinks.jsonl import JsonlSink
from ecoute.plugins.sources.demo import DemoNormaliser, DemoStream
from ecoute.plugins.sources.jsonl import JsonlCursor, JsonlSource, MentionNormaliser
from tests.conftest import FakeClock


def context(name: str = "file", **options: Any) -> ComponentContext:
    return ComponentContext(
        name=name, options=options, logger=logging.getLogger("test.jsonl"), clock=FakeClock()
    )


def source(path: Path, **options: Any) -> JsonlSource:
    return JsonlSource(context(path=str(path), **options))


def fetch(src: JsonlSource, cursor: str | None) -> FetchResult:
    return asyncio.run(src.fetch(cursor))


def lines(*objects: Any) -> str:
    return "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objects)


def test_reads_objects_in_batches(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(lines(*({"n": n} for n in range(5))), encoding="utf-8")
    src = source(path, batch_lines=2)
    first = fetch(src, None)
    assert [i.payload for i in first.items] == [{"n": 0}, {"n": 1}]
    assert first.more is True
    assert first.items[0].platform == "mention"
    assert first.items[0].source == "file"
    assert first.items[1].origin == f"{path}:2"
    second = fetch(src, first.cursor)
    third = fetch(src, second.cursor)
    assert [i.payload["n"] for i in second.items + third.items] == [2, 3, 4]
    assert third.more is False
    assert fetch(src, third.cursor).items == []
    assert fetch(src, third.cursor).cursor == third.cursor


def test_bad_lines_are_rejects_with_their_line_numbers_across_fetches(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        lines({"n": 1}, "{not json", "", {"n": 2}, "[1, 2]", "   ", '"text"', {"n": 3}, "{,}"),
        encoding="utf-8",
    )
    src = source(path, batch_lines=3)
    cursor = None
    items: list[RawItem] = []
    rejects = []
    for _ in range(5):
        result = fetch(src, cursor)
        items += result.items
        rejects += result.rejects
        cursor = result.cursor
    assert [i.payload["n"] for i in items] == [1, 2, 3]
    assert [r.context for r in rejects] == [f"{path}:2", f"{path}:5", f"{path}:7", f"{path}:9"]
    assert rejects[0].reason.startswith("not valid JSON")
    assert rejects[0].excerpt == "{not json"
    assert rejects[1].reason.startswith(
        "expected one mention per line, found a JSON array of 2 items"
    )
    assert rejects[2].reason == "expected one mention per line, found a string"
    assert [i.origin for i in items] == [f"{path}:1", f"{path}:4", f"{path}:8"]


def test_line_numbers_survive_a_new_process(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(lines({"n": 1}, {"n": 2}, "oops", {"n": 4}), encoding="utf-8")
    cursor = fetch(source(path, batch_lines=2), None).cursor
    result = fetch(source(path, batch_lines=2), cursor)
    assert [r.context for r in result.rejects] == [f"{path}:3"]
    assert [i.origin for i in result.items] == [f"{path}:4"]


def test_non_utf8_line_is_rejected_and_excerpt_is_safe(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"n": 1}\n\xff\xfe bad \x1b[2J\n{"x": "raw \x1b[2J\tcontrol"}\n')
    result = fetch(source(path), None)
    assert [r.context for r in result.rejects] == [f"{path}:2"]
    assert "UTF-8" in result.rejects[0].reason
    assert "\x1b" not in result.rejects[0].excerpt
    assert [i.payload for i in result.items] == [{"n": 1}, {"x": "raw \x1b[2J\tcontrol"}]


def test_a_partial_last_line_waits_for_its_end(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"n": 1}\n{"n": 2', encoding="utf-8")
    src = source(path)
    first = fetch(src, None)
    assert [i.payload for i in first.items] == [{"n": 1}]
    assert first.rejects == []
    with path.open("a", encoding="utf-8") as file:
        file.write('}\n{"n": 3}\n')
    second = fetch(src, first.cursor)
    assert [i.payload for i in second.items] == [{"n": 2}, {"n": 3}]
    assert [i.origin for i in second.items] == [f"{path}:2", f"{path}:3"]


def test_follows_an_appended_file(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(lines({"n": 1}), encoding="utf-8")
    src = source(path)
    cursor = fetch(src, None).cursor
    with path.open("a", encoding="utf-8") as file:
        file.write(lines({"n": 2}))
    assert [i.payload for i in fetch(src, cursor).items] == [{"n": 2}]


def test_truncated_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(lines({"n": 1}, {"n": 2}, {"n": 3}), encoding="utf-8")
    src = source(path)
    cursor = fetch(src, None).cursor
    with path.open("r+", encoding="utf-8") as file:
        file.truncate(0)
    path.write_text(lines({"m": 1}), encoding="utf-8")
    result = fetch(src, cursor)
    assert [i.payload for i in result.items] == [{"m": 1}]
    assert result.items[0].origin == f"{path}:1"


def test_rewritten_file_longer_than_before_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(lines({"n": 1}), encoding="utf-8")
    src = source(path)
    cursor = fetch(src, None).cursor
    with path.open("r+", encoding="utf-8") as file:  # same inode, new content
        file.truncate(0)
        file.write(lines({"new": "first line, longer"}, {"new": 2}, {"new": 3}))
    result = fetch(src, cursor)
    assert [i.payload["new"] for i in result.items] == ["first line, longer", 2, 3]


def test_replaced_file_is_read_from_its_start(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(lines({"n": 1}, {"n": 2}), encoding="utf-8")
    src = source(path)
    cursor = fetch(src, None).cursor
    replacement = tmp_path / "new.jsonl"
    replacement.write_text(lines({"n": 1}, {"n": 2}, {"n": 3}), encoding="utf-8")
    os.replace(replacement, path)
    assert [i.payload["n"] for i in fetch(src, cursor).items] == [1, 2, 3]


def test_unreadable_cursor_starts_over(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(lines({"n": 1}), encoding="utf-8")
    assert len(fetch(source(path), "garbage").items) == 1
    assert JsonlCursor.parse("1:2:3") is None
    assert JsonlCursor.parse("1:-2:3:4") is None
    assert str(JsonlCursor.parse("5:10:2:99")) == "5:10:2:99"


def test_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes("\ufeff".encode() + b'{"n": 1}\n')
    assert [i.payload for i in fetch(source(path), None).items] == [{"n": 1}]


def test_missing_file_is_a_source_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.jsonl"
    with pytest.raises(SourceError, match=r"nowhere\.jsonl"):
        fetch(source(path), None)
    with pytest.raises(SourceError, match="folder"):
        fetch(source(tmp_path), None)


def test_platform_option_names_the_normaliser(tmp_path: Path) -> None:
    path = tmp_path / "raw.jsonl"
    path.write_text(lines({"network": "mastodon"}), encoding="utf-8")
    assert fetch(source(path, platform="demo"), None).items[0].platform == "demo"


# -- the mention normaliser --------------------------------------------------------


def full_mention() -> Mention:
    return Mention(
        id="mastodon:123",
        platform="mastodon",
        text="Mon #AcmeCloud ne synchronise plus 😡",
        created_at=datetime(2026, 3, 1, 11, 59, 30, 250000, tzinfo=UTC),
        author=Author(
            "jdupont@mastodon.example", "Jean Dupont", 321, "https://mastodon.example/@jdupont"
        ),
        source="demo",
        url="https://mastodon.example/@jdupont/123",
        title=None,
        lang="fr",
        collected_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
        likes=4,
        shares=1,
        replies=0,
        views=None,
        parent_id="mastodon:100",
        raw={"id": "123", "content": "<p>Mon #AcmeCloud</p>"},
        topics=[TopicMatch("acme", "acmecloud", "AcmeCloud", 5, 14, 0, "hashtag")],
        sentiment=Sentiment("negative", 0.93, "ecoute-small"),
        priority=0.8,
        reach=321,
        flags=["needs-reply"],
        extra={"scorer": {"x": 1}},
    )


def test_mention_normaliser_reads_to_dict_output() -> None:
    mention = full_mention()
    payload = json.loads(json.dumps(mention.to_dict()))
    assert MentionNormaliser().normalise(RawItem("mention", payload, source="file")) == mention


def test_mention_normaliser_fills_in_the_source() -> None:
    payload = full_mention().to_dict()
    payload["source"] = ""
    result = MentionNormaliser().normalise(RawItem("mention", payload, source="file"))
    assert result.source == "file"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": None}, "missing field 'id'"),
        ({"text": 5}, "field 'text' must be a string"),
        ({"created_at": "last tuesday"}, "is not an ISO 8601 time"),
        ({"bogus": 1}, "unknown field"),
        ({"author": {"handle": "x", "karma": 3}}, "not a mention"),
        ({"author": {"handle": 7}}, "field 'author.handle' must be a string"),
        ({"likes": "12"}, "field 'likes' must be an integer"),
        ({"url": ["x"]}, "field 'url' must be a string"),
        ({"topics": "acme"}, "not a mention"),
        ({"sentiment": {"label": "negative"}}, "not a mention"),
        ({"platform": 3}, "field 'platform' must be a string"),
    ],
)
def test_mention_normaliser_rejects_bad_payloads(change: dict[str, Any], message: str) -> None:
    payload = {**full_mention().to_dict(), **change}
    with pytest.raises(MalformedItem, match=message):
        MentionNormaliser().normalise(RawItem("mention", payload))


def test_mention_normaliser_rejects_non_objects() -> None:
    with pytest.raises(MalformedItem, match="got list"):
        MentionNormaliser().normalise(RawItem("mention", [1, 2]))


# -- round trip: sink, source, normaliser -------------------------------------------


@pytest.mark.parametrize("include_raw", [True, False])
def test_round_trip_through_sink_source_and_normaliser(tmp_path: Path, include_raw: bool) -> None:
    stream = DemoStream(seed=3)
    demo = DemoNormaliser()
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    mentions = [
        clean_mention(demo.normalise(RawItem("demo", stream.payload(i, now), source="demo")))
        for i in range(300)
    ]
    mentions[0].topics = [TopicMatch("acme", "acme", "Acme", 0, 4)]
    mentions[0].sentiment = Sentiment("positive", 0.5, "m")
    path = tmp_path / "out" / "mentions.jsonl"
    sink = JsonlSink(context(path=str(path), include_raw=include_raw))
    sink.write(mentions[:100])
    sink.write(mentions[100:])
    sink.close()
    src = source(path, batch_lines=128)
    normaliser = MentionNormaliser()
    back: list[Mention] = []
    cursor = None
    while True:
        result = fetch(src, cursor)
        assert result.rejects == []
        back += [normaliser.normalise(item) for item in result.items]
        cursor = result.cursor
        if not result.more:
            break
    if not include_raw:
        for mention in mentions:
            mention.raw = None
    assert back == mentions


def test_plugin_registers_source_and_normaliser() -> None:
    plugins = create_plugin_manager(
        builtins={"sources.jsonl": "ecoute.plugins.sources.jsonl"}, load_entry_points=False
    )
    assert plugins.sources()["jsonl"] is JsonlSource
    assert isinstance(plugins.normalisers()["mention"], MentionNormaliser)
    assert JsonlSource.default_interval == 5.0
