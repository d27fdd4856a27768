"""Feed rows: one clean line, with topic matches and searched words located in it."""

from __future__ import annotations

from ecoute.engine.records import TopicMatch
from ecoute.engine.store import StoredMention
from ecoute.tui.filters import search_terms
from ecoute.tui.widgets.feed.rows import MATCH, SEARCH, feed_row
from tests.tui.helpers import mention


def spans_text(line: str, spans: tuple[tuple[int, int, str], ...], kind: str) -> list[str]:
    return [line[s:e] for s, e, k in spans if k == kind]


def test_title_then_text_with_matches_in_both() -> None:
    text = "sync broken on acme\u200b cloud"
    m = mention(
        1,
        title="Acme \x1b[1mdown",
        text=text,
        topics=[
            TopicMatch("Acme", "acme", "acme", text.index("acme"), text.index("acme") + 4),
            TopicMatch("Acme", "acme", "Acme", 0, 4, field="title"),
            TopicMatch("Acme", "x", "user1", 0, 5, field="author"),
        ],
    )
    row = feed_row(StoredMention(m, seq=1), "created_at")
    assert row.line == "Acme down — sync broken on acme cloud"
    assert spans_text(row.line, row.spans, MATCH) == ["Acme", "acme"]


def test_search_words_are_found_at_word_starts_ignoring_case() -> None:
    assert search_terms('Sync "error code" upl* x') == ["sync", "error code", "upl"]
    m = mention(2, text="Resync failed. SYNC error code 7, uploads stuck")
    row = feed_row(StoredMention(m, seq=2), "created_at", search_terms("sync upl*"))
    assert spans_text(row.line, row.spans, SEARCH) == ["SYNC", "upl"]


def test_time_field_decides_the_row_key() -> None:
    m = mention(3)
    by_collection = feed_row(StoredMention(m, seq=3), "collected_at")
    assert by_collection.created_at == m.collected_at
    assert by_collection.key.time.startswith(m.collected_at.strftime("%Y-%m-%dT%H:%M:%S"))


def test_effective_sentiment_and_workflow_state() -> None:
    m = mention(3)  # the model says negative
    stored = StoredMention(m, seq=3, status="handled", sentiment_override="positive")
    row = feed_row(stored, "created_at")
    assert (row.sentiment, row.corrected, row.status) == ("positive", True, "handled")


def test_empty_or_unusual_search_terms_never_hang_and_are_ignored() -> None:
    from ecoute.tui.filters import term_spans

    assert term_spans("abc abc", ["", "ab"], SEARCH) == [(0, 2, SEARCH), (4, 6, SEARCH)]
    assert term_spans("straße", ["ss"], SEARCH) == []  # casefold changes lengths
    assert len(term_spans("a " * 500, ["a"], SEARCH, limit=7)) == 7
