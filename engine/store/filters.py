"""MentionFilter: which mentions a page, count, live feed or search reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ..records import SENTIMENT_LABELS, WORKFLOW_STATUSES

TimeField = Literal["created_at", "collected_at"]
TIME_FIELDS: tuple[TimeField, ...] = ("created_at", "collected_at")
FacetField = Literal["platform", "source", "lang", "topic"]
SortOrder = Literal["newest", "relevance"]


@dataclass(frozen=True, slots=True)
class MentionFilter:
    """Which mentions to read; empty fields do not filter.

    ``since`` (inclusive) and ``until`` (exclusive) bound ``time_field``;
    ``sentiments`` match the effective sentiment (a user's override wins over the
    model's label); ``statuses`` treat a mention without workflow state as
    ``"new"``; ``topics`` and ``tags`` match any of the names given; ``text`` is a
    full-text query: words are ANDed, ``"quoted words"`` are a phrase and
    ``word*`` a prefix (docs/store.md, "Full-text search"). Sequences are
    stored as tuples (so filters are hashable); a lone string means one value.
    """

    since: datetime | None = None
    until: datetime | None = None
    time_field: TimeField = "created_at"
    platforms: Sequence[str] = ()
    topics: Sequence[str] = ()
    sentiments: Sequence[str] = ()
    langs: Sequence[str] = ()
    statuses: Sequence[str] = ()
    sources: Sequence[str] = ()
    tags: Sequence[str] = ()
    text: str | None = None

    def __post_init__(self) -> None:
        for name in ("platforms", "topics", "sentiments", "langs", "statuses", "sources", "tags"):
            object.__setattr__(self, name, _as_tuple(getattr(self, name), name))
        if self.time_field not in TIME_FIELDS:
            raise ValueError(
                f"time_field must be one of {', '.join(TIME_FIELDS)}, not {self.time_field!r}"
            )
        _check_choices("sentiments", self.sentiments, SENTIMENT_LABELS)
        _check_choices("statuses", self.statuses, WORKFLOW_STATUSES)


def _as_tuple(value: Iterable[str] | str, name: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    values = tuple(value)
    for item in values:
        if not isinstance(item, str):
            raise ValueError(f"{name} must hold strings, got {item!r}")
    return values


def _check_choices(name: str, values: Sequence[str], allowed: Sequence[str]) -> None:
    wrong = [v for v in values if v not in allowed]
    if wrong:
        raise ValueError(
            f"{name}: unknown value(s) {', '.join(map(repr, wrong))}; "
            f"expected any of {', '.join(allowed)}"
        )
