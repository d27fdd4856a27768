"""The mastodon source against a local Mastodon stand-in: paging, bursts, restarts, limits."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from ecoute.engine import (
    AuthFailed,
    ConfigError,
    FetchResult,
    MalformedItem,
    RateLimited,
    RawItem,
    SourceError,
)
from ecoute.engine.cleanup import clean_mention
from ecoute.plugins.sources.mastodon import MastodonSource
from ecoute.plugins.sources.mastodon_items import MastodonNormaliser
from ecoute.plugins.sources.rate_limits import quota_wait, retry_after_seconds
from ecoute.plugins.sources.sse import ServerEvent, server_events
from tests.conftest import FakeClock
from tests.plugins.web_fakes import (
    Blocker,
    FakeMastodon,
    fixture_json,
    fixture_text,
    make_source,
    running_server,
)

NORMALISER = MastodonNormaliser()


@pytest.fixture(scope="module")
def shared_server() -> Iterator[HTTPServer]:
    yield from running_server()


@pytest.fixture
def server(shared_server: HTTPServer) -> Iterator[HTTPServer]:
    yield shared_server
    shared_server.clear()


@pytest.fixture
def instance(server: HTTPServer, clock: FakeClock) -> FakeMastodon:
    return FakeMastodon(server, reset_at=clock.now() + timedelta(minutes=5))


def mastodon(instance: FakeMastodon, clock: FakeClock, **options: Any) -> MastodonSource:
    settings = {"instance": instance.base, "tags": ["acmecloud"], **options}
    environ = {"MASTODON_TOKEN": "s3cret", "REVOKED_TOKEN": "revoked"}
    return make_source(MastodonSource, settings, clock, environ=environ)


def numbers(items: list[RawItem]) -> list[int]:
    return [int(item.payload["id"][4:]) for item in items]


async def drain(source: MastodonSource, cursor: str | None) -> tuple[list[RawItem], str | None]:
    """Fetch until the source has no more, as ``ecoute run --once`` does."""
    items: list[RawItem] = []
    while True:
        result = await source.fetch(cursor)
        items += result.items
        cursor = result.cursor or cursor
        if not result.more:
            return items, cursor


def normalise(payload: Any, origin: str = "https://toot.example.fr/api/v1/timelines/tag/x") -> Any:
    mention = NORMALISER.normalise(RawItem("mastodon", payload, source="m", origin=origin))
    return clean_mention(mention)


def test_a_status_becomes_a_mention_with_every_field() -> None:
    mention = normalise(fixture_json("mastodon/status.json"))
    assert mention.id == "mastodon:https://toot.example.fr/users/lucie/statuses/113500000000000100"
    assert mention.url == "https://toot.example.fr/@lucie/113500000000000100"
    assert mention.text == "Trois mois sur #AcmeCloud et la synchro tient bon ! Merci @acme_support"
    assert mention.author.handle == "@lucie@toot.example.fr"
    assert mention.author.name == "Lucie :cloud:"
    assert mention.author.followers == 812
    assert mention.lang == "fr"
    assert mention.created_at == datetime(2026, 11, 21, 10, 15, 30, 123000, tzinfo=UTC)
    assert (mention.likes, mention.shares, mention.replies) == (12, 5, 2)
    assert mention.parent_id is None
    assert mention.raw["id"] == "113500000000000100"


def test_a_content_warning_comes_first_and_a_reply_names_its_parent() -> None:
    mention = normalise(fixture_json("mastodon/status_remote_reply_cw.json"))
    assert mention.text == (
        "CW: Pricing rant & numbers\n"
        "Acme Cloud's new plan costs 3<4 times less than Stratus Box.\nStill switching."
    )
    assert mention.author.handle == "@greg@social.example.com"
    assert mention.parent_id == (
        "mastodon:https://toot.example.fr/api/v1/statuses/113500000000000100"
    )
    imported = normalise(fixture_json("mastodon/status_remote_reply_cw.json"), "file.jsonl:3")
    assert imported.parent_id is None  # the instance that knows that local id is unknown


def test_a_boost_is_unwrapped_to_the_boosted_post() -> None:
    mention = normalise(fixture_json("mastodon/status_boost.json"))
    assert mention.id == "mastodon:https://toot.example.fr/users/lucie/statuses/113500000000000100"
    assert mention.author.handle == "@lucie@toot.example.fr"
    assert mention.shares == 6
    assert mention.extra == {"mastodon": {"boosted_by": "@marc@toot.example.fr"}}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"uri": None}, "field 'uri' is missing"),
        ({"favourites_count": "12"}, "field 'favourites_count' must be an integer"),
        ({"created_at": "yesterday"}, "not an ISO 8601 time"),
        ({"account": "lucie"}, "field 'account' must be a JSON object"),
        ({"content": 5}, "field 'content' must be a string"),
        ({"in_reply_to_id": {"id": 1}}, "in_reply_to_id"),
    ],
)
def test_bad_statuses_are_malformed_items(change: dict[str, Any], message: str) -> None:
    status = {**fixture_json("mastodon/status.json"), **change}
    with pytest.raises(MalformedItem, match=message):
        normalise(status)


def test_the_first_poll_takes_the_latest_page_then_reads_a_burst_page_by_page(
    instance: FakeMastodon, clock: FakeClock
) -> None:
    for n in range(1, 51):
        instance.post(n)

    async def scenario() -> None:
        source = mastodon(instance, clock)
        items, cursor = await drain(source, None)
        assert numbers(items) == list(range(11, 51))  # the newest page, oldest first
        assert "min_id" not in instance.requests[0]
        for n in range(51, 146):  # a burst larger than two pages
            instance.post(n)
        instance.requests.clear()
        items, cursor = await drain(source, cursor)
        assert numbers(items) == list(range(51, 146))
        assert all("since_id" not in r for r in instance.requests)
        assert [r["min_id"][-3:] for r in instance.requests] == ["050", "090", "130", "145"]
        assert json.loads(cursor or "")["timelines"]["tag:acmecloud"]["min_id"][-3:] == "145"
        items, cursor = await drain(source, cursor)
        assert items == []  # nothing new, nothing repeated
        await source.aclose()

    asyncio.run(scenario())


def test_a_restart_in_the_middle_of_a_burst_has_no_gap_and_no_duplicate(
    instance: FakeMastodon, clock: FakeClock
) -> None:
    instance.post(1)

    async def scenario() -> None:
        first = mastodon(instance, clock, pages_per_fetch=1, limit=10)
        _, cursor = await drain(first, None)
        for n in range(2, 40):
            instance.post(n)
        result = await first.fetch(cursor)  # one page, then the process "dies"
        await first.aclose()
        assert result.more and numbers(result.items) == list(range(2, 12))
        second = mastodon(instance, clock, pages_per_fetch=1, limit=10)
        rest, _ = await drain(second, result.cursor)
        await second.aclose()
        assert numbers(result.items) + numbers(rest) == list(range(2, 40))

    asyncio.run(scenario())


def test_a_status_on_two_followed_tags_is_returned_once(
    instance: FakeMastodon, clock: FakeClock
) -> None:
    instance.post(1, tags=[{"name": "acmecloud"}, {"name": "nimbus"}])
    instance.post(2, tag="nimbus")

    async def scenario() -> None:
        source = mastodon(instance, clock, tags=["#acmecloud", "nimbus"])
        items, cursor = await drain(source, None)
        await source.aclose()
        assert numbers(items) == [1, 2]
        assert set(json.loads(cursor or "")["timelines"]) == {"tag:acmecloud", "tag:nimbus"}

    asyncio.run(scenario())


def test_a_spent_quota_waits_for_the_iso_reset_time(
    instance: FakeMastodon, clock: FakeClock
) -> None:
    instance.post(1)
    instance.remaining = 1  # the next reply says 0 left until reset_at (5 min from now)

    async def scenario() -> None:
        source = mastodon(instance, clock)
        items, cursor = await drain(source, None)
        assert numbers(items) == [1]
        sent = len(instance.requests)
        with pytest.raises(RateLimited) as raised:
            await source.fetch(cursor)
        assert raised.value.retry_after == pytest.approx(300)
        assert len(instance.requests) == sent  # nothing sent while the quota is spent
        clock.advance(301)
        instance.remaining = 300
        instance.post(2)
        items, _ = await drain(source, cursor)
        assert numbers(items) == [2]
        await source.aclose()

    asyncio.run(scenario())


def test_a_429_mid_burst_keeps_the_pages_read_and_waits_retry_after(
    instance: FakeMastodon, clock: FakeClock
) -> None:
    instance.post(1)

    async def scenario() -> None:
        source = mastodon(instance, clock, limit=10)
        _, cursor = await drain(source, None)
        for n in range(2, 30):
            instance.post(n)
        page_then_429 = [Response("{}", status=429, headers={"Retry-After": "30"})]
        real_timeline = instance._timeline
        calls = 0

        def flaky(request: Any) -> Response:
            nonlocal calls
            calls += 1
            return page_then_429.pop() if calls == 2 else real_timeline(request)

        instance.server.clear()
        instance.server.expect_request("/api/v1/timelines/tag/acmecloud").respond_with_handler(
            flaky
        )
        result = await source.fetch(cursor)
        assert numbers(result.items) == list(range(2, 12)) and result.more
        assert "HTTP 429" in result.warning
        with pytest.raises(RateLimited) as raised:
            await source.fetch(result.cursor)
        assert raised.value.retry_after == pytest.approx(30)
        clock.advance(30)
        rest, _ = await drain(source, result.cursor)
        assert numbers(rest) == list(range(12, 30))
        await source.aclose()

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("reply", "error", "message"),
    [
        (Response('{"error":"The access token is invalid"}', status=401), AuthFailed, "invalid"),
        (Response("oops", status=500), SourceError, "HTTP 500"),
        (
            Response("<html><body>Bad gateway</body></html>", content_type="text/html"),
            SourceError,
            "expected JSON, got an HTML page",
        ),
        (
            Response('[{"id": "1135000', content_type="application/json"),
            SourceError,
            "expected JSON, got malformed JSON",
        ),
        (Response('{"error": "x"}', content_type="application/json"), SourceError, "a list"),
    ],
)
def test_errors_become_the_engines_errors(
    instance: FakeMastodon, clock: FakeClock, reply: Response, error: type, message: str
) -> None:
    instance.fail_next.append(reply)

    async def scenario() -> None:
        source = mastodon(instance, clock)
        with pytest.raises(error, match=message):
            await source.fetch(None)
        await source.aclose()

    asyncio.run(scenario())


def test_a_503_retry_after_is_passed_on(instance: FakeMastodon, clock: FakeClock) -> None:
    when = clock.now() + timedelta(seconds=90)
    date = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    instance.fail_next.append(Response("down", status=503, headers={"Retry-After": date}))

    async def scenario() -> None:
        source = mastodon(instance, clock)
        with pytest.raises(SourceError) as raised:
            await source.fetch(None)
        assert raised.value.retry_after == pytest.approx(90)
        await source.aclose()

    asyncio.run(scenario())


def test_a_server_that_never_answers_times_out(server: HTTPServer, clock: FakeClock) -> None:
    blocker = Blocker()
    server.expect_request("/api/v1/timelines/tag/acmecloud").respond_with_handler(blocker)

    async def scenario() -> None:
        source = make_source(
            MastodonSource,
            {"instance": server.url_for("/").rstrip("/"), "tags": ["acmecloud"], "timeout": 0.2},
            clock,
        )
        with pytest.raises(SourceError, match="timed out"):
            await source.fetch(None)
        await source.aclose()

    try:
        asyncio.run(scenario())
    finally:
        blocker.release.set()


def test_bad_statuses_in_a_page_are_rejected_and_the_good_ones_kept(
    instance: FakeMastodon, clock: FakeClock
) -> None:
    instance.post(1)
    good = instance.post(2)
    page = [good, "not a status", {"uri": "https://x.example/s/1"}, instance.statuses[0]]
    instance.fail_next.append(Response(json.dumps(page), content_type="application/json"))

    async def scenario() -> FetchResult:
        source = mastodon(instance, clock)
        result = await source.fetch(None)
        await source.aclose()
        return result

    result = asyncio.run(scenario())
    assert numbers(result.items) == [1, 2]
    assert [r.reason for r in result.rejects] == ["status has no id", "status has no id"]


def test_keyword_search_uses_the_token_and_walks_down_to_the_cursor(
    instance: FakeMastodon, clock: FakeClock
) -> None:
    template = fixture_json("mastodon/status.json")

    def found(n: int) -> dict[str, Any]:
        status_id = f"1135{n:014d}"
        return {
            **template,
            "id": status_id,
            "uri": f"https://x.example/s/{n}",
            "content": f"<p>acme cloud {n}</p>",
        }

    instance.search_statuses = [found(n) for n in range(1, 4)]

    async def scenario() -> None:
        source = mastodon(
            instance, clock, tags=[], queries=["acme cloud"], token_env="MASTODON_TOKEN", limit=5
        )
        items, cursor = await drain(source, None)
        assert numbers(items) == [1, 2, 3]
        instance.search_statuses += [found(n) for n in range(4, 17)]
        instance.requests.clear()
        items, cursor = await drain(source, cursor)
        assert sorted(numbers(items)) == list(range(4, 17))
        assert all(r["min_id"].endswith("003") for r in instance.requests)
        assert [r.get("max_id", "")[-3:] for r in instance.requests] == ["", "012", "007"]
        items, _ = await drain(source, cursor)
        assert items == []
        await source.aclose()

    asyncio.run(scenario())


def test_search_and_streaming_need_a_token(clock: FakeClock) -> None:
    base = {"instance": "https://toot.example.fr", "tags": ["acme"]}
    with pytest.raises(ConfigError, match="'queries' needs a user token"):
        make_source(MastodonSource, {**base, "queries": ["acme"]}, clock)
    with pytest.raises(ConfigError, match="'stream' needs a user token"):
        make_source(MastodonSource, {**base, "stream": True}, clock)
    with pytest.raises(ConfigError, match="http:// or https://"):
        make_source(MastodonSource, {**base, "instance": "toot.example.fr"}, clock)
    with pytest.raises(ConfigError, match="nothing to follow"):
        make_source(MastodonSource, {**base, "tags": []}, clock)


# -- streaming ----------------------------------------------------------------


class StreamScript:
    """The streaming endpoint: each connection plays the next script, then ends.

    A script is a list of steps: bytes to send, a callable to run (publish posts on
    the timeline while "disconnected"; bytes it returns are sent), a
    ``threading.Event`` to wait for, or an exception to raise, which drops the
    connection without ending the body.
    """

    def __init__(self, server: HTTPServer, scripts: list[list[Any]]) -> None:
        self.scripts = scripts
        self.connections: list[dict[str, str]] = []
        self.hold = threading.Event()
        server.expect_request("/api/v1/streaming/hashtag").respond_with_handler(self._serve)

    def _serve(self, request: Any) -> Response:
        self.connections.append({"tag": request.args.get("tag", ""), **dict(request.headers)})
        if request.headers.get("Authorization") != "Bearer s3cret":
            return Response('{"error":"Error: Missing access token"}', status=401)
        steps = self.scripts.pop(0) if self.scripts else [b":)\n\n", self.hold]

        def body() -> Iterator[bytes]:
            for step in steps:
                if isinstance(step, bytes):
                    yield step
                elif isinstance(step, threading.Event):
                    step.wait(10)
                elif isinstance(step, Exception):
                    raise step
                else:
                    sent = step()
                    if isinstance(sent, bytes):
                        yield sent

        return Response(body(), mimetype="text/event-stream")


def sse(event: str, payload: Any) -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    return f"event: {event}\ndata: {data}\n\n".encode()


def test_the_stream_delivers_live_posts_and_a_disconnect_is_backfilled_by_polling(
    instance: FakeMastodon, server: HTTPServer, clock: FakeClock
) -> None:
    for n in range(1, 8):
        instance.post(n)
    go = threading.Event()

    def gap() -> None:  # published while the client is disconnected
        instance.post(8)
        instance.post(9)

    stream = StreamScript(
        server,
        [
            # Posts 6 and 7 were also read by the first poll: the stream repeats them.
            [
                b":)\n\n",
                go,
                sse("update", instance.statuses[5]),
                b":thump\n\n",
                sse("delete", "113500000000000003"),
                sse("update", instance.statuses[6]),
                gap,
            ],
            # After the reconnect: post 10 live, then a cut in the middle of an event.
            [
                b":)\n\n",
                lambda: sse("update", instance.post(10)),
                b'event: update\ndata: {"id":"1135000000',
                ConnectionResetError("cut"),
            ],
        ],
    )

    async def scenario() -> list[int]:
        source = mastodon(
            instance, clock, stream=True, token_env="MASTODON_TOKEN", stream_window=2.0
        )
        result = await source.fetch(None)  # connect first, then poll what came before
        seen = numbers(result.items)
        assert seen == list(range(1, 8)) and result.more
        go.set()
        cursor = result.cursor
        for _ in range(20):
            result = await source.fetch(cursor)
            assert not result.rejects
            seen += numbers(result.items)
            cursor = result.cursor or cursor
            if not result.more:
                break
        await source.aclose()
        return seen

    try:
        seen = asyncio.run(scenario())
    finally:
        stream.hold.set()
    assert sorted(seen) == list(range(1, 11)) and len(seen) == len(set(seen))
    assert len(stream.connections) == 3
    assert all(c["tag"] == "acmecloud" for c in stream.connections)
    gap_polls = [r for r in instance.requests if r.get("min_id", "").endswith("007")]
    assert gap_polls, "the reconnect filled the gap by polling from the last post seen"


def test_a_refused_stream_token_is_an_auth_failure(
    instance: FakeMastodon, server: HTTPServer, clock: FakeClock
) -> None:
    StreamScript(server, [])

    async def scenario() -> None:
        source = mastodon(
            instance, clock, stream=True, token_env="REVOKED_TOKEN", stream_window=0.5
        )
        with pytest.raises(AuthFailed, match="401"):
            for _ in range(5):
                await source.fetch(None)
        await source.aclose()

    asyncio.run(scenario())


def test_without_a_streaming_endpoint_the_source_polls_and_retries_later(
    instance: FakeMastodon, server: HTTPServer, clock: FakeClock
) -> None:
    server.expect_request("/api/v1/streaming/hashtag").respond_with_data("", status=404)
    instance.post(1)

    def attempts() -> int:
        return sum(request.path.endswith("/hashtag") for request, _ in server.log)

    async def scenario() -> None:
        source = mastodon(instance, clock, stream=True, token_env="MASTODON_TOKEN")
        items, cursor = await drain(source, None)
        assert numbers(items) == [1] and attempts() == 1
        result = await source.fetch(cursor)
        assert "stream down for #acmecloud: polling instead" in result.warning
        assert attempts() == 1  # the stream is retried later, on the injected clock
        instance.post(2)
        clock.advance(300)
        items, cursor = await drain(source, cursor)
        assert numbers(items) == [2] and attempts() == 2
        await source.aclose()

    asyncio.run(scenario())


def test_server_events_skip_heartbeats_join_data_lines_and_drop_a_cut_event() -> None:
    lines = fixture_text("mastodon/stream_hashtag.sse").split("\n")

    async def read() -> list[ServerEvent]:
        async def source() -> AsyncIterator[str]:
            for line in lines:
                yield line

        return [event async for event in server_events(source())]

    events = asyncio.run(read())
    assert [(e.event, e.id) for e in events] == [
        ("update", None),
        ("delete", None),
        ("status.update", "7"),
    ]
    assert json.loads(events[2].data) == {"id": "2", "uri": "https://a.example/s/2"}
    assert events[1].data == "113500000000000001"


def test_retry_after_and_quota_headers_are_read_against_the_clock(clock: FakeClock) -> None:
    now = clock.now()
    assert retry_after_seconds("120", now) == 120
    date = (now + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert retry_after_seconds(date, now) == pytest.approx(30)
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now) == 0  # in the past
    assert retry_after_seconds("99999999", now) == 6 * 3600  # capped
    assert retry_after_seconds("soon", now) is None
    reset = (now + timedelta(seconds=90)).isoformat().replace("+00:00", "Z")
    assert quota_wait({"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}, now) == 90
    assert quota_wait({"x-ratelimit-remaining": "12", "x-ratelimit-reset": reset}, now) is None
    assert quota_wait({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "x"}, now) is None


def test_requests_carry_a_descriptive_user_agent(instance: FakeMastodon, clock: FakeClock) -> None:
    async def scenario() -> None:
        source = mastodon(instance, clock, contact="ops@example.com")
        await source.fetch(None)
        await source.aclose()

    asyncio.run(scenario())
    request, _ = instance.server.log[-1]
    agent = request.headers["User-Agent"]
    assert agent.startswith("ecoute/") and agent.endswith("contact: ops@example.com")
    assert "Authorization" not in request.headers  # no token configured: none sent
