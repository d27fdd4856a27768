"""Server words in source errors (bodies, reason phrases, redirects) never carry escapes."""

from __future__ import annotations

import asyncio
import json
import socket
import socketserver
import threading
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from ecoute.engine import SourceError
from ecoute.plugins.sources.hackernews import HackerNewsSource
from ecoute.plugins.sources.rss import RssSource
from tests.conftest import FakeClock
from tests.plugins.web_fakes import make_source

HOSTILE = "\x1b]52;c;aGVsbG8=\x07\x1b[2J\x9b31m\u202egnp.exe\u2066\x1b]8;;http://evil\x1b\\"


def unsafe(text: str) -> list[str]:
    """Characters a terminal would act on: C0 (but none allowed here), DEL, C1, format."""
    return [c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp")]


class _Canned(socketserver.BaseRequestHandler):
    """Answers every request with the server's bytes, exactly as given."""

    def handle(self) -> None:
        self.request.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            data += chunk
        self.request.sendall(self.server.reply)  # type: ignore[attr-defined]


class RawServer(socketserver.ThreadingTCPServer):
    """A loopback HTTP server whose reply bytes a test sets (no framework cleans them)."""

    daemon_threads = True
    allow_reuse_address = True
    reply = b""

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    server = RawServer(("127.0.0.1", 0), _Canned)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def reply(status: bytes, body: bytes, *headers: bytes) -> bytes:
    head = [status, *headers, b"Content-Length: " + str(len(body)).encode(), b"Connection: close"]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def hn_error(server: RawServer, clock: FakeClock) -> SourceError:
    source = make_source(
        HackerNewsSource, {"queries": ["acme"], "base_url": server.base, "timeout": 5}, clock
    )

    async def scenario() -> Any:
        try:
            return await source.fetch(None)
        finally:
            await source.aclose()

    with pytest.raises(SourceError) as caught:
        asyncio.run(scenario())
    return caught.value


@pytest.mark.parametrize(
    "server_reply",
    [
        reply(
            b"HTTP/1.1 500 Internal\x9b2J Error",
            json.dumps({"error": HOSTILE}).encode(),
            b"Content-Type: application/json",
        ),
        reply(b"HTTP/1.1 200 OK", HOSTILE.encode("utf-8"), b"Content-Type: text/html"),
        reply(b"HTTP/1.1 200 OK", b'{"no_hits": "' + HOSTILE.encode("utf-8") + b'"}'),
        reply(b"HTTP/1.1 503 Busy\x1b[2J", b""),  # refused by the HTTP parser: its message
    ],
)
def test_a_web_source_error_never_echoes_a_raw_escape(
    raw_server: RawServer, clock: FakeClock, server_reply: bytes
) -> None:
    raw_server.reply = server_reply
    error = hn_error(raw_server, clock)
    assert unsafe(str(error)) == [], str(error)
    assert str(error).startswith("hackernews query 'acme': ")


def test_an_error_body_is_quoted_with_its_escapes_made_visible(
    raw_server: RawServer, clock: FakeClock
) -> None:
    body = json.dumps({"error": "quota\x1b[2J exceeded"}).encode()
    raw_server.reply = reply(b"HTTP/1.1 500 Oops", body, b"Content-Type: application/json")
    message = str(hn_error(raw_server, clock))
    assert message == "hackernews query 'acme': HTTP 500 Oops (quota\\x1b[2J exceeded)"


def test_a_redirect_to_an_address_with_controls_is_refused_in_plain_words(
    raw_server: RawServer, clock: FakeClock
) -> None:
    raw_server.reply = reply(b"HTTP/1.1 301 Moved", b"", b"Location: /feed\x9b2J\xe2\x80\xae.xml")
    source = make_source(RssSource, {"feeds": [raw_server.base + "/feed.xml"]}, clock)

    async def scenario() -> Any:
        try:
            return await source.fetch(None)
        finally:
            await source.aclose()

    with pytest.raises(SourceError) as caught:
        asyncio.run(scenario())
    message = str(caught.value)
    assert "redirected to an address with control characters" in message
    assert unsafe(message) == []


def test_raw_server_answers(raw_server: RawServer) -> None:
    raw_server.reply = reply(b"HTTP/1.1 200 OK", b"hi")
    with socket.create_connection(raw_server.server_address[:2], timeout=5) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert conn.recv(4096).endswith(b"hi")
