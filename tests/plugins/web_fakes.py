"""Local stand-ins for Mastodon, Algolia HN and feed servers, served on 127.0.0.1.

Each fake keeps its data in memory and answers with the real shapes and headers
(``Link``, ``X-RateLimit-*``, ``ETag``/``Last-Modified``, Algolia's envelope),
so the sources run against a real HTTP server with the platforms' semantics.
Tests add posts between polls and queue failures (``fail_next``).
"""

from __future__ import annotations

import copy
import json
import logging
import math
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from ecoute.engine import ComponentContext, Source
from ecoute.engine.options import resolve_secrets, validate_options

FIXTURES = Path(__file__).parent / "fixtures"
Handler = Callable[[Request], Response]


def fixture_text(name: str) -> str:
    """A fixture file's text."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def fixture_json(name: str) -> Any:
    """A fixture file's JSON."""
    return json.loads(fixture_text(name))


def running_server() -> Iterator[HTTPServer]:
    """A threaded HTTP server on 127.0.0.1 (for pytest fixtures: ``yield from``)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        if server.is_running():
            server.stop()


def make_source(
    cls: type[Source],
    options: dict[str, Any],
    clock: Any,
    *,
    environ: dict[str, str] | None = None,
    name: str = "test",
) -> Any:
    """A source built the way the engine builds it: options validated, secrets resolved."""
    values, secret_envs = validate_options(cls.options, options)
    secrets = resolve_secrets(secret_envs, environ or {})
    context = ComponentContext(
        name=name,
        options=values,
        logger=logging.getLogger(f"test.{name}"),
        secrets=secrets,
        clock=clock,
    )
    return cls(context)


class Blocker:
    """A handler that hangs until released: a server that never answers (timeouts)."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def __call__(self, request: Request) -> Response:
        self.release.wait(10)
        return Response("late", status=200)


@dataclass
class FakeMastodon:
    """A Mastodon instance's tag timelines, search and rate-limit headers.

    ``statuses`` are kept oldest first; ids are same-length digit strings.
    ``reset_at`` is the quota reset the ``X-RateLimit-Reset`` header announces.
    """

    server: HTTPServer
    reset_at: datetime
    statuses: list[dict[str, Any]] = field(default_factory=list)
    remaining: int = 300
    fail_next: list[Response] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    template: dict[str, Any] = field(default_factory=lambda: fixture_json("mastodon/status.json"))
    search_statuses: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.server.expect_request(
            re.compile(r"^/api/v1/timelines/tag/[^/]+$")
        ).respond_with_handler(self._timeline)
        self.server.expect_request("/api/v2/search").respond_with_handler(self._search)

    @property
    def base(self) -> str:
        """The instance URL."""
        return self.server.url_for("").rstrip("/")

    def post(self, n: int, tag: str = "acmecloud", **changes: Any) -> dict[str, Any]:
        """Publish status number ``n`` (its id sorts by ``n``) on ``tag``."""
        status = copy.deepcopy(self.template)
        status_id = f"1135{n:014d}"
        status.update(
            id=status_id,
            uri=f"https://toot.example.fr/users/lucie/statuses/{status_id}",
            url=f"https://toot.example.fr/@lucie/{status_id}",
            content=f"<p>Post {n} about #{tag}</p>",
            tags=[{"name": tag, "url": f"https://toot.example.fr/tags/{tag}"}],
            created_at=(datetime(2026, 11, 22, tzinfo=UTC) + timedelta(seconds=n))
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        )
        status.update(changes)
        self.statuses.append(status)
        self.statuses.sort(key=lambda s: (len(s["id"]), s["id"]))
        return status

    def _headers(self) -> dict[str, str]:
        self.remaining = max(0, self.remaining - 1)
        return {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": self.reset_at.isoformat().replace("+00:00", "Z"),
        }

    def _timeline(self, request: Request) -> Response:
        tag = request.path.rsplit("/", 1)[1]
        self.requests.append({"path": request.path, **request.args.to_dict()})
        if self.fail_next:
            return self.fail_next.pop(0)
        tagged = [s for s in self.statuses if any(t["name"] == tag for t in s.get("tags", []))]
        page = _page(tagged, request.args)
        headers = self._headers()
        if page:
            # Like Mastodon, the links keep the request's limit.
            url = f"{self.base}{request.path}?limit={request.args.get('limit', 20)}"
            newest, oldest = page[0]["id"], page[-1]["id"]
            headers["Link"] = (
                f'<{url}&max_id={oldest}>; rel="next", <{url}&min_id={newest}>; rel="prev"'
            )
        return Response(json.dumps(page), status=200, headers=headers, mimetype="application/json")

    def _search(self, request: Request) -> Response:
        self.requests.append({"path": request.path, **request.args.to_dict()})
        if self.fail_next:
            return self.fail_next.pop(0)
        if request.headers.get("Authorization") != "Bearer s3cret":
            body = {"accounts": [], "statuses": [], "hashtags": []}
            return Response(json.dumps(body), headers=self._headers(), mimetype="application/json")
        query = request.args.get("q", "").lower()
        found = [s for s in self.search_statuses if query in s["content"].lower()]
        # Search answers the newest matches first, bounded by min_id/max_id.
        args = {k: v for k, v in request.args.items() if k != "min_id"}
        page = [s for s in _page(found, args) if _after(s, request.args.get("min_id"))]
        body = {"accounts": [], "statuses": page, "hashtags": []}
        return Response(json.dumps(body), headers=self._headers(), mimetype="application/json")


def _key(status_id: str) -> tuple[int, str]:
    return (len(status_id), status_id)


