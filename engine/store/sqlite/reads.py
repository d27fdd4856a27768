"""Reading mentions: keyset pages, counts, live-feed deltas, search and lookups."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from ...records import SENTIMENT_LABELS, WORKFLOW_STATUSES, Mention, TopicMatch, parse_time
from ..filters import MentionFilter, SortOrder
from ..models import Note, Page, PageKey, StoredMention
from .codec import mark_damaged, row_to_mention, row_to_topic
from .fts import match_expression
from .plan import (
    FROM_MENTIONS,
    SELECT_MENTIONS,
    SetFilter,
    Shape,
    choose_driver,
    order_by,
    set_filters,
    time_expression,
    where_clauses,
    where_sql,
)

MAX_LIMIT = 1000
# Relevance ranking runs rank_bm25 in Python once per row, so only the newest
# matches are ranked: a bounded cost however common the searched words are.
RELEVANCE_CANDIDATES = 1000
_CHUNK = 500
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

T = TypeVar("T")


def _chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    return limit


def ordered_sql(
    conn: sqlite3.Connection, f: MentionFilter, after: PageKey | None, limit: int, seq: int | None
) -> tuple[str, list[Any]]:
    """SQL and values reading rows of ``f`` newest first, after ``after`` or ``seq``.

    With ``seq``, only rows inserted after it are read and the seq range drives
    the query; otherwise :func:`~.plan.choose_driver` picks walk or drive.
    """
    if seq is not None:
        shape: Shape = "seq"
        driver = None
    else:
        driver = choose_driver(conn, f)
        shape = "walk" if driver is None else "drive"
    clauses, params = where_clauses(f, shape, driver)
    if after is not None:
        # A row-value comparison walks the (time, seq) index from the key down.
        clauses.append(f"({time_expression(f, shape)}, m.seq) < (?, ?)")
        params.extend((after.time, after.seq))
    if seq is not None:
        clauses.append("m.seq > ?")
        params.append(seq)
    sql = f"{SELECT_MENTIONS}{where_sql(clauses)}{order_by(f, shape)} LIMIT ?"
    return sql, [*params, limit]


def page(conn: sqlite3.Connection, f: MentionFilter, after: PageKey | None, limit: int) -> Page:
    """Mentions matching ``f``, newest first by (time field, seq), after ``after``."""
    _check_limit(limit)
    rows = fetch_rows(conn, *ordered_sql(conn, f, after, limit + 1, None))
    next_key = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_key = PageKey(last[f.time_field], last["seq"])
    return Page(hydrate(conn, rows), next_key)


def count(conn: sqlite3.Connection, f: MentionFilter) -> int:
    """How many mentions match ``f``."""
    only = _only_set(f)
    if only is not None:
        # One set and nothing else: count its distinct members without the table.
        members = f"SELECT DISTINCT * FROM ({only.members})" if only.repeats else only.members
        sql = f"SELECT count(*) FROM ({members})"
        return int(conn.execute(sql, only.params).fetchone()[0])
    clauses, params = where_clauses(f, "count")
    if f.sentiments or (f.statuses and "new" in f.statuses):
        sql = f"SELECT count(*) FROM {FROM_MENTIONS}{where_sql(clauses)}"
    else:
        # The workflow join only matters to those filters; skip its lookups.
        sql = f"SELECT count(*) FROM mentions AS m{where_sql(clauses)}"
    return int(conn.execute(sql, params).fetchone()[0])


def _only_set(f: MentionFilter) -> SetFilter | None:
    sets = set_filters(f)
    if len(sets) != 1 or f.since or f.until:
        return None
    if f.sentiments or (f.statuses and sets[0].name != "statuses"):
        return None
    return sets[0]


def newer_than(
    conn: sqlite3.Connection, seq: int, f: MentionFilter, limit: int
) -> list[StoredMention]:
    """Mentions matching ``f`` inserted after ``seq``, ordered like :func:`page`.

    Only the seq range drives the query (a few new rows), whatever the filter.
    """
    _check_limit(limit)
    rows = fetch_rows(conn, *ordered_sql(conn, f, None, limit, seq))
    return hydrate(conn, rows)


def latest_seq(conn: sqlite3.Connection) -> int:
    """The highest ``seq`` stored (0 when empty)."""
    return int(conn.execute("SELECT coalesce(max(seq), 0) FROM mentions").fetchone()[0])


def get(conn: sqlite3.Connection, mention_id: str) -> StoredMention | None:
    """One mention with its topic matches, tags and notes, or ``None``."""
    rows = fetch_rows(conn, f"{SELECT_MENTIONS} WHERE m.id = ?", (mention_id,))
    found = hydrate(conn, rows)
    return found[0] if found else None


def search(
    conn: sqlite3.Connection, f: MentionFilter, sort: SortOrder, limit: int
) -> list[StoredMention]:
    """Full-text search of ``f.text`` within ``f``, newest first or most relevant first.

    Relevance ranks (BM25) the newest :data:`RELEVANCE_CANDIDATES` matches only.
    Without searchable words this is the newest ``limit`` mentions matching ``f``.
    """
    _check_limit(limit)
    if sort not in ("newest", "relevance"):
        raise ValueError(f"sort must be 'newest' or 'relevance', not {sort!r}")
    match = match_expression(f)
    if sort == "newest" or match is None:
        return page(conn, f, None, limit).rows
    driver = choose_driver(conn, f)
    shape: Shape = "walk" if driver is None else "drive"
    clauses, params = where_clauses(f, shape, driver)
    candidates = (
        f"SELECT m.seq FROM {FROM_MENTIONS}{where_sql(clauses)}{order_by(f, shape)} "
        f"LIMIT {RELEVANCE_CANDIDATES:d}"
    )
    ranked = conn.execute(
        "SELECT docid, rank_bm25(matchinfo(mentions_fts, 'pcnalx')) AS score "
        "FROM mentions_fts WHERE mentions_fts MATCH ? "
        f"AND docid IN ({candidates}) ORDER BY score, docid DESC LIMIT ?",
        (match, *params, limit),
    ).fetchall()
    order = [row[0] for row in ranked]
    by_seq = {row["seq"]: row for row in _rows_by_seq(conn, order)}
    return hydrate(conn, [by_seq[seq] for seq in order if seq in by_seq])


def _rows_by_seq(conn: sqlite3.Connection, seqs: Sequence[int]) -> list[sqlite3.Row]:
    rows: list[sqlite3.Row] = []
    for chunk in _chunks(seqs):
        marks = ", ".join("?" for _ in chunk)
        rows.extend(fetch_rows(conn, f"{SELECT_MENTIONS} WHERE m.seq IN ({marks})", chunk))
    return rows


def fetch_rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
    """All rows of ``sql``, even where a column holds text that is not valid UTF-8.

    Such text (written by another program) makes sqlite3 refuse the whole query;
    it is then read again with the bad bytes kept as lone surrogates, which the
    codec replaces and reports (the mention reads as damaged).
    """
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if "decode" not in str(exc):
            raise
    factory = conn.text_factory
    conn.text_factory = _lenient_text
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.text_factory = factory


def _lenient_text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def hydrate(conn: sqlite3.Connection, rows: Sequence[sqlite3.Row]) -> list[StoredMention]:
    """Turn rows of ``SELECT_MENTIONS`` into stored mentions with topics, tags and notes.

    Every row reads back: a damaged value becomes a safe default and the mention
    is marked (see :func:`~.codec.row_to_mention`).
    """
    if not rows:
        return []
    seqs = [row["seq"] for row in rows]
    ids = [row["id"] for row in rows]
    topics: dict[int, list[TopicMatch]] = {}
    damaged_topics: set[int] = set()
    for chunk in _chunks(seqs):
        marks = ", ".join("?" for _ in chunk)
        for row in fetch_rows(
            conn,
            f"SELECT * FROM mention_topics WHERE mention_seq IN ({marks}) "
            "ORDER BY mention_seq, rowid",
            chunk,
        ):
            bad: list[str] = []
            topics.setdefault(row["mention_seq"], []).append(row_to_topic(row, bad))
            if bad:
                damaged_topics.add(row["mention_seq"])
    tags: dict[str, list[str]] = {}
    notes: dict[str, list[Note]] = {}
    for chunk_ids in _chunks(ids):
        marks = ", ".join("?" for _ in chunk_ids)
        for row in fetch_rows(
            conn,
            f"SELECT mention_id, tag FROM tags WHERE mention_id IN ({marks}) ORDER BY tag",
            chunk_ids,
        ):
            tags.setdefault(row[0], []).append(row[1] if type(row[1]) is str else str(row[1]))
        for row in fetch_rows(
            conn,
            "SELECT note_id, mention_id, created_at, text FROM notes "
            f"WHERE mention_id IN ({marks}) ORDER BY note_id",
            chunk_ids,
        ):
            notes.setdefault(row[1], []).append(note_from_row(row))
    return [
        StoredMention(
            mention=_mention(row, topics.get(row["seq"], []), row["seq"] in damaged_topics),
            seq=row["seq"],
            status=row["wf_status"] if row["wf_status"] in WORKFLOW_STATUSES else "new",
            sentiment_override=(
                row["wf_override"] if row["wf_override"] in SENTIMENT_LABELS else None
            ),
            tags=tags.get(row["id"], []),
            notes=notes.get(row["id"], []),
        )
        for row in rows
    ]


def _mention(row: sqlite3.Row, topics: list[TopicMatch], damaged_topics: bool) -> Mention:
    try:
        return row_to_mention(row, topics, ["topics"] if damaged_topics else [])
    except Exception:  # the codec degrades field by field; this is the net under it
        mention = Mention(
            id=str(row["id"]),
            platform=str(row["platform"]),
            text="(this stored mention could not be read)",
            created_at=_EPOCH,
            collected_at=_EPOCH,
        )
        mark_damaged(mention, ["row"])
        return mention


def note_from_row(row: sqlite3.Row | tuple[Any, ...]) -> Note:
    """A :class:`Note` from ``(note_id, mention_id, created_at, text)`` (a bad time: 1970)."""
    try:
        created_at = parse_time(row[2])
    except (ValueError, OverflowError, AttributeError, TypeError):
        created_at = _EPOCH
    return Note(note_id=row[0], mention_id=row[1], created_at=created_at, text=str(row[3]))
