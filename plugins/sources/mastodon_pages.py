"""Reading Mastodon's hashtag timelines and status search page by page, without a gap."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlsplit

from ecoute.engine import Clock, RawItem, Reject, SourceError, truncate_excerpt

from .http import json_body, raise_for_status, same_origin
from .mastodon_items import id_order, newest_id, status_id
from .rounds import Round

if TYPE_CHECKING:
    import httpx

    from .rate_limits import RateLimiter

# GET a URL whatever its status (transport failures raised): ``HttpSource.send``.
Send = Callable[..., Awaitable["httpx.Response"]]


class MastodonPages:
    """Reads the pages of one instance into a :class:`Round`, updating per-query states.

    A hashtag goes forward from ``min_id`` (its newest status seen) along the
    ``Link rel="prev"`` pages until one is empty; a search walks down with
    ``max_id`` from the newest result to ``min_id``. Both return True while pages
    remain after ``pages_per_fetch`` of them, so that each batch is stored in turn.
    """

    def __init__(
        self,
        *,
        instance: str,
        limit: int,
        pages_per_fetch: int,
        headers: dict[str, str],
        limiter: RateLimiter,
        clock: Clock,
        logger: logging.Logger,
        source: str,
        send: Send,
    ) -> None:
        self.instance = instance
        self.limit = limit
        self.pages_per_fetch = pages_per_fetch
        self.headers = headers
        self.limiter = limiter
        self.clock = clock
        self.logger = logger
        self.source = source
        self.send = send

    async def tag(self, tag: str, state: dict[str, Any], round_: Round, seen: set[str]) -> bool:
        """Read ``tag`` forward from its cursor; True while pages remain."""
        url: str | None = f"{self.instance}/api/v1/timelines/tag/{quote(tag, safe='')}"
        params: dict[str, Any] | None = {"limit": self.limit}
        if state.get("min_id"):
            params = {"limit": self.limit, "min_id": state["min_id"]}
        what = f"mastodon #{tag}"
        for _ in range(self.pages_per_fetch):
            assert url is not None
            response = await self._get(url, params, what)
            if response.status_code == 404:
                self.logger.debug("%s: no such hashtag yet", what)
                return False
            statuses = self._statuses(json_body(response, what), what)
            if not statuses:
                return False
            ids = self._collect(statuses, str(response.url), round_, seen)
            prev = response.links.get("prev", {}).get("url")
            newest = _min_id(prev) or newest_id(ids)
            first_run = not state.get("min_id")
            if newest is not None:
                state["min_id"] = max(newest, state.get("min_id") or "", key=id_order)
            if first_run:
                return False  # a first run takes the latest page, then goes forward
            if prev and same_origin(prev, self.instance):
                url, params = prev, None
            else:
                params = {"limit": self.limit, "min_id": state["min_id"]}
        return True

    async def search(
        self, query: str, state: dict[str, Any], round_: Round, seen: set[str]
    ) -> bool:
        """Walk search results down from the newest to the cursor; True while pages remain."""
        url = f"{self.instance}/api/v2/search"
        what = f"mastodon search {query!r}"
        walk = state.get("walk") or {"top": None}
        for _ in range(self.pages_per_fetch):
            params: dict[str, Any] = {"q": query, "type": "statuses", "limit": self.limit}
            if state.get("min_id"):
                params["min_id"] = state["min_id"]
            if walk.get("max_id"):
                params["max_id"] = walk["max_id"]
            response = await self._get(url, params, what)
            body = json_body(response, what)
            found = body.get("statuses") if isinstance(body, dict) else None
            statuses = self._statuses(found, what)
            ids = self._collect(statuses, str(response.url), round_, seen)
            top = newest_id([i for i in [walk.get("top"), newest_id(ids)] if i])
            if len(statuses) < self.limit or not state.get("min_id") or not ids:
                if top:
                    state["min_id"] = max(top, state.get("min_id") or "", key=id_order)
                state.pop("walk", None)
                return False
            walk = {"top": top, "max_id": min(ids, key=id_order)}
            state["walk"] = walk
        return True

    async def _get(self, url: str, params: dict[str, Any] | None, what: str) -> httpx.Response:
        now = self.clock.now()
        self.limiter.check(now, what)
        response = await self.send(url, params=params, headers=self.headers, what=what)
        self.limiter.observe(response, now)
        if response.status_code != 404:
            raise_for_status(response, now, what)
        return response

    def _statuses(self, body: Any, what: str) -> list[Any]:
        if not isinstance(body, list):
            raise SourceError(
                f"{what}: expected a list of statuses, got {truncate_excerpt(body, 80)}"
            )
        return body

    def _collect(
        self, statuses: list[Any], origin: str, round_: Round, seen: set[str]
    ) -> list[str]:
        """Queue the statuses of one page (oldest first); return their ids."""
        ids: list[str] = []
        now = self.clock.now()
        for status in reversed(statuses):
            local_id = status_id(status)
            if local_id is None:
                round_.rejects.append(
                    Reject("status has no id", origin, truncate_excerpt(status, 120))
                )
                continue
            ids.append(local_id)
            uri = status.get("uri") if isinstance(status.get("uri"), str) else local_id
            if uri in seen:
                continue
            seen.add(uri)
            round_.items.append(RawItem("mastodon", status, now, self.source, origin))
        return ids


def _min_id(link: str | None) -> str | None:
    if not link:
        return None
    values = parse_qs(urlsplit(link).query).get("min_id")
    return values[0] if values else None
