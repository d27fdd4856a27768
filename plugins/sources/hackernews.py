"""The ``hackernews`` source: stories and comments from the Algolia HN Search API."""

from __future__ import annotations

from typing import Any

from ecoute.engine import (
    ComponentContext,
    ConfigError,
    FetchResult,
    Option,
    RawItem,
    Reject,
    SourceError,
    truncate_excerpt,
)

from .hackernews_items import HackerNewsNormaliser
from .http import check_base_url
from .http_source import CONTACT_OPTION, TIMEOUT_OPTION, HttpSource
from .rate_limits import RateLimiter
from .registration import source_hooks
from .rounds import Round, dump_cursor, load_cursor

# Algolia serves at most this many hits for one query, whatever the page.
MAX_REACHABLE_HITS = 1000


class HackerNewsSource(HttpSource):
    """Polls ``search_by_date`` for each query above a high-water mark.

    Each query keeps, in the cursor, the newest ``created_at_i`` seen (the
    high-water mark), the ids seen within the overlap window below it (Algolia
    indexes with a lag, so each poll looks ``overlap`` seconds back and drops
    what it has seen), and the progress of a walk through several pages, so
    that a restart in the middle goes on where it stopped. When a walk reaches
    Algolia's 1000-hit cap it narrows the time window and starts again at page 0.
    """

    type = "hackernews"
    description = "Hacker News stories and comments through the Algolia search API."
    default_interval = 120.0
    options = (
        Option("queries", list, required=True, help='search terms, e.g. ["acme cloud"]'),
        Option(
            "tags",
            str,
            "(story,comment)",
            help="Algolia tags filter: (story,comment), story, comment, ask_hn, ...",
        ),
        Option("base_url", str, "https://hn.algolia.com/api/v1", help="API root"),
        Option("hits_per_page", int, 100, help="hits per request (1-1000)", minimum=1),
        Option("overlap", float, 300.0, help="seconds re-read below the mark", minimum=0),
        Option("since_hours", float, 24.0, help="look-back of the first run", minimum=0),
        Option("pages_per_fetch", int, 10, help="pages per query before yielding", minimum=1),
        TIMEOUT_OPTION,
        CONTACT_OPTION,
    )

    def __init__(self, context: ComponentContext) -> None:
        super().__init__(context)
        options = context.options
        queries = options["queries"]
        if not queries or not all(isinstance(q, str) and q.strip() for q in queries):
            raise ConfigError(
                f"must be a non-empty list of search terms, got {queries!r}", key="queries"
            )
        self.queries = list(dict.fromkeys(q.strip() for q in queries))
        self.base_url = check_base_url(str(options["base_url"]), "base_url")
        self.tags = str(options["tags"])
        self.hits_per_page = min(1000, int(options["hits_per_page"]))
        self.overlap = int(options["overlap"])
        self.since = float(options["since_hours"]) * 3600
        self.pages_per_fetch = int(options["pages_per_fetch"])
        self.limiter = RateLimiter()

    async def fetch(self, cursor: str | None) -> FetchResult:
        """New hits for every query since its high-water mark."""
        log = self.context.logger
        self.limiter.check(self.context.clock.now(), "hackernews")
        states = load_cursor(cursor, "queries", log)
        round_ = Round(log)
        for query in self.queries:
            # Items and the state that covers them change together, page by page.
            state = states.setdefault(query, self._first_state())
            work = self._walk(query, state, round_)
            if await round_.attempt(query, work, self.limiter, self.context.clock) == "halted":
                break
        kept = {q: s for q, s in states.items() if q in self.queries}
        return round_.result(dump_cursor("queries", kept))

    def _first_state(self) -> dict[str, Any]:
        now = self.context.clock.now().timestamp()
        return {"hw": int(now - self.since), "seen": {}}

    async def _walk(self, query: str, state: dict[str, Any], round_: Round) -> bool:
        """Read pages of ``query``; update ``state``; True if its walk is not finished."""
        seen: dict[str, int] = state.setdefault("seen", {})
        walk = state.get("walk") or {
            "floor": int(state["hw"]) - self.overlap,
            "ceiling": None,
            "page": 0,
            "top": int(state["hw"]),
        }
        state["walk"] = walk
        for _ in range(self.pages_per_fetch):
            body = await self._page(query, walk)
            hits = body["hits"]
            oldest: int | None = None
            for position, hit in enumerate(hits):
                origin = f"{self.base_url}/search_by_date?query={query}&page={walk['page']}"
                if not isinstance(hit, dict):
                    excerpt = truncate_excerpt(hit)
                    round_.rejects.append(Reject("hit is not an object", origin, excerpt))
                    continue
                created = hit.get("created_at_i")
                if isinstance(created, int) and not isinstance(created, bool):
                    walk["top"] = max(walk["top"], created)
                    oldest = created if oldest is None else min(oldest, created)
                object_id = hit.get("objectID")
                key = str(object_id) if object_id is not None else f"?{position}"
                if object_id is not None and key in seen:
                    continue
                if object_id is not None:
                    seen[key] = created if isinstance(created, int) else walk["floor"]
                item = RawItem("hackernews", hit, self.context.clock.now(), self.name, origin)
                round_.items.append(item)
            if self._advance(walk, body, len(hits), oldest):
                continue
            state["hw"] = max(int(state["hw"]), int(walk["top"]))
            floor = state["hw"] - self.overlap
            state["seen"] = {k: v for k, v in seen.items() if v >= floor}
            del state["walk"]
            return False
        return True

    def _advance(
        self, walk: dict[str, Any], body: dict[str, Any], count: int, oldest: int | None
    ) -> bool:
        """Move the walk to its next page; False when it has read everything."""
        pages = body.get("nbPages")
        total = body.get("nbHits")
        last_page = count == 0 or not isinstance(pages, int) or walk["page"] + 1 >= pages
        if not last_page:
            walk["page"] += 1
            return True
        reached = (walk["page"] + 1) * self.hits_per_page
        capped = isinstance(total, int) and total > reached and reached >= MAX_REACHABLE_HITS
        if capped and oldest is not None:
            # The cap hides older hits: read again below the oldest one seen (dedupe
            # drops the ones of that second already read).
            if walk["ceiling"] == oldest:
                oldest -= 1
                self.context.logger.warning(
                    "hackernews: over %d hits in one second; some may be missed",
                    MAX_REACHABLE_HITS,
                )
            walk["ceiling"] = oldest
            walk["page"] = 0
            return True
        return False

    async def _page(self, query: str, walk: dict[str, Any]) -> dict[str, Any]:
        filters = f"created_at_i>={walk['floor']}"
        if walk["ceiling"] is not None:
            filters += f",created_at_i<={walk['ceiling']}"
        params = {
            "query": query,
            "tags": self.tags,
            "numericFilters": filters,
            "hitsPerPage": self.hits_per_page,
            "page": walk["page"],
        }
        what = f"hackernews query {query!r}"
        body = await self.get_json(f"{self.base_url}/search_by_date", params=params, what=what)
        if not isinstance(body, dict) or not isinstance(body.get("hits"), list):
            raise SourceError(f"{what}: reply has no 'hits' list: {truncate_excerpt(body, 120)}")
        return body


register_sources, register_normalisers = source_hooks(HackerNewsSource, HackerNewsNormaliser)
