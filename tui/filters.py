"""FeedFilters: what the feed shows, as the user set it (date range, facets, search)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any

from ecoute.engine.records import SENTIMENT_LABELS, WORKFLOW_STATUSES, format_time, parse_time
from ecoute.engine.store import MentionFilter

# Date range presets: key -> (label, length); "all" has no bound, "custom" uses since/until.
RANGES: dict[str, tuple[str, timedelta | None]] = {
    "1h": ("last hour", timedelta(hours=1)),
    "24h": ("last 24 h", timedelta(hours=24)),
    "7d": ("last 7 days", timedelta(days=7)),
    "30d": ("last 30 days", timedelta(days=30)),
    "all": ("all time", None),
}
CUSTOM = "custom"
TIME_FIELDS = {"created_at": "published", "collected_at": "collected"}
SET_FIELDS = ("platforms", "topics", "sentiments", "langs", "statuses")
FIXED_CHOICES: dict[str, tuple[str, ...]] = {
    "sentiments": tuple(SENTIMENT_LABELS),
    "statuses": tuple(WORKFLOW_STATUSES),
}
_WORD = re.compile(r"\w+\*?|\"[^\"]*\"", re.UNICODE)


@dataclass(frozen=True, slots=True)
class FeedFilters:
    """The feed's filters; empty fields do not filter.

    ``range`` is a key of :data:`RANGES` (relative to now when the feed reads)
    or ``"custom"``, which uses ``since`` (inclusive) and ``until`` (exclusive).
    ``time_field`` says which time the range applies to. Set fields match any of
    their values; ``text`` is a full-text search in the store's search syntax.
    """

    range: str = "all"
    since: datetime | None = None
    until: datetime | None = None
    time_field: str = "created_at"
    platforms: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    text: str = ""

    def normalised(self) -> FeedFilters:
        """The same filters with sets sorted and deduplicated and the search trimmed.

        Raises:
            ValueError: an unknown range, time field, sentiment or status, or a
                custom range without bounds or ending before it starts.
        """
        if self.range != CUSTOM and self.range not in RANGES:
            raise ValueError(f"unknown date range {self.range!r}")
        if self.time_field not in TIME_FIELDS:
            raise ValueError(f"unknown time field {self.time_field!r}")
        if self.range == CUSTOM:
            if self.since is None and self.until is None:
                raise ValueError("a custom date range needs a start or an end")
            if self.since and self.until and self.since >= self.until:
                raise ValueError("the range ends before it starts")
        changes: dict[str, Any] = {name: _unique(getattr(self, name)) for name in SET_FIELDS}
        for name, allowed in FIXED_CHOICES.items():
            wrong = [value for value in changes[name] if value not in allowed]
            if wrong:
                raise ValueError(f"unknown {name[:-1]} {wrong[0]!r}")
        changes["text"] = " ".join(self.text.split())
        if self.range != CUSTOM:
            changes.update(since=None, until=None)
        return replace(self, **changes)

    def with_values(self, name: str, values: Iterable[str]) -> FeedFilters:
        """These filters with the set filter ``name`` (``platforms``, ...) set to ``values``.

        Raises:
            ValueError: ``name`` is not a set filter.
        """
        if name not in SET_FIELDS:
            raise ValueError(f"{name!r} is not one of {', '.join(SET_FIELDS)}")
        changes: dict[str, Any] = {name: tuple(values)}
        return replace(self, **changes)

    def values(self, name: str) -> tuple[str, ...]:
        """The values of the set filter ``name`` (``platforms``, ...).

        Raises:
            ValueError: ``name`` is not a set filter.
        """
        if name not in SET_FIELDS:
            raise ValueError(f"{name!r} is not one of {', '.join(SET_FIELDS)}")
        values: tuple[str, ...] = getattr(self, name)
        return values

    def search_terms(self) -> list[str]:
        """The words of the search, for highlighting (see :func:`search_terms`)."""
        return search_terms(self.text)

    def mention_filter(self, now: datetime) -> MentionFilter:
        """The store filter these settings mean at ``now``."""
        since, until = self.bounds(now)
        return MentionFilter(
            since=since,
            until=until,
            time_field="collected_at" if self.time_field == "collected_at" else "created_at",
            platforms=self.platforms,
            topics=self.topics,
            sentiments=self.sentiments,
            langs=self.langs,
            statuses=self.statuses,
            text=self.text or None,
        )

    def bounds(self, now: datetime) -> tuple[datetime | None, datetime | None]:
        """(since, until) of the date range at ``now``."""
        if self.range == CUSTOM:
            return self.since, self.until
        length = RANGES[self.range][1]
        return (None if length is None else now - length), None

    @property
    def active(self) -> int:
        """How many filters are set (the date range counts when it is not "all time")."""
        count = sum(1 for name in SET_FIELDS if self.values(name))
        return count + (self.range != "all") + bool(self.text)

    def range_label(self) -> str:
        """The date range in words: ``last 24 h``, ``from 2026-11-01 08:00``, ..."""
        if self.range != CUSTOM:
            return RANGES[self.range][0]
        if self.since and self.until:
            return f"{_short(self.since)} → {_short(self.until)}"
        if self.since:
            return f"since {_short(self.since)}"
        return f"before {_short(self.until)}" if self.until else "all time"

    def to_json(self) -> dict[str, Any]:
        """A JSON object for saved views (times as ISO 8601 UTC text)."""
        data: dict[str, Any] = {"range": self.range, "time_field": self.time_field}
        if self.range == CUSTOM:
            data["since"] = format_time(self.since) if self.since else None
            data["until"] = format_time(self.until) if self.until else None
        for name in SET_FIELDS:
            data[name] = list(getattr(self, name))
        data["text"] = self.text
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FeedFilters:
        """Filters from :meth:`to_json` output; unknown keys are ignored.

        Raises:
            ValueError: a value of the wrong type or meaning, naming the key.
        """
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known or value is None:
                continue
            if key in ("since", "until"):
                values[key] = parse_time(_text(key, value))
            elif key in SET_FIELDS:
                if not isinstance(value, list):
                    raise ValueError(f"{key} must be a list")
                values[key] = tuple(_text(key, item) for item in value)
            else:
                values[key] = _text(key, value)
        return cls(**values).normalised()


def search_terms(text: str) -> list[str]:
    """The words of a search, lower-cased, for highlighting (quotes and ``*`` dropped)."""
    terms = []
    for token in _WORD.findall(text or ""):
        token = token.strip('"').rstrip("*").strip()
        if len(token) >= 2:
            terms.append(token.casefold())
    return terms


def term_spans(
    text: str, terms: Iterable[str], style: str, *, limit: int = 200
) -> list[tuple[int, int, str]]:
    """Where searched ``terms`` (lower-cased) start words of ``text``: ``(start, end, style)``.

    Full-text search matches words and prefixes, so only matches at a word start
    count. Empty terms are ignored and at most ``limit`` spans are returned.
    """
    folded = text.casefold()
    if len(folded) != len(text):
        return []  # casefolding changed lengths (ß, ...): offsets would not line up
    spans: list[tuple[int, int, str]] = []
    for term in terms:
        if not term:
            continue
        start = folded.find(term)
        while start != -1 and len(spans) < limit:
            if start == 0 or not folded[start - 1].isalnum():
                spans.append((start, start + len(term), style))
            start = folded.find(term, start + len(term))
    return spans


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({value for value in values if value}))


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{key} must be text, got {value!r}")
    return value


def _short(moment: datetime) -> str:
    local = moment.astimezone()
    day = local.strftime("%Y-%m-%d")
    return day if local.hour == local.minute == 0 else f"{day} {local:%H:%M}"