def _after(status: dict[str, Any], bound: str | None) -> bool:
    return bound is None or _key(status["id"]) > _key(bound)


def _page(statuses: list[dict[str, Any]], args: Any) -> list[dict[str, Any]]:
    """Mastodon's paging: min_id pages forward, since_id/max_id bound the newest page."""
    limit = min(40, int(args.get("limit", 20)))
    chosen = statuses
    if args.get("max_id"):
        chosen = [s for s in chosen if _key(s["id"]) < _key(args["max_id"])]
    if args.get("min_id"):
        chosen = [s for s in chosen if _after(s, args["min_id"])][:limit]
    else:
        chosen = [s for s in chosen if _after(s, args.get("since_id"))][-limit:]
    return list(reversed(chosen))


@dataclass
class FakeAlgolia:
    """The HN Search API's ``search_by_date``: filters, pages and the 1000-hit cap."""

    server: HTTPServer
    prefix: str = "/api/v1"
    hits: list[dict[str, Any]] = field(default_factory=list)
    fail_next: list[Response] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)
    template: dict[str, Any] = field(default_factory=lambda: fixture_json("hackernews/hits.json"))

    def __post_init__(self) -> None:
        self.server.expect_request(f"{self.prefix}/search_by_date").respond_with_handler(
            self._search
        )

    @property
    def base(self) -> str:
        """The API root to configure as ``base_url``."""
        return self.server.url_for(self.prefix)

    def add(self, object_id: int, created: int, kind: str = "comment", **changes: Any) -> None:
        """Index a hit (a copy of the fixture story or comment) with this id and time."""
        hit = copy.deepcopy(self.template[kind])
        hit.update(
            objectID=str(object_id),
            created_at_i=created,
            created_at=datetime.fromtimestamp(created, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        )
        hit["_tags"] = [kind if kind != "ask" else "story", f"author_{hit['author']}"]
        hit.update(changes)
        self.hits.append(hit)

    def _search(self, request: Request) -> Response:
        args = request.args.to_dict()
        self.requests.append(args)
        if self.fail_next:
            return self.fail_next.pop(0)
        words = args.get("query", "").lower().split()
        matches = [
            h
            for h in self.hits
            if all(w in json.dumps(h, ensure_ascii=False).lower() for w in words)
            and _numeric_ok(h, args.get("numericFilters", ""))
        ]
        matches.sort(key=lambda h: (h["created_at_i"], int(h["objectID"])), reverse=True)
        per_page = int(args.get("hitsPerPage", 20))
        page = int(args.get("page", 0))
        reachable = matches[:1000]
        start = page * per_page
        body = {
            "hits": reachable[start : start + per_page] if start < 1000 else [],
            "nbHits": len(matches),
            "page": page,
            "nbPages": math.ceil(len(reachable) / per_page),
            "hitsPerPage": per_page,
            "exhaustiveNbHits": True,
            "exhaustiveTypo": True,
            "exhaustive": {"nbHits": True, "typo": True},
            "query": args.get("query", ""),
            "params": urlencode(args),
            "processingTimeMS": 1,
            "serverTimeMS": 2,
        }
        return Response(json.dumps(body), mimetype="application/json")


def _numeric_ok(hit: dict[str, Any], filters: str) -> bool:
    for condition in filter(None, filters.split(",")):
        match = re.fullmatch(r"(\w+)(>=|<=|>|<|=)(\d+)", condition.strip())
        assert match, f"unexpected numericFilters {filters!r}"
        name, op, value = match.group(1), match.group(2), int(match.group(3))
        actual = hit[name]
        ok = {
            ">=": actual >= value,
            "<=": actual <= value,
            ">": actual > value,
            "<": actual < value,
            "=": actual == value,
        }[op]
        if not ok:
            return False
    return True


@dataclass
class FakeFeed:
    """One feed URL: its bytes, ETag and Last-Modified, and conditional GET (304)."""

    server: HTTPServer
    path: str
    body: bytes
    content_type: str = "application/rss+xml; charset=utf-8"
    conditional: bool = True
    version: int = 1
    fail_next: list[Response] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.server.expect_request(self.path).respond_with_handler(self._serve)

    @property
    def url(self) -> str:
        """The feed's URL."""
        return self.server.url_for(self.path)

    def update(self, body: bytes) -> None:
        """Publish a new version of the feed."""
        self.body = body
        self.version += 1

    def _serve(self, request: Request) -> Response:
        self.requests.append(dict(request.headers))
        if self.fail_next:
            return self.fail_next.pop(0)
        etag = f'"v{self.version}"'
        modified = format_datetime(datetime(2026, 11, 21, 10, self.version, tzinfo=UTC), True)
        headers = {"ETag": etag, "Last-Modified": modified}
        if self.conditional and request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers=headers)
        return Response(self.body, status=200, headers=headers, content_type=self.content_type)


def rss_document(items: list[tuple[str, str]], title: str = "Stockage Hebdo") -> bytes:
    """An RSS 2.0 feed of ``(guid, title)`` items, newest first, in the fixture's shape."""
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>{title}</title><link>https://news.example.org/</link><language>en</language>",
    ]
    for number, (guid, item_title) in enumerate(items):
        parts.append(
            f"<item><title>{item_title}</title><link>https://news.example.org/{guid}</link>"
            f"<description>{item_title} - Acme Cloud</description>"
            f"<guid>https://news.example.org/{guid}</guid>"
            f"<pubDate>Sat, 21 Nov 2026 {10 + number % 10:02d}:00:00 GMT</pubDate></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")
