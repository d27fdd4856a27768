"""The helpers every built-in source shares: registration, the HTTP base and query rounds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from ecoute.engine import (
    AuthFailed,
    FetchResult,
    Gone,
    Option,
    RateLimited,
    SourceError,
)
from ecoute.engine.plugins import create_plugin_manager
from ecoute.plugins.sources.http_source import CONTACT_OPTION, TIMEOUT_OPTION, HttpSource
from ecoute.plugins.sources.rate_limits import RateLimiter
from ecoute.plugins.sources.rounds import Round
from tests.conftest import FakeClock
from tests.plugins.web_fakes import make_source, running_server

BUILT_IN_SOURCES = {
    "sources.demo": ("demo", "demo"),
    "sources.jsonl": ("jsonl", "mention"),
    "sources.rss": ("rss", "rss"),
    "sources.mastodon": ("mastodon", "mastodon"),
    "sources.hackernews": ("hackernews", "hackernews"),
}


class EchoSource(HttpSource):
    """A source of a made-up JSON API: its platform logic is one request."""

    type = "echo"
    options = (Option("url", str, required=True), TIMEOUT_OPTION, CONTACT_OPTION)

    async def fetch(self, cursor: str | None) -> FetchResult:
        await self.get_json(self.context.options["url"], what="echo")
        return FetchResult()


@pytest.fixture(scope="module")
def shared_server() -> Iterator[HTTPServer]:
    yield from running_server()


@pytest.fixture
def server(shared_server: HTTPServer) -> Iterator[HTTPServer]:
    yield shared_server
    shared_server.clear()


def echo(server: HTTPServer, clock: FakeClock, path: str, **options: Any) -> EchoSource:
    source: EchoSource = make_source(EchoSource, {"url": server.url_for(path), **options}, clock)
    return source


@pytest.mark.parametrize("plugin", sorted(BUILT_IN_SOURCES))
def test_each_source_module_registers_its_source_and_normaliser(plugin: str) -> None:
    source_type, platform = BUILT_IN_SOURCES[plugin]
    module = f"ecoute.{plugin.replace('sources.', 'plugins.sources.')}"
    plugins = create_plugin_manager(builtins={plugin: module}, load_entry_points=False)
    assert list(plugins.sources()) == [source_type]
    assert list(plugins.normalisers()) == [platform]
    assert plugins.provider("sources", source_type) == plugin
    hooks = __import__(module, fromlist=["register_sources"])
    assert f"``{source_type}`` source" in hooks.register_sources.__doc__
    assert f"``{platform}``" in hooks.register_normalisers.__doc__


def test_the_client_opens_on_first_use_with_the_contact_and_closes(
    server: HTTPServer, clock: FakeClock
) -> None:
    server.expect_request("/api").respond_with_json({"ok": True})
    source = echo(server, clock, "/api", contact="ops@example.org", timeout=3.0)
    assert source._client is None

    async def scenario() -> None:
        assert await source.get_json(server.url_for("/api"), what="echo") == {"ok": True}
        client = source.client
        assert client.timeout.read == 3.0
        await source.aclose()
        assert source._client is None and client.is_closed

    asyncio.run(scenario())
    (request, _), *_ = server.log
    assert "ecoute/" in request.headers["User-Agent"]
    assert request.headers["User-Agent"].endswith("contact: ops@example.org")


@pytest.mark.parametrize(
    ("reply", "error", "words"),
    [
        (Response("slow down", 429, headers={"Retry-After": "120"}), RateLimited, "HTTP 429"),
        (Response("{}", 401), AuthFailed, "HTTP 401"),
        (Response("{}", 403), AuthFailed, "HTTP 403"),
        (Response("{}", 410), Gone, "HTTP 410"),
        (Response("{}", 500), SourceError, "HTTP 500"),
        (Response("<html>hi</html>", 200, content_type="text/html"), SourceError, "HTML page"),
    ],
)
def test_replies_become_the_engines_errors(
    server: HTTPServer, clock: FakeClock, reply: Response, error: type[Exception], words: str
) -> None:
    server.expect_request("/api").respond_with_response(reply)
    source = echo(server, clock, "/api")

    async def scenario() -> None:
        try:
            with pytest.raises(error, match=words) as raised:
                await source.fetch(None)
        finally:
            await source.aclose()
        assert str(raised.value).startswith("echo: ")
        if isinstance(raised.value, RateLimited):
            assert raised.value.retry_after == 120

    asyncio.run(scenario())


def test_a_closed_port_is_a_source_error(clock: FakeClock) -> None:
    source: EchoSource = make_source(EchoSource, {"url": "http://127.0.0.1:9/"}, clock)

    async def scenario() -> None:
        with pytest.raises(SourceError, match=r"^echo: ConnectError"):
            await source.fetch(None)
        await source.aclose()

    asyncio.run(scenario())


def test_a_round_records_each_query_and_stops_when_the_host_refuses(clock: FakeClock) -> None:
    limiter = RateLimiter()
    round_ = Round(logging.getLogger("test.round"))

    async def returns(value: bool) -> bool:
        return value

    async def raises(error: Exception) -> bool:
        raise error

    async def scenario() -> list[str]:
        return [
            await round_.attempt("a", returns(False), limiter, clock),
            await round_.attempt("b", returns(True), limiter, clock),
            await round_.attempt("c", raises(SourceError("c broke")), limiter, clock),
            await round_.attempt("d", raises(RateLimited("wait", retry_after=60)), limiter, clock),
        ]

    assert asyncio.run(scenario()) == ["done", "pending", "failed", "halted"]
    assert (round_.attempted, round_.succeeded, round_.more) == (3, 2, True)
    assert list(round_.failures) == ["c"] and isinstance(round_.halted, RateLimited)
    assert limiter.wait(clock.now()) == 60
