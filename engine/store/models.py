"""What the store's read API returns: stored mentions, notes, pages and saved views."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..errors import StoreError
from ..records import Mention, SentimentLabel, WorkflowStatus


@dataclass(frozen=True, slots=True)
class Note:
    """A free-text note a user attached to a mention."""

    note_id: int
    mention_id: str
    created_at: datetime
    text: str


@dataclass(slots=True)
class StoredMention:
    """A mention as stored, with its workflow state.

    ``mention`` is rebuilt from the row (its ``topics`` are the stored topic
    matches); ``seq`` is the insertion sequence; ``effective_sentiment`` is the
    user's ``sentiment_override`` when set, else the model's label.
    """

    mention: Mention
    seq: int
    status: WorkflowStatus = "new"
    sentiment_override: SentimentLabel | None = None
    tags: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def id(self) -> str:
        """The mention's id (``"<platform>:<native id>"``)."""
        return self.mention.id

    @property
    def effective_sentiment(self) -> SentimentLabel | None:
        """The user's correction if any, else the model's label (or ``None``)."""
        if self.sentiment_override is not None:
            return self.sentiment_override
        return self.mention.sentiment.label if self.mention.sentiment else None


@dataclass(frozen=True, slots=True, order=True)
class PageKey:
    """Where a page ended: the (time, seq) of its last row, for keyset pagination.

    ``time`` is the fixed-width UTC text of the filter's ``time_field``.
    """

    time: str
    seq: int


@dataclass(slots=True)
class Page:
    """One page of mentions, newest first; ``next_key`` is ``None`` on the last page."""

    rows: list[StoredMention]
    next_key: PageKey | None = None


@dataclass(frozen=True, slots=True)
class SavedView:
    """A named set of filters; ``filters`` is the JSON object the client saved."""

    name: str
    filters: dict[str, Any]
    updated_at: datetime


class UnknownMention(StoreError):
    """A workflow action named a mention id the store does not hold."""
