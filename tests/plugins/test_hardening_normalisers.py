"""Normalisers give plain reasons for bad dates and ids, and wrong types never crash clean-up."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from ecoute.engine import Author, MalformedItem, Mention, Normaliser, RawItem
from ecoute.engine.cleanup import clean_mention
from ecoute.engine.runtime.batching import Batch, Normalising
from ecoute.plugins.sources.demo import DemoNormaliser, DemoStream
from ecoute.plugins.sources.hackernews_items import HackerNewsNormaliser
from ecoute.plugins.sources.jsonl import MentionNormaliser
from ecoute.plugins.sources.mastodon_items import MastodonNormaliser
from ecoute.plugins.sources.rss_entries import RssNormaliser
from tests.plugins.web_fakes import fixture_json

HITS = fixture_json("hackernews/hits.json")
STATUS = fixture_json("mastodon/status.json")
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PAST_THE_END = "9999-12-31T23:59:59-05:00"  # year 10000 in UTC
BEFORE_THE_START = "0001-01-01T00:00:00+05:00"  # year 0 in UTC


def hit(**changes: Any) -> dict[str, Any]:
    return {**HITS["comment"], **changes}


def status(**changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(STATUS), **changes}


def mention_payload(**changes: Any) -> dict[str, Any]:
    base = {"id": "t:1", "platform": "test", "text": "hello", "created_at": "2026-01-01T00:00:00Z"}
    return {**base, **changes}


def demo_payload(**changes: Any) -> dict[str, Any]:
    return {**DemoStream(seed=42).payload(0, NOW), **changes}


CASES = [
    (HackerNewsNormaliser(), "hackernews", hit(created_at_i=1e20), "created_at_i' 1e+20 is out of"),
    (
        HackerNewsNormaliser(),
        "hackernews",
        hit(created_at_i=None, created_at=PAST_THE_END),
        f"created_at' {PAST_THE_END} is out of range",
    ),
    (
        HackerNewsNormaliser(),
        "hackernews",
        hit(objectID=["1", "2"]),
        "objectID' must be a string or number, got a list",
    ),
    (HackerNewsNormaliser(), "hackernews", hit(objectID={"id": 1}), "got an object"),
    (HackerNewsNormaliser(), "hackernews", hit(objectID=None), "objectID' is missing"),
    (
        MastodonNormaliser(),
        "mastodon",
        status(created_at=PAST_THE_END),
        f"created_at' {PAST_THE_END} is out of range",
    ),
    (MastodonNormaliser(), "mastodon", status(created_at=BEFORE_THE_START), "is out of range"),
    (DemoNormaliser(), "demo", demo_payload(posted_at=PAST_THE_END), "is out of range"),
    (MentionNormaliser(), "mention", mention_payload(created_at=1e20), "out of range"),
    (MentionNormaliser(), "mention", mention_payload(created_at=PAST_THE_END), "out of range"),
    (
        MentionNormaliser(),
        "mention",
        mention_payload(author={"handle": "h", "name": 5}),
        "author.name' must be a string, got a number",
    ),
    (
        MentionNormaliser(),
        "mention",
        mention_payload(author={"handle": "h", "url": ["https://x.example"]}),
        "author.url' must be a string, got a list",
    ),
]


@pytest.mark.parametrize(("normaliser", "platform", "payload", "reason"), CASES)
def test_bad_values_are_malformed_items_in_plain_words(
    normaliser: Normaliser, platform: str, payload: Any, reason: str
) -> None:
    with pytest.raises(MalformedItem) as caught:
        normaliser.normalise(RawItem(platform, payload))
    assert reason in str(caught.value)
    assert "Error" not in str(caught.value)


@pytest.mark.parametrize(("normaliser", "platform", "payload", "reason"), CASES)
def test_through_the_pipeline_they_are_rejects_not_normaliser_errors(
    normaliser: Normaliser, platform: str, payload: Any, reason: str
) -> None:
    normalising = Normalising({platform: normaliser}, {})
    batch = Batch()
    assert normalising.one("file", RawItem(platform, payload, origin="f:1"), batch) is None
    (reject,) = batch.rejects
    assert reason in reject.reason and "raised" not in reject.reason
    assert "normaliser:" + platform not in normalising.health  # not counted as a plugin bug


def test_an_rss_entry_with_an_out_of_range_date_takes_the_time_it_was_seen() -> None:
    for published in (PAST_THE_END, "Fri, 31 Dec 9999 23:59:59 -0500"):
        item = RawItem("rss", {"title": "Acme", "published": published}, fetched_at=NOW)
        assert RssNormaliser().normalise(item).created_at == NOW


# -- clean_mention is total ------------------------------------------------------------------


def wrong_types(**fields: Any) -> Mention:
    mention = Mention(
        id="t:1", platform="test", text="hello", created_at=NOW, author=Author("someone")
    )
    for name, value in fields.items():
        target = mention.author if name.startswith("author_") else mention
        setattr(target, name.removeprefix("author_"), value)
    return mention


@pytest.mark.parametrize(
    "fields",
    [
        {"author_name": 42},
        {"author_url": ["https://x.example"]},
        {"author_handle": None},
        {"author_name": {"first": "A"}},
        {"text": 5},
        {"title": ["t"]},
        {"url": 3.5},
        {"author": "just a handle"},
        {"author": None},
        {"text": None, "title": b"bytes", "url": object()},
    ],
)
def test_clean_mention_never_raises_and_leaves_wrong_types_for_validation(
    fields: dict[str, Any],
) -> None:
    mention = wrong_types(**fields)
    assert clean_mention(mention) is mention
    for name, value in fields.items():
        target = mention.author if name.startswith("author_") else mention
        assert getattr(target, name.removeprefix("author_")) is value


def test_clean_mention_still_cleans_the_fields_that_are_strings() -> None:
    mention = wrong_types(author_name=7)
    mention.text = "<p>Acme \x1b[2J cloud</p>"
    mention.url = "https://X.example/a?utm_source=x"
    clean_mention(mention)
    assert mention.text == "Acme cloud"
    assert mention.url == "https://x.example/a"
    assert mention.author.name == 7
