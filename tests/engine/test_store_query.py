"""The store's read API: filters, keyset pages, live deltas, counts and full-text search."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoute.engine import Author, Mention, Sentiment, TopicMatch
from ecoute.engine.store import MentionFilter, PageKey, Store, StoredMention
from ecoute.engine.store.sqlite import SQLiteStore, fts_query
from ecoute.engine.store.sqlite import plan as plan_module
from ecoute.engine.store.sqlite import reads as query

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def mention(n: int, text: str = "", **changes: object) -> Mention:
    """Mention ``n``, created ``n`` minutes after T0 and collected in reverse order."""
    m = Mention(
        id=f"demo:{n}",
        platform="demo",
        text=text or f"post number {n}",
        created_at=T0 + timedelta(minutes=n),
        collected_at=T0 + timedelta(days=1, minutes=-n),
        author=Author(handle=f"user{n}"),
        source="demo",
        lang="en",
    )
    for key, value in changes.items():
        setattr(m, key, value)
    return m


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with SQLiteStore(tmp_path / "ecoute.db") as s:
        yield s


def ids(rows: Sequence[StoredMention]) -> list[str]:
    return [r.id for r in rows]


ALL = MentionFilter()


def seqs_of(store: Store, f: MentionFilter = ALL) -> list[str]:
    return ids(store.page(f, limit=1000).rows)


@pytest.fixture
def varied(store: Store) -> Store:
    """Six mentions that differ in every filtered field."""
    neg = Sentiment("negative", 0.9, "m")
    pos = Sentiment("positive", 0.8, "m")
    store.upsert_mentions(
        [
            mention(1, platform="mastodon", lang="fr", sentiment=neg, source="masto",
                    topics=[TopicMatch("acme", "acme", "Acme", 0, 4)]),
            mention(2, platform="mastodon", lang="en", sentiment=pos, source="masto"),
            mention(3, platform="reddit", lang="en", sentiment=neg, source="reddit",
                    topics=[TopicMatch("rival", "rival", "rival", 0, 5)]),
            mention(4, platform="reddit", lang="de", source="reddit",
                    topics=[TopicMatch("acme", "acme", "acme", 0, 4),
                            TopicMatch("rival", "rival", "rival", 5, 10)]),
            mention(5, platform="hn", lang="en", sentiment=pos, source="hn"),
            mention(6, platform="hn", lang=None, sentiment=neg, source="hn"),
        ]
    )  # fmt: skip
    return store


def test_every_filter_field(varied: Store) -> None:
    s = varied
    assert seqs_of(s) == [f"demo:{n}" for n in (6, 5, 4, 3, 2, 1)]
    assert seqs_of(s, MentionFilter(platforms=["mastodon", "hn"])) == [
        "demo:6", "demo:5", "demo:2", "demo:1",
    ]  # fmt: skip
    assert seqs_of(s, MentionFilter(sources=("reddit",))) == ["demo:4", "demo:3"]
    assert seqs_of(s, MentionFilter(langs=["en"])) == ["demo:5", "demo:3", "demo:2"]
    assert seqs_of(s, MentionFilter(topics=["acme"])) == ["demo:4", "demo:1"]
    assert seqs_of(s, MentionFilter(topics=["acme", "rival"])) == ["demo:4", "demo:3", "demo:1"]
    assert seqs_of(s, MentionFilter(sentiments=["negative"])) == ["demo:6", "demo:3", "demo:1"]
    since, until = T0 + timedelta(minutes=2), T0 + timedelta(minutes=5)
    assert seqs_of(s, MentionFilter(since=since, until=until)) == ["demo:4", "demo:3", "demo:2"]
    collected = MentionFilter(time_field="collected_at", since=T0 + timedelta(days=1, minutes=-2))
    assert seqs_of(s, collected) == ["demo:1", "demo:2"]
    combined = MentionFilter(platforms=["reddit"], topics=["rival"], langs=["en"])
    assert seqs_of(s, combined) == ["demo:3"]
    assert seqs_of(s, MentionFilter(text="number 5")) == ["demo:5"]
    s.add_tag("demo:2", "vip")
    assert seqs_of(s, MentionFilter(tags=["vip"])) == ["demo:2"]


def test_effective_sentiment_override_wins(varied: Store) -> None:
    varied.set_sentiment_override("demo:1", "positive")
    varied.set_sentiment_override("demo:4", "negative")
    assert seqs_of(varied, MentionFilter(sentiments=["negative"])) == [
        "demo:6", "demo:4", "demo:3",
    ]  # fmt: skip
    assert seqs_of(varied, MentionFilter(sentiments=["positive"])) == [
        "demo:5", "demo:2", "demo:1",
    ]  # fmt: skip
    assert varied.count(MentionFilter(sentiments=["negative", "positive"])) == 6


def test_status_filter_treats_missing_workflow_as_new(varied: Store) -> None:
    varied.set_status("demo:2", "handled")
    varied.set_status("demo:3", "needs-reply")
    varied.set_status("demo:4", "new")
    varied.set_sentiment_override("demo:5", "neutral")
    assert seqs_of(varied, MentionFilter(statuses=["new"])) == [
        "demo:6", "demo:5", "demo:4", "demo:1",
    ]  # fmt: skip
    assert seqs_of(varied, MentionFilter(statuses=["handled", "needs-reply"])) == [
        "demo:3", "demo:2",
    ]  # fmt: skip
    assert varied.count(MentionFilter(statuses=["new", "handled"])) == 5


def test_filter_validation() -> None:
    with pytest.raises(ValueError, match="time_field"):
        MentionFilter(time_field="updated_at")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="statuses"):
        MentionFilter(statuses=["done"])
    with pytest.raises(ValueError, match="sentiments"):
        MentionFilter(sentiments=["angry"])
    assert MentionFilter(platforms="demo").platforms == ("demo",)
    assert hash(MentionFilter(platforms=["a", "b"])) == hash(MentionFilter(platforms=("a", "b")))


def test_keyset_pagination_walks_all_rows_once_with_ties(store: Store) -> None:
    # Batches of mentions sharing created_at, inserted out of time order.
    batch = []
    for n in range(40):
        m = mention(n)
        m.created_at = T0 + timedelta(minutes=(n * 7) % 5)
        batch.append(m)
    store.upsert_mentions(batch[20:])
    store.upsert_mentions(batch[:20])
    expected = sorted(
        store.page(limit=1000).rows, key=lambda r: (r.mention.created_at, r.seq), reverse=True
    )
    walked, key, pages = [], None, 0
    while True:
        page = store.page(after=key, limit=7)
        walked.extend(page.rows)
        pages += 1
        if page.next_key is None:
            break
        key = page.next_key
    assert [r.seq for r in walked] == [r.seq for r in expected]
    assert len({r.seq for r in walked}) == 40 and pages == 6
    assert store.page(after=PageKey("0000", 0)).rows == []


def test_pagination_with_filter_and_collected_at(varied: Store) -> None:
    f = MentionFilter(time_field="collected_at", platforms=["reddit", "hn"])
    first = varied.page(f, limit=2)
    assert ids(first.rows) == ["demo:3", "demo:4"] and first.next_key is not None
    second = varied.page(f, after=first.next_key, limit=2)
    assert ids(second.rows) == ["demo:5", "demo:6"] and second.next_key is None


def test_newer_than_latest_seq_and_count(store: Store) -> None:
    assert store.latest_seq() == 0
    store.upsert_mentions([mention(n) for n in range(5)])
    mark = store.latest_seq()
    store.upsert_mentions([mention(2, text="edited")])  # an update is not new
    assert store.newer_than(mark) == []
    store.upsert_mentions([mention(n, platform="other" if n % 2 else "demo") for n in range(5, 9)])
    assert ids(store.newer_than(mark)) == ["demo:8", "demo:7", "demo:6", "demo:5"]
    assert ids(store.newer_than(mark, MentionFilter(platforms=["demo"]))) == ["demo:8", "demo:6"]
    assert ids(store.newer_than(mark, limit=1)) == ["demo:8"]
    assert store.latest_seq() > mark
    assert store.count() == 9 and store.count(MentionFilter(platforms=["other"])) == 2


def test_get_returns_topics_tags_and_notes(varied: Store) -> None:
    varied.add_tag("demo:4", "b")
    varied.add_tag("demo:4", "a")
    varied.add_note("demo:4", "one")
    varied.add_note("demo:4", "two")
    stored = varied.get("demo:4")
    assert stored is not None
    assert [t.topic for t in stored.mention.topics] == ["acme", "rival"]
    assert stored.tags == ["a", "b"] and [n.text for n in stored.notes] == ["one", "two"]
    assert varied.get("demo:404") is None


def plan_of(store: Store, f: MentionFilter, *, seq: int | None = None) -> str:
    """EXPLAIN QUERY PLAN of the feed query the store would run for ``f``."""
    conn = sqlite3.connect(store.path)
    after = PageKey("9999", 10**9)
    sql, params = query.ordered_sql(conn, f, None if seq else after, 51, seq)
    return " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params))


def test_feed_plans_walk_the_time_index(varied: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plan_module, "DRIVE_LIMIT", 0)  # as if every filter matched many
    for f in (
        ALL,
        MentionFilter(platforms=["mastodon", "reddit"], langs=["en", "fr"]),
        MentionFilter(sentiments=["negative"], statuses=["new", "handled"]),
        MentionFilter(since=T0, until=T0 + timedelta(days=1)),
    ):
        plan = plan_of(varied, f)
        assert "INDEX mentions_created_at" in plan and "TEMP B-TREE" not in plan, (f, plan)
    plan = plan_of(varied, MentionFilter(time_field="collected_at", sources=["hn", "reddit"]))
    assert "INDEX mentions_collected_at" in plan and "TEMP B-TREE" not in plan
    # One value: its own (column, created_at) index, still in time order.
    plan = plan_of(varied, MentionFilter(platforms=["hn"]))
    assert "INDEX mentions_platform (platform=? AND created_at<?)" in plan
    assert "TEMP B-TREE" not in plan


def test_big_sets_are_walked_small_sets_drive(
    varied: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    varied.set_status("demo:2", "handled")
    small = MentionFilter(topics=["acme"], statuses=["handled"], text="post", langs=["en", "fr"])
    plan = plan_of(varied, small)
    assert "USING INDEX workflow_status" in plan and "TEMP B-TREE" in plan  # 1 handled row
    plan = plan_of(varied, MentionFilter(platforms=["hn", "reddit"], topics=["acme"]))
    assert "COVERING INDEX mention_topics_topic (topic=?)" in plan  # 2 acme rows, 4 hn/reddit
    monkeypatch.setattr(plan_module, "DRIVE_LIMIT", 0)  # now every set counts as big
    plan = plan_of(varied, small)
    assert "INDEX mentions_created_at" in plan and "TEMP B-TREE" not in plan


def test_live_feed_reads_only_the_new_seq_range(varied: Store) -> None:
    for f in (ALL, MentionFilter(platforms=["hn"], topics=["acme"], text="post")):
        plan = plan_of(varied, f, seq=3)
        assert "INTEGER PRIMARY KEY (rowid>?)" in plan, plan


# -- full-text search -------------------------------------------------------------------


def fts_segments(store: Store) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(store.path)
    return conn.execute("SELECT level, idx, end_block FROM mentions_fts_segdir").fetchall()


def search_ids(store: Store, text: str, **kw: object) -> list[str]:
    return ids(store.search(MentionFilter(text=text), limit=50, **kw))  # type: ignore[arg-type]


def test_fts_follows_insert_update_and_delete(store: Store) -> None:
    store.upsert_mentions([mention(1, "the quick brown fox"), mention(2, "lazy dog")])
    assert search_ids(store, "fox") == ["demo:1"]
    store.upsert_mentions([mention(1, "the slow green turtle")])
    assert search_ids(store, "fox") == [] and search_ids(store, "turtle") == ["demo:1"]
    store.upsert_mentions([mention(2, "lazy dog", title="Dog days", author=Author("rex", "Rex"))])
    assert search_ids(store, "days") == ["demo:2"] and search_ids(store, "rex") == ["demo:2"]
    store.delete_mentions(["demo:1"])
    assert search_ids(store, "turtle") == []
    conn = sqlite3.connect(store.path)
    conn.execute("INSERT INTO mentions_fts (mentions_fts) VALUES ('integrity-check')")


def test_sentiment_only_update_does_not_touch_the_fts_index(store: Store) -> None:
    store.upsert_mentions([mention(n, f"alpha beta {n}") for n in range(20)])
    before = fts_segments(store)
    scored = [mention(n, f"alpha beta {n}", sentiment=Sentiment("positive", 0.7, "m"))
              for n in range(20)]  # fmt: skip
    store.upsert_mentions(scored)
    store.set_sentiment_override("demo:3", "negative")
    assert fts_segments(store) == before
    assert len(search_ids(store, "alpha")) == 20
    store.upsert_mentions([mention(3, "gamma")])  # a text change does write to the index
    assert fts_segments(store) != before and search_ids(store, "gamma") == ["demo:3"]


def test_diacritics_and_unicode_case_fold(store: Store) -> None:
    store.upsert_mentions(
        [
            mention(1, "Un très bon café à Montréal"),
            mention(2, "Привет из Москвы"),
            mention(3, "ΣΟΦΙΑ says hello"),
        ]
    )
    assert search_ids(store, "cafe") == ["demo:1"] and search_ids(store, "CAFÉ") == ["demo:1"]
    assert search_ids(store, "montreal tres") == ["demo:1"]
    assert search_ids(store, "привет") == ["demo:2"] and search_ids(store, "МОСКВЫ") == ["demo:2"]
    assert search_ids(store, "σοφια") == ["demo:3"]


def test_search_syntax_words_phrases_prefixes(store: Store) -> None:
    store.upsert_mentions(
        [
            mention(1, "new phone battery drains fast"),
            mention(2, "fast battery, new phone"),
            mention(3, "phones OR tablets NEAR me (sale)"),
        ]
    )
    assert search_ids(store, "battery phone") == ["demo:2", "demo:1"]
    assert search_ids(store, '"phone battery"') == ["demo:1"]
    assert search_ids(store, "phon*") == ["demo:3", "demo:2", "demo:1"]
    assert search_ids(store, "OR") == ["demo:3"] and search_ids(store, "near") == ["demo:3"]
    assert search_ids(store, "-battery") == ["demo:2", "demo:1"]


NASTY = [
    '"', '""', '"unclosed', "(", ")", "()", "a OR", "OR b", "NEAR", "NEAR/3", "x NEAR/2 y",
    "-", "--x", "*", "**", "a*b*", "^start", "text:foo", "AND NOT", "'; DROP TABLE mentions;--",
    "\x00", "🙂", "café*", "e\u0301", "\u0301", "Ж*", "a" * 5000, "[]{}", "\\", "%_",
]  # fmt: skip


@pytest.mark.parametrize("text", NASTY)
def test_search_never_raises_on_odd_input(store: Store, text: str) -> None:
    store.upsert_mentions([mention(1, "foo start text café")])
    for sort in ("newest", "relevance"):
        store.search(MentionFilter(text=text), sort=sort)
    store.count(MentionFilter(text=text))
    assert store.count() == 1


def test_sanitiser_output() -> None:
    assert fts_query("hello world") == '"hello" "world"'
    assert fts_query('"exact phrase" pre*') == '"exact phrase" "pre*"'
    assert fts_query("NEAR OR -x") == '"NEAR" "OR" "-x"'
    assert fts_query("a*") == '"a"'
    for empty in ("", "*", "()", '""', "🙂 --"):
        assert fts_query(empty) is None


def test_relevance_puts_the_best_match_first(store: Store) -> None:
    filler = [mention(n, f"unrelated chatter about weather number {n}") for n in range(30)]
    store.upsert_mentions(filler)
    store.upsert_mentions(
        [
            mention(100, "zebra zebra zebra"),
            mention(101, "a long post that mentions a zebra once among many other words here"),
            mention(102, "another long text, with the word zebra once and lots of other words"),
        ]
    )
    newest = search_ids(store, "zebra")
    assert newest == ["demo:102", "demo:101", "demo:100"]
    ranked = search_ids(store, "zebra", sort="relevance")
    assert ranked[0] == "demo:100" and set(ranked) == set(newest)
    assert ids(store.search(MentionFilter(), sort="relevance", limit=2)) == [
        "demo:102", "demo:101",
    ]  # fmt: skip


def test_relevance_respects_other_filters(store: Store) -> None:
    store.upsert_mentions([mention(n, f"filler words {n}") for n in range(10)])
    store.upsert_mentions([mention(20, "kiwi kiwi", platform="x"), mention(21, "kiwi here")])
    got = store.search(MentionFilter(text="kiwi", platforms=["demo"]), sort="relevance")
    assert ids(got) == ["demo:21"]


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One store for every fuzzing example (Hypothesis reruns a test body many times)."""
    with SQLiteStore(tmp_path_factory.mktemp("fuzz") / "fuzz.db") as store:
        store.upsert_mentions([mention(1, "some searchable text, café and Привет")])
        yield store


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_sanitised_query_never_fails_in_sqlite(fuzz_store: Store, text: str) -> None:
    query = fts_query(text)
    if query is not None:
        assert query.count('"') % 2 == 0
    fuzz_store.search(MentionFilter(text=text), sort="relevance", limit=5)
    fuzz_store.count(MentionFilter(text=text))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['"', "*", "(", ")", "-", "OR", "NEAR", "a", "é", " ", ":"])))
def test_sanitised_syntax_soup_never_fails(fuzz_store: Store, parts: list[str]) -> None:
    fuzz_store.search(MentionFilter(text="".join(parts)), sort="relevance", limit=5)
