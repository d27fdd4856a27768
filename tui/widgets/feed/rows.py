"""FeedRow: one mention made ready to show on one line, built off the UI thread."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from ecoute.engine.records import TopicMatch, format_time
from ecoute.engine.store import PageKey, StoredMention

from ...filters import term_spans
from ...safe_text import OffsetMap, clean, safe_line

MAX_LINE_CHARS = 600
TITLE_SEPARATOR = " — "
# Kinds of highlighted spans on a row: a topic match or a searched word.
MATCH, SEARCH = "match", "search"


@dataclass(frozen=True, slots=True)
class FeedRow:
    """What the feed shows of one mention; text is cleaned and on one line.

    ``key`` is the row's keyset position (its time field's stored text and seq);
    ``spans`` are ``(start, end, kind)`` in ``line`` (title, separator, text).
    """

    id: str
    seq: int
    key: PageKey
    created_at: datetime
    platform: str
    author: str
    topics: tuple[str, ...]
    sentiment: str | None
    corrected: bool
    status: str
    line: str
    spans: tuple[tuple[int, int, str], ...]
    url: str | None

    def with_state(self, status: str, sentiment: str | None, corrected: bool) -> FeedRow:
        """This row with new workflow state (after an action)."""
        return replace(self, status=status, sentiment=sentiment, corrected=corrected)


def feed_row(stored: StoredMention, time_field: str, terms: Sequence[str] = ()) -> FeedRow:
    """Build the row of ``stored``; ``terms`` (``FeedFilters.search_terms``) are highlighted."""
    mention = stored.mention
    title, title_map = clean(mention.title)
    text, text_map = clean(mention.text)
    title = title.strip()
    offset = len(title) + len(TITLE_SEPARATOR) if title else 0
    line = (title + TITLE_SEPARATOR + text) if title else text
    line = line[:MAX_LINE_CHARS]
    spans: list[tuple[int, int, str]] = []
    for match in mention.topics:
        span = _match_span(match, title_map, text_map, offset)
        if span is not None and span[0] < len(line):
            spans.append((span[0], min(span[1], len(line)), MATCH))
    if terms:
        spans.extend(term_spans(line, terms, SEARCH, limit=50))
    moment = mention.collected_at if time_field == "collected_at" else mention.created_at
    return FeedRow(
        id=mention.id,
        seq=stored.seq,
        key=PageKey(format_time(moment), stored.seq),
        created_at=moment,
        platform=safe_line(mention.platform),
        author=safe_line(mention.author.handle),
        topics=tuple(safe_line(name) for name in mention.topic_names),
        sentiment=stored.effective_sentiment,
        corrected=stored.sentiment_override is not None,
        status=stored.status,
        line=line,
        spans=tuple(sorted(spans)),
        url=mention.url,
    )


def _match_span(
    match: TopicMatch, title_map: OffsetMap, text_map: OffsetMap, offset: int
) -> tuple[int, int] | None:
    if match.field == "text":
        start, end = text_map(match.start), text_map(match.end)
        return (start + offset, end + offset) if end > start else None
    if match.field == "title" and offset:
        start, end = title_map(match.start), title_map(match.end)
        limit = offset - len(TITLE_SEPARATOR)
        return (start, min(end, limit)) if min(end, limit) > start else None
    return None
