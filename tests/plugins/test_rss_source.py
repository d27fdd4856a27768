"""The rss source against local feeds: conditional GET, moves, gone feeds, bozo feeds, OPML."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from ecoute.engine import (
    ConfigError,
    FetchResult,
    Gone,
    MalformedItem,
    RateLimited,
    RawItem,
    SourceError,
)
from ecoute.engine.cleanup import clean_mention
from ecoute.plugins.sources.rss import RssSource
from ecoute.plugins.sources.rss_entries import RssNormaliser
from tests.conftest import FakeClock
from tests.plugins.web_fakes import (
    FIXTURES,
    Blocker,
    FakeFeed,
    fixture_text,
    make_source,
    rss_document,
    running_server,
)


@pytest.fixture(scope="module")
def shared_server() -> Iterator[HTTPServer]:
    yield from running_server()


@pytest.fixture
def server(shared_server: HTTPServer) -> Iterator[HTTPServer]:
    yield shared_server
    shared_server.clear()


def feed_file(name: str) -> bytes:
    return (FIXTURES / "rss" / name).read_bytes()


def rss(clock: FakeClock, *feeds: str, **options: Any) -> RssSource:
    return make_source(RssSource, {"feeds": list(feeds), **options}, clock)


def fetch_once(source: RssSource, cursor: str | None = None) -> FetchResult:
    async def scenario() -> FetchResult:
        try:
            return await source.fetch(cursor)
        finally:
            await source.aclose()

    return asyncio.run(scenario())


def mentions(result: FetchResult) -> list[Any]:
    normaliser = RssNormaliser()
    return [clean_mention(normaliser.normalise(item)) for item in result.items]


def keys(result: FetchResult) -> list[str]:
    return [item.payload["key"] for item in result.items]


def test_an_atom_feed_becomes_mentions(server: HTTPServer, clock: FakeClock) -> None:
    feed = FakeFeed(server, "/atom.xml", feed_file("atom_acme.xml"), "application/atom+xml")
    first, second = mentions(fetch_once(rss(clock, feed.url)))
    assert first.id == "rss:tag:blog.example.net,2026-11-21:/migration-acme"
    assert first.url == "https://blog.example.net/2026/11/migration-acme"
    assert first.title == "Migration vers Acme Cloud : bilan"
    assert first.text == "Trois mois sur Acme Cloud : la synchro est enfin fiable.\nPiège évité."
    assert first.author.handle == "Lucie Martin" and first.author.name == "Lucie Martin"
    assert first.author.url == "https://blog.example.net/about"
    assert first.created_at == datetime(2026, 11, 21, 7, 15, tzinfo=UTC)  # +01:00 to UTC
    assert first.lang == "fr"
    assert first.raw["feed"]["title"] == "Le carnet de Lucie"
    assert second.title == "Nimbus Drive & la facture"
    assert second.text == "La facture de Nimbus Drive a doublé."
    assert second.created_at == datetime(2026, 11, 19, 17, 0, tzinfo=UTC)  # updated only
    assert second.author.handle == "Le carnet de Lucie"  # no author: the feed


def test_an_rss_feed_dedupes_by_guid_then_link_then_content(
    server: HTTPServer, clock: FakeClock
) -> None:
    feed = FakeFeed(server, "/rss.xml", feed_file("rss_acme.xml"))
    result = fetch_once(rss(clock, feed.url))
    outage, price, question, note = mentions(result)
    assert outage.id == "rss:https://news.example.org/2026/11/21/acme-outage"
    assert outage.text == "Users of Acme Cloud reported sync failures for two hours."
    assert outage.created_at == datetime(2026, 11, 21, 8, 45, tzinfo=UTC)
    assert outage.lang == "en"
    assert price.id == f"rss:{feed.url}#4127"  # a bare guid is only unique in its feed
    assert price.author.handle == "Sam Reporter"
    assert question.id == "rss:https://news.example.org/2026/11/19/reader-question"
    assert note.id.startswith("rss:sha256:") and note.title is None
    assert note.created_at == clock.now()  # no date: first seen


def test_conditional_get_skips_unchanged_feeds_and_new_entries_come_once(
    server: HTTPServer, clock: FakeClock
) -> None:
    feed = FakeFeed(server, "/rss.xml", rss_document([("a", "A"), ("b", "B")]))

    async def scenario() -> None:
        source = rss(clock, feed.url)
        first = await source.fetch(None)
        assert keys(first) == ["https://news.example.org/a", "https://news.example.org/b"]
        second = await source.fetch(first.cursor)
        assert second.items == [] and feed.requests[-1]["If-None-Match"] == '"v1"'
        assert "If-Modified-Since" in feed.requests[-1]
        assert json.loads(second.cursor or "") == json.loads(first.cursor or "")  # a 304
        feed.update(rss_document([("c", "C"), ("a", "A"), ("b", "B")]))
        third = await source.fetch(second.cursor)
        assert keys(third) == ["https://news.example.org/c"]
        feed.conditional = False  # a server that ignores conditional GET
        fourth = await source.fetch(third.cursor)
        assert fourth.items == []
        await source.aclose()

    asyncio.run(scenario())


def test_a_restart_resumes_from_the_saved_cursor(server: HTTPServer, clock: FakeClock) -> None:
    feed = FakeFeed(server, "/rss.xml", rss_document([("a", "A")]), conditional=False)
    first = fetch_once(rss(clock, feed.url))
    feed.update(rss_document([("b", "B"), ("a", "A")]))
    again = fetch_once(rss(clock, feed.url), first.cursor)  # a new process, same cursor
    assert keys(again) == ["https://news.example.org/b"]


def test_a_moved_feed_is_followed_and_its_new_url_kept(
    server: HTTPServer, clock: FakeClock
) -> None:
    feed = FakeFeed(server, "/new.xml", rss_document([("a", "A")]))
    server.expect_request("/old.xml").respond_with_response(
        Response(status=301, headers={"Location": "/new.xml"})
    )
    old = server.url_for("/old.xml")

    async def scenario() -> None:
        source = rss(clock, old)
        first = await source.fetch(None)
        assert keys(first) == ["https://news.example.org/a"]
        state = json.loads(first.cursor or "")["feeds"][old]
        assert state["url"] == feed.url
        feed.update(rss_document([("b", "B"), ("a", "A")]))
        second = await source.fetch(first.cursor)
        assert keys(second) == ["https://news.example.org/b"]
        await source.aclose()

    asyncio.run(scenario())
    old_hits = [r for r, _ in server.log if r.path == "/old.xml"]
    assert len(old_hits) == 1  # the second poll went straight to the new address


def test_a_gone_feed_stops_while_the_others_go_on(server: HTTPServer, clock: FakeClock) -> None:
    good = FakeFeed(server, "/good.xml", rss_document([("a", "A")]))
    gone = FakeFeed(server, "/gone.xml", b"")
    gone.fail_next.append(Response("Gone", status=410))

    async def scenario() -> None:
        source = rss(clock, good.url, gone.url)
        first = await source.fetch(None)
        assert keys(first) == ["https://news.example.org/a"]
        assert "HTTP 410" in first.warning
        good.update(rss_document([("b", "B"), ("a", "A")]))
        second = await source.fetch(first.cursor)
        assert keys(second) == ["https://news.example.org/b"]
        assert f"feed {gone.url} is gone" in second.warning
        assert len(gone.requests) == 1  # never asked again
        await source.aclose()

    asyncio.run(scenario())


def test_when_every_feed_is_gone_the_source_is_gone(server: HTTPServer, clock: FakeClock) -> None:
    gone = FakeFeed(server, "/gone.xml", b"")
    gone.fail_next.append(Response("Gone", status=410))
    with pytest.raises(Gone, match="410"):
        fetch_once(rss(clock, gone.url))


def test_an_ill_formed_feed_with_usable_entries_is_used(
    server: HTTPServer, clock: FakeClock
) -> None:
    feed = FakeFeed(server, "/broken.xml", feed_file("rss_truncated.xml"))
    result = fetch_once(rss(clock, feed.url))
    found = mentions(result)
    assert [m.id for m in found][:1] == ["rss:https://forum.example.com/t/1001"]
    assert found[0].text == "После обновления Acme Cloud перестал синхронизировать папки & файлы."
    assert found[0].lang == "ru"


def test_an_html_page_instead_of_a_feed_fails_only_that_feed(
    server: HTTPServer, clock: FakeClock
) -> None:
    good = FakeFeed(server, "/good.xml", rss_document([("a", "A")]))
    html = FakeFeed(server, "/html.xml", b"<html><body><h1>Login</h1></body></html>", "text/html")
    result = fetch_once(rss(clock, good.url, html.url))
    assert keys(result) == ["https://news.example.org/a"]
    assert "not a usable feed" in result.warning
    with pytest.raises(SourceError, match="not a usable feed"):
        fetch_once(rss(clock, html.url))


def test_a_failing_feed_backs_off_on_its_own_clock(server: HTTPServer, clock: FakeClock) -> None:
    good = FakeFeed(server, "/good.xml", rss_document([("a", "A")]))
    flaky = FakeFeed(server, "/flaky.xml", rss_document([("z", "Z")]))
    flaky.fail_next += [Response("oops", status=500), Response("oops", status=500)]

    async def scenario() -> None:
        source = rss(clock, good.url, flaky.url)
        first = await source.fetch(None)
        state = json.loads(first.cursor or "")["feeds"][flaky.url]
        assert state["fails"] == 1 and "HTTP 500" in state["error"]
        await source.fetch(first.cursor)
        assert len(flaky.requests) == 1  # waiting for its retry time
        clock.advance(61)
        second = await source.fetch(first.cursor)
        assert json.loads(second.cursor or "")["feeds"][flaky.url]["fails"] == 2
        clock.advance(121)
        third = await source.fetch(second.cursor)
        assert keys(third) == ["https://news.example.org/z"]
        assert "fails" not in json.loads(third.cursor or "")["feeds"][flaky.url]
        await source.aclose()

    asyncio.run(scenario())


def test_a_429_with_an_http_date_is_rate_limited(server: HTTPServer, clock: FakeClock) -> None:
    feed = FakeFeed(server, "/rss.xml", rss_document([("a", "A")]))
    when = (clock.now() + timedelta(minutes=10)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    feed.fail_next.append(Response("", status=429, headers={"Retry-After": when}))
    with pytest.raises(RateLimited) as raised:
        fetch_once(rss(clock, feed.url))
    assert raised.value.retry_after == pytest.approx(600)


def test_a_timeout_is_a_source_error(server: HTTPServer, clock: FakeClock) -> None:
    blocker = Blocker()
    server.expect_request("/slow.xml").respond_with_handler(blocker)
    try:
        with pytest.raises(SourceError, match="timed out"):
            fetch_once(rss(clock, server.url_for("/slow.xml"), timeout=0.2))
    finally:
        blocker.release.set()


def test_an_oversized_feed_is_refused(server: HTTPServer, clock: FakeClock) -> None:
    feed = FakeFeed(server, "/big.xml", rss_document([(str(n), "x" * 200) for n in range(50)]))
    with pytest.raises(SourceError, match="larger than max_bytes"):
        fetch_once(rss(clock, feed.url, max_bytes=2048))


def test_feeds_come_from_an_opml_file(tmp_path: Path, clock: FakeClock) -> None:
    opml = tmp_path / "feeds.opml"
    opml.write_text(fixture_text("rss/subscriptions.opml"), encoding="utf-8")
    source = make_source(RssSource, {"opml": str(opml)}, clock)
    assert source.feeds == ["http://127.0.0.1:1/atom.xml", "http://127.0.0.1:1/rss.xml"]
    opml.write_text("<opml><body><outline", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a well-formed OPML"):
        make_source(RssSource, {"opml": str(opml)}, clock)
    with pytest.raises(ConfigError, match="no feeds"):
        make_source(RssSource, {}, clock)
    with pytest.raises(ConfigError, match="http:// or https://"):
        make_source(RssSource, {"feeds": ["feed.example.org/rss"]}, clock)
    kept = make_source(RssSource, {"feeds": ["https://x.example/feed/"]}, clock)
    assert kept.feeds == ["https://x.example/feed/"]  # a feed URL is used as written


def test_saved_payloads_and_bare_entries_normalise_without_a_server() -> None:
    normaliser = RssNormaliser()
    bare = {
        "title": "Acme",
        "link": "https://x.example/1",
        "published": "Sat, 21 Nov 2026 10:00:00 GMT",
    }
    mention = normaliser.normalise(RawItem("rss", bare, source="import"))
    assert mention.id == "rss:https://x.example/1"
    assert mention.created_at == datetime(2026, 11, 21, 10, tzinfo=UTC)
    with pytest.raises(MalformedItem, match="field 'title' must be a string"):
        normaliser.normalise(RawItem("rss", {"title": 5, "link": "https://x.example/2"}))
    with pytest.raises(MalformedItem, match="no id, link, title or content"):
        normaliser.normalise(RawItem("rss", {"entry": {"author": "me"}}))
    with pytest.raises(MalformedItem, match="JSON object"):
        normaliser.normalise(RawItem("rss", ["not", "an", "entry"]))
