"""The ``mastodon`` source: hashtag timelines (and, with a user token, search and streaming)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from ecoute.engine import (
    AuthFailed,
    ComponentContext,
    ConfigError,
    FetchResult,
    Option,
    RawItem,
    Reject,
    truncate_excerpt,
)

from .http import check_base_url
from .http_source import CONTACT_OPTION, TIMEOUT_OPTION, HttpSource
from .mastodon_items import MastodonNormaliser, id_order, status_id
from .mastodon_pages import MastodonPages
from .mastodon_stream import StreamEvent, StreamHub
from .rate_limits import RateLimiter
from .registration import source_hooks
from .rounds import Round, dump_cursor, load_cursor


class MastodonSource(HttpSource):
    """Follows hashtags on one instance, and keyword searches when a token is given.

    Hashtag timelines are polled with ``min_id`` = the newest status seen, following
    the ``Link rel="prev"`` pages until one comes back empty, so a burst larger than
    a page is read whole. Searches walk down from the newest result to the cursor
    with ``max_id``. The cursor keeps one state per ``tag:<name>`` / ``q:<terms>``.
    With ``stream = true`` each hashtag also has a streaming connection; a
    disconnect is followed by a poll that fills the gap before reading it again.
    """

    type = "mastodon"
    description = "Mastodon hashtag timelines, keyword search and streaming on one instance."
    default_interval = 60.0
    options = (
        Option(
            "instance", str, required=True, help='the instance URL, e.g. "https://mastodon.social"'
        ),
        Option("tags", list, [], help='hashtags to follow, without "#"'),
        Option("queries", list, [], help="keyword searches (need a token with read:search)"),
        Option("token", str, secret=True, help="user access token (token_env = VARIABLE)"),
        Option("stream", bool, False, help="stream the hashtags live (needs a token)"),
        Option("limit", int, 40, help="statuses per request (1-40)", minimum=1),
        Option("pages_per_fetch", int, 10, help="pages per tag before yielding", minimum=1),
        Option(
            "stream_window", float, 30.0, help="seconds a fetch waits for live posts", minimum=0
        ),
        Option(
            "poll_every", float, 300.0, help="streaming: seconds between search polls", minimum=1
        ),
        TIMEOUT_OPTION,
        Option(
            "idle_timeout",
            float,
            120.0,
            help="streaming: seconds of silence before reconnecting",
            minimum=1,
        ),
        CONTACT_OPTION,
    )

    def __init__(self, context: ComponentContext) -> None:
        super().__init__(context)
        options = context.options
        self.instance = check_base_url(str(options["instance"]), "instance")
        self.tags = _names(options["tags"], "tags", strip="#")
        self.queries = _names(options["queries"], "queries")
        self.token = context.secrets.get("token")
        self.stream = bool(options["stream"])
        if not self.tags and not self.queries:
            raise ConfigError("nothing to follow", key="tags", hint='add tags = ["yourbrand"]')
        for key, needed in (("queries", bool(self.queries)), ("stream", self.stream)):
            if needed and not self.token:
                raise ConfigError(
                    f"'{key}' needs a user token",
                    key="token_env",
                    hint='add token_env = "MASTODON_TOKEN" and export MASTODON_TOKEN',
                )
        self.limit = min(40, int(options["limit"]))
        self.pages_per_fetch = int(options["pages_per_fetch"])
        self.stream_window = float(options["stream_window"])
        self.poll_every = float(options["poll_every"])
        self.idle_timeout = float(options["idle_timeout"])
        self.limiter = RateLimiter()
        self._hub: StreamHub | None = None
        self._backfill: set[str] = set()
        self._next_poll = 0.0
        self.pages = MastodonPages(
            instance=self.instance,
            limit=self.limit,
            pages_per_fetch=self.pages_per_fetch,
            headers=self._headers,
            limiter=self.limiter,
            clock=context.clock,
            logger=context.logger,
            source=self.name,
            send=self.send,
        )

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def fetch(self, cursor: str | None) -> FetchResult:
        """New statuses for every tag and query (and, streaming, what arrived live)."""
        self.limiter.check(self.context.clock.now(), f"mastodon {self.instance}")
        states = load_cursor(cursor, "timelines", self.context.logger)
        round_ = Round(self.context.logger)
        if self.stream:
            await self._fetch_streaming(states, round_)
        else:
            await self._poll(self.tags, self.queries, states, round_)
        return round_.result(dump_cursor("timelines", self._known(states)))

    def _known(self, states: dict[str, Any]) -> dict[str, Any]:
        keys = {f"tag:{t}" for t in self.tags} | {f"q:{q}" for q in self.queries}
        return {k: v for k, v in states.items() if k in keys}

    async def _poll(
        self, tags: list[str], queries: list[str], states: dict[str, Any], round_: Round
    ) -> set[str]:
        """Poll ``tags`` and ``queries``; return the tags that are fully caught up."""
        caught_up: set[str] = set()
        seen: set[str] = set()
        jobs: list[tuple[str, str, Callable[..., Awaitable[bool]]]]
        jobs = [(f"tag:{t}", t, self.pages.tag) for t in tags]
        jobs += [(f"q:{q}", q, self.pages.search) for q in queries]
        for key, name, job in jobs:
            state = states.setdefault(key, {})
            work = job(name, state, round_, seen)
            outcome = await round_.attempt(key, work, self.limiter, self.context.clock)
            if outcome == "halted":
                break
            if outcome == "done" and key.startswith("tag:"):
                caught_up.add(name)
        return caught_up

    # -- streaming ------------------------------------------------------------

    async def _fetch_streaming(self, states: dict[str, Any], round_: Round) -> None:
        hub = self._streams()
        due = hub.due(self.tags)
        if due:
            refused = await hub.connect(due, self.timeout)
            if refused is not None:
                raise refused
            self._backfill.update(due)
        now = self.context.clock.monotonic()
        periodic = now >= self._next_poll
        down = [t for t in self.tags if hub.streams[t].state != "up"]
        if down:
            round_.note(f"stream down for #{', #'.join(down)}: polling instead")
        live = len(down) < len(self.tags)
        tags = [t for t in self.tags if t in self._backfill or (periodic and t in down)]
        queries = self.queries if periodic else []
        if tags or queries:
            caught_up = await self._poll(tags, queries, states, round_)
            self._backfill -= caught_up
            if periodic and round_.halted is None and not round_.more:
                self._next_poll = now + self.poll_every
            # Come straight back to read the live streams once the gap is filled.
            round_.more = round_.more or live
            return
        events = await hub.wait(self.stream_window) if live else hub.pending()
        self._read_stream(events, states, round_)
        # Anything heard (even repeats) means the streams are busy: come back at once.
        round_.more = round_.more or bool(events)

    def _read_stream(
        self, events: list[StreamEvent], states: dict[str, Any], round_: Round
    ) -> None:
        origin = f"{self.instance}/api/v1/streaming/hashtag"
        now = self.context.clock.now()
        for event in events:
            if event.kind == "closed":
                # The next fetch reconnects (or polls while the stream backs off).
                round_.more = True
                if isinstance(event.error, AuthFailed):
                    round_.halt(event.error)
                continue
            try:
                status = json.loads(event.data)
            except ValueError:
                round_.rejects.append(
                    Reject("stream event is not JSON", origin, truncate_excerpt(event.data, 120))
                )
                continue
            state = states.setdefault(f"tag:{event.tag}", {})
            local_id = status_id(status)
            if local_id is None:
                round_.rejects.append(Reject("status has no id", origin, truncate_excerpt(status)))
                continue
            if state.get("min_id") and id_order(local_id) <= id_order(state["min_id"]):
                continue  # already read by the poll that filled the gap
            state["min_id"] = local_id
            round_.items.append(RawItem("mastodon", status, now, self.name, origin))
            round_.more = True

    def _streams(self) -> StreamHub:
        if self._hub is None:
            self._hub = StreamHub(
                self.client,
                self.instance,
                self._headers,
                self.context.clock,
                self.context.logger,
                idle_timeout=self.idle_timeout,
            )
        return self._hub

    async def aclose(self) -> None:
        """Stop the streams and close the HTTP connections."""
        if self._hub is not None:
            await self._hub.aclose()
            self._hub = None
        await super().aclose()


def _names(value: list[Any], key: str, strip: str = "") -> list[str]:
    if not all(isinstance(v, str) and v.strip(strip + " ") for v in value):
        raise ConfigError(f"must be a list of non-empty strings, got {value!r}", key=key)
    return list(dict.fromkeys(v.strip().lstrip(strip) for v in value))


register_sources, register_normalisers = source_hooks(MastodonSource, MastodonNormaliser)
