"""The ``rss`` source: RSS and Atom feeds, fetched with conditional GET and parsed by feedparser."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from ecoute.engine import (
    ComponentContext,
    ConfigError,
    FetchResult,
    Gone,
    MalformedItem,
    Option,
    RateLimited,
    RawItem,
    Reject,
    SourceError,
    neutralise,
    truncate_excerpt,
)

from .http import check_url, raise_for_status, transport_errors
from .http_source import CONTACT_OPTION, TIMEOUT_OPTION, HttpSource
from .opml import read_opml
from .registration import source_hooks
from .rounds import Round, dump_cursor, load_cursor
from .rss_entries import RssNormaliser, entry_payload

if TYPE_CHECKING:
    import httpx

MAX_REDIRECTS = 5
SEEN_MIN = 200  # entry keys remembered per feed, at least
FEED_RETRY_BASE = 60.0
FEED_RETRY_CAP = 6 * 3600.0
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
)


def seen_key(key: str) -> str:
    """The short form of an entry key kept in the cursor."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


class RssSource(HttpSource):
    """Polls a list of feeds (and the feeds of an OPML file).

    Each feed keeps its own state in the cursor, saved with the entries it
    covers: ETag and Last-Modified for conditional GET (a 304 skips parsing),
    the URL it moved to after a 301/308, the keys of the entries already seen,
    and its failures. A feed that fails is retried later on its own backoff while
    the others go on; a 410 stops that feed for good. Its problem is logged and
    shown as the source's health reason; the source itself fails only when no
    feed could be read.
    """

    follow_redirects = False  # followed by hand, to remember where a feed moved

    type = "rss"
    description = "RSS and Atom feeds (with conditional GET and OPML import)."
    default_interval = 900.0
    options = (
        Option("feeds", list, [], help="feed URLs"),
        Option("opml", str, None, help="an OPML file whose feeds are polled too"),
        TIMEOUT_OPTION,
        Option("max_bytes", int, 10_000_000, help="largest feed read, in bytes", minimum=1024),
        CONTACT_OPTION,
    )

    def __init__(self, context: ComponentContext) -> None:
        super().__init__(context)
        options = context.options
        feeds = options["feeds"]
        if not all(isinstance(f, str) for f in feeds):
            raise ConfigError(f"must be a list of URLs, got {feeds!r}", key="feeds")
        urls = [check_url(f, "feeds") for f in feeds]
        if options.get("opml"):
            urls += read_opml(Path(str(options["opml"])).expanduser())
        if not urls:
            raise ConfigError("no feeds", key="feeds", hint='add feeds = ["https://.../feed.xml"]')
        self.feeds = list(dict.fromkeys(urls))
        self.max_bytes = int(options["max_bytes"])

    async def fetch(self, cursor: str | None) -> FetchResult:
        """New entries of every feed that is due."""
        states = load_cursor(cursor, "feeds", self.context.logger)
        round_ = Round(self.context.logger)
        now = self.context.clock.now()
        for feed in self.feeds:
            state = states.setdefault(feed, {})
            if state.get("gone"):
                round_.note(f"feed {feed} is gone ({state['gone']}); polling it stopped")
                continue
            retry_at = state.get("retry_at")
            if retry_at and datetime.fromisoformat(retry_at) > now:
                round_.note(f"feed {feed} failing ({state.get('error')}); retry at {retry_at}")
                continue
            try:
                await self._feed(feed, state, round_)
            except Gone as exc:
                state["gone"] = f"{exc} on {now:%Y-%m-%d}"
                self.context.logger.error("rss: feed %s is gone, polling it stopped: %s", feed, exc)
                round_.failed(feed, exc)
                continue
            except SourceError as exc:
                self._failed(state, exc, now)
                round_.failed(feed, exc)
                continue
            for key in ("fails", "retry_at", "error"):
                state.pop(key, None)
            round_.ok()
        if all(states.get(f, {}).get("gone") for f in self.feeds):
            raise Gone("every feed is gone: " + "; ".join(states[f]["gone"] for f in self.feeds))
        return round_.result(dump_cursor("feeds", {f: states[f] for f in self.feeds}))

    def _failed(self, state: dict[str, Any], error: SourceError, now: datetime) -> None:
        fails = int(state.get("fails", 0)) + 1
        delay = min(FEED_RETRY_CAP, FEED_RETRY_BASE * 2 ** (fails - 1))
        if isinstance(error, RateLimited) and error.retry_after is not None:
            delay = error.retry_after  # the server said when: no need to wait longer
        elif error.retry_after is not None:
            delay = max(delay, error.retry_after)
        state.update(
            fails=fails,
            retry_at=(now + timedelta(seconds=delay)).isoformat(),
            error=truncate_excerpt(str(error), 160),
        )

    async def _feed(self, feed: str, state: dict[str, Any], round_: Round) -> None:
        """Fetch one feed and queue its new entries; raise on failure."""
        url = state.get("url") or feed
        headers = {"Accept": ACCEPT}
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("modified"):
            headers["If-Modified-Since"] = state["modified"]
        response, body, url = await self._get(url, headers, state, feed)
        if response.status_code == 304:
            return
        for header, key in (("etag", "etag"), ("last-modified", "modified")):
            if response.headers.get(header):
                state[key] = response.headers[header]
            else:
                state.pop(key, None)
        self._entries(feed, url, body, response.headers.get("content-type", ""), state, round_)

    async def _get(
        self, url: str, headers: dict[str, str], state: dict[str, Any], feed: str
    ) -> tuple[httpx.Response, bytes, str]:
        what = f"rss feed {url}"
        for _ in range(MAX_REDIRECTS + 1):
            with transport_errors(what):
                async with self.client.stream("GET", url, headers=headers) as response:
                    body = await self._read(response, what)
            location = response.headers.get("location")
            if response.status_code in (301, 302, 303, 307, 308) and location:
                target = urljoin(url, location)
                if urlsplit(target).scheme not in ("http", "https"):
                    raise SourceError(f"{what}: redirected to a non-web address {target!r}")
                if neutralise(target) != target:
                    raise SourceError(f"{what}: redirected to an address with control characters")
                if response.status_code in (301, 308):
                    self.context.logger.info("rss: feed %s moved to %s", url, target)
                    state["url"] = target
                url = target
                what = f"rss feed {url}"
                continue
            raise_for_status(response, self.context.clock.now(), what)
            return response, body, url
        raise SourceError(f"{what}: more than {MAX_REDIRECTS} redirects")

    async def _read(self, response: httpx.Response, what: str) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise SourceError(f"{what}: larger than max_bytes ({self.max_bytes})")
            chunks.append(chunk)
        return b"".join(chunks)

    def _entries(
        self,
        feed: str,
        url: str,
        body: bytes,
        content_type: str,
        state: dict[str, Any],
        round_: Round,
    ) -> None:
        import feedparser

        what = f"rss feed {url}"
        parsed = feedparser.parse(
            body, response_headers={"content-location": url, "content-type": content_type}
        )
        entries = parsed.entries
        problem = parsed.get("bozo_exception") if parsed.bozo else None
        if not entries and (problem is not None or not parsed.version):
            reason = (
                f"{type(problem).__name__}: {neutralise(problem)}" if problem else "no feed found"
            )
            raise SourceError(
                f"{what}: not a usable feed ({reason}): {truncate_excerpt(body, 120)}"
            )
        if problem is not None:
            self.context.logger.warning(
                "%s is not well-formed (%s); using its entries", what, neutralise(problem)
            )
        seen: list[str] = list(state.get("seen") or [])
        known = set(seen)
        current: list[str] = []
        now = self.context.clock.now()
        for number, entry in enumerate(entries, 1):
            try:
                payload = entry_payload(entry, parsed.feed, url)
            except MalformedItem as exc:
                round_.rejects.append(
                    Reject(str(exc), f"{url} entry {number}", truncate_excerpt(body, 120))
                )
                continue
            short = seen_key(payload["key"])
            current.append(short)
            if short in known:
                continue
            known.add(short)
            round_.items.append(RawItem("rss", payload, now, self.name, f"{url} entry {number}"))
        # Keep the keys of the entries the feed still shows, plus older ones up to a cap.
        keep = max(SEEN_MIN, 2 * len(current))
        current_set = set(current)
        state["seen"] = ([k for k in seen if k not in current_set] + current)[-keep:]


register_sources, register_normalisers = source_hooks(RssSource, RssNormaliser)
