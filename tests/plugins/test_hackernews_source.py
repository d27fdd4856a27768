"""The hackernews source against a local Algolia stand-in: high-water mark, pages, cap, errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from ecoute.engine import ConfigError, MalformedItem, RateLimited, RawItem, SourceError
from ecoute.engine.cleanup import clean_mention
from ecoute.plugins.sources.hackernews import HackerNewsSource
from ecoute.plugins.sources.hackernews_items import HackerNewsNormaliser
from tests.conftest import FakeClock
from tests.plugins.web_fakes import Blocker, FakeAlgolia, fixture_json, make_source, running_server

HITS = fixture_json("hackernews/hits.json")


@pytest.fixture(scope="module")
def shared_server() -> Iterator[HTTPServer]:
    yield from running_server()


@pytest.fixture
def server(shared_server: HTTPServer) -> Iterator[HTTPServer]:
    yield shared_server
    shared_server.clear()


@pytest.fixture
def algolia(server: HTTPServer) -> FakeAlgolia:
    return FakeAlgolia(server)


def now(clock: FakeClock) -> int:
    return int(clock.now().timestamp())


def hn(algolia: FakeAlgolia, clock: FakeClock, **options: Any) -> HackerNewsSource:
    settings = {"queries": ["acme cloud"], "base_url": algolia.base, **options}
    return make_source(HackerNewsSource, settings, clock)


def ids(items: list[RawItem]) -> list[int]:
    return [int(item.payload["objectID"]) for item in items]


async def drain(source: HackerNewsSource, cursor: str | None) -> tuple[list[RawItem], str | None]:
    items: list[RawItem] = []
    while True:
        result = await source.fetch(cursor)
        items += result.items
        cursor = result.cursor or cursor
        if not result.more:
            return items, cursor


def normalise(hit: dict[str, Any]) -> Any:
    return clean_mention(HackerNewsNormaliser().normalise(RawItem("hackernews", hit, source="hn")))


def test_a_comment_becomes_a_mention_with_entities_decoded() -> None:
    mention = normalise(HITS["comment"])
    assert mention.id == "hn:45100010"
    assert mention.url == "https://news.ycombinator.com/item?id=45100010"
    assert mention.text == (
        "I've used Acme Cloud for a year.\n"
        "Sync is fine, but the \"family plan\" pricing is 'creative'.\n"
        "https://acme.example/pricing"
    )
    assert mention.title == "Show HN: A tiny client for Acme Cloud"
    assert mention.author.handle == "gregk"
    assert mention.created_at == datetime(2026, 11, 21, 9, 5, tzinfo=UTC)
    assert mention.likes is None and mention.replies is None
    assert mention.parent_id == "hn:45100001"
    assert mention.raw["objectID"] == "45100010"


def test_stories_keep_points_and_comments_and_a_link_story_uses_its_title() -> None:
    story = normalise(HITS["story"])
    assert story.title == "Show HN: A tiny client for Acme Cloud & friends"
    assert story.text == story.title
    assert (story.likes, story.replies, story.parent_id) == (42, 7, None)
    ask = normalise(HITS["ask"])
    assert ask.text == "We are 6 people & need shared folders.\nWhich one syncs better?"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"objectID": None}, "objectID"),
        ({"created_at_i": "yesterday"}, "epoch seconds"),
        ({"points": "many"}, "field 'points' must be an integer"),
        ({"comment_text": ["x"]}, "field 'comment_text' must be a string"),
        ({"comment_text": None, "story_title": None}, "no text"),
    ],
)
def test_bad_hits_are_malformed_items(change: dict[str, Any], message: str) -> None:
    with pytest.raises(MalformedItem, match=message):
        normalise({**HITS["comment"], **change})


def test_polls_above_the_high_water_mark_and_pages_through_a_burst(
    algolia: FakeAlgolia, clock: FakeClock
) -> None:
    start = now(clock)
    algolia.add(1, start - 30 * 3600)  # older than the first run's look-back
    for n in range(2, 8):
        algolia.add(n, start - 3600 + n)

    async def scenario() -> None:
        source = hn(algolia, clock, hits_per_page=5, since_hours=24)
        items, cursor = await drain(source, None)
        assert sorted(ids(items)) == [2, 3, 4, 5, 6, 7]
        first = algolia.requests[0]
        assert first["numericFilters"] == f"created_at_i>={start - 24 * 3600 - 300}"
        assert (first["query"], first["tags"], first["hitsPerPage"]) == (
            "acme cloud",
            "(story,comment)",
            "5",
        )
        clock.advance(600)
        for n in range(8, 21):  # a burst over three pages
            algolia.add(n, now(clock) - 20 + n)
        algolia.requests.clear()
        items, cursor = await drain(source, cursor)
        assert sorted(ids(items)) == list(range(8, 21))
        hw = start - 3600 + 7
        assert {r["numericFilters"] for r in algolia.requests} == {f"created_at_i>={hw - 300}"}
        assert [r["page"] for r in algolia.requests] == ["0", "1", "2", "3"]  # 6 + 13 hits
        items, _ = await drain(source, cursor)
        assert items == []  # the overlap is re-read, and dropped by objectID
        await source.aclose()

    asyncio.run(scenario())


def test_a_late_indexed_hit_inside_the_overlap_is_caught(
    algolia: FakeAlgolia, clock: FakeClock
) -> None:
    algolia.add(1, now(clock) - 10)

    async def scenario() -> None:
        source = hn(algolia, clock)
        _, cursor = await drain(source, None)
        algolia.add(2, now(clock) - 200)  # created before the mark, indexed after
        items, _ = await drain(source, cursor)
        assert ids(items) == [2]
        await source.aclose()

    asyncio.run(scenario())


def test_a_restart_in_the_middle_of_a_walk_has_no_gap_and_no_duplicate(
    algolia: FakeAlgolia, clock: FakeClock
) -> None:
    for n in range(1, 31):
        algolia.add(n, now(clock) - 1000 + n)

    async def scenario() -> None:
        first = hn(algolia, clock, hits_per_page=10, pages_per_fetch=1)
        result = await first.fetch(None)
        await first.aclose()
        assert result.more and sorted(ids(result.items)) == list(range(21, 31))
        for n in range(31, 36):  # arrivals shift the pages while we are down
            algolia.add(n, now(clock) - 100 + n)
        second = hn(algolia, clock, hits_per_page=10, pages_per_fetch=1)
        rest, cursor = await drain(second, result.cursor)
        assert sorted(ids(rest)) == list(range(1, 21))  # the interrupted walk, finished
        newer, _ = await drain(second, cursor)  # the next poll reads what arrived meanwhile
        await second.aclose()
        got = ids(result.items) + ids(rest) + ids(newer)
        assert sorted(got) == list(range(1, 36)) and len(got) == len(set(got))

    asyncio.run(scenario())


def test_the_1000_hit_cap_narrows_the_time_window(algolia: FakeAlgolia, clock: FakeClock) -> None:
    base = now(clock) - 20000
    for n in range(1, 1251):
        algolia.add(n, base + n)

    async def scenario() -> None:
        source = hn(algolia, clock, hits_per_page=500)
        items, _ = await drain(source, None)
        await source.aclose()
        assert sorted(ids(items)) == list(range(1, 1251))
        ceilings = [r["numericFilters"] for r in algolia.requests if "<=" in r["numericFilters"]]
        assert ceilings and ceilings[0].endswith(f"created_at_i<={base + 251}")

    asyncio.run(scenario())


def test_several_queries_keep_one_state_each(algolia: FakeAlgolia, clock: FakeClock) -> None:
    algolia.add(1, now(clock) - 50)
    algolia.add(2, now(clock) - 40, kind="ask")

    async def scenario() -> None:
        source = hn(algolia, clock, queries=["acme cloud", "nimbus drive"])
        items, cursor = await drain(source, None)
        await source.aclose()
        assert sorted(ids(items)) == [1, 2, 2]  # the store keeps one: same id
        assert set(json.loads(cursor or "")["queries"]) == {"acme cloud", "nimbus drive"}

    asyncio.run(scenario())


def test_a_429_keeps_what_was_read_and_honours_retry_after(
    algolia: FakeAlgolia, clock: FakeClock
) -> None:
    algolia.add(1, now(clock) - 50)
    algolia.add(2, now(clock) - 40, kind="ask")

    async def scenario() -> None:
        source = hn(algolia, clock, queries=["acme cloud", "nimbus drive"])
        first_query_ok = algolia.fail_next
        algolia.requests.clear()
        real = algolia._search

        def second_call_429(request: Any) -> Response:
            if len(algolia.requests) == 1:
                algolia.requests.append({})
                return Response("slow down", status=429, headers={"Retry-After": "120"})
            return real(request)

        assert first_query_ok == []
        algolia.server.clear()
        algolia.server.expect_request("/api/v1/search_by_date").respond_with_handler(
            second_call_429
        )
        result = await source.fetch(None)
        assert sorted(ids(result.items)) == [1, 2] and result.more
        with pytest.raises(RateLimited) as raised:
            await source.fetch(result.cursor)
        assert raised.value.retry_after == pytest.approx(120)
        clock.advance(120)
        items, _ = await drain(source, result.cursor)
        assert ids(items) == [2]  # the second query, from its own first state
        await source.aclose()

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (Response("boom", status=502), "HTTP 502"),
        (Response("<!DOCTYPE html><title>Error</title>", status=200), "an HTML page"),
        (Response('{"hits": [{"objectID": "1"', content_type="application/json"), "malformed"),
        (Response('{"message": "no hits here"}', content_type="application/json"), "'hits'"),
    ],
)
def test_errors_and_bad_bodies_raise_source_errors(
    algolia: FakeAlgolia, clock: FakeClock, reply: Response, message: str
) -> None:
    algolia.fail_next.append(reply)

    async def scenario() -> None:
        source = hn(algolia, clock)
        with pytest.raises(SourceError, match=message):
            await source.fetch(None)
        await source.aclose()

    asyncio.run(scenario())


def test_bad_hits_in_a_page_are_rejected_and_the_good_ones_kept(
    algolia: FakeAlgolia, clock: FakeClock
) -> None:
    good = {**HITS["comment"], "objectID": "7", "created_at_i": now(clock) - 5}
    body = {"hits": [good, "garbage", None], "nbHits": 3, "page": 0, "nbPages": 1}
    algolia.fail_next.append(Response(json.dumps(body), content_type="application/json"))

    async def scenario() -> None:
        source = hn(algolia, clock)
        result = await source.fetch(None)
        await source.aclose()
        assert ids(result.items) == [7]
        assert [r.reason for r in result.rejects] == ["hit is not an object"] * 2

    asyncio.run(scenario())


def test_a_timeout_is_a_source_error(server: HTTPServer, clock: FakeClock) -> None:
    blocker = Blocker()
    server.expect_request("/api/v1/search_by_date").respond_with_handler(blocker)

    async def scenario() -> None:
        base = server.url_for("/api/v1")
        source = make_source(
            HackerNewsSource, {"queries": ["acme"], "base_url": base, "timeout": 0.2}, clock
        )
        with pytest.raises(SourceError, match="timed out"):
            await source.fetch(None)
        await source.aclose()

    try:
        asyncio.run(scenario())
    finally:
        blocker.release.set()


def test_queries_must_be_given(clock: FakeClock) -> None:
    with pytest.raises(ConfigError, match="non-empty list"):
        make_source(HackerNewsSource, {"queries": []}, clock)
    with pytest.raises(ConfigError, match="http"):
        make_source(HackerNewsSource, {"queries": ["x"], "base_url": "hn.algolia.com"}, clock)
