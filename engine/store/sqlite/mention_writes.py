"""Writing mentions: idempotent upserts by id (with their topic matches) and deletes."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from ...records import Mention
from .codec import MENTION_COLUMNS, TOPIC_COLUMNS, mention_params, scrub_text, topic_params
from .connection import write_transaction

# How a re-upsert treats each column. Nullable platform fields keep their old
# value when the new fetch lacks them; annotations are replaced only when the
# new version carries them (a scorer that failed on this batch erases nothing);
# collected_at stays the first time ecoute saw the mention.
_KEEP_WHEN_NULL = (
    "url",
    "author_name",
    "author_followers",
    "author_url",
    "title",
    "lang",
    "likes",
    "shares",
    "replies",
    "views",
    "parent_id",
    "priority",
    "reach",
    "raw",
)
_SENTIMENT = ("sentiment", "sentiment_confidence", "sentiment_model", "sentiment_covered")
_KEEP_WHEN_EMPTY = {"flags": "[]", "topics": "[]", "extra": "{}"}


def _update_expression(column: str) -> str:
    if column in _KEEP_WHEN_NULL:
        return f"coalesce(excluded.{column}, mentions.{column})"
    if column in _SENTIMENT:
        return (
            f"CASE WHEN excluded.sentiment IS NULL THEN mentions.{column} "
            f"ELSE excluded.{column} END"
        )
    if column in _KEEP_WHEN_EMPTY:
        empty = _KEEP_WHEN_EMPTY[column]
        return (
            f"CASE WHEN excluded.{column} = '{empty}' THEN mentions.{column} "
            f"ELSE excluded.{column} END"
        )
    return f"excluded.{column}"


# Rows per INSERT statement: 500 x 28 columns stays well under SQLite's 32,766
# bound parameters.
ROWS_PER_STATEMENT = 500
_ROW_MARKS = "(" + ", ".join("?" for _ in MENTION_COLUMNS) + ")"
_UPSERT_HEAD = f"INSERT INTO mentions ({', '.join(MENTION_COLUMNS)}) VALUES "
_UPSERT_TAIL = " ON CONFLICT (id) DO UPDATE SET " + ", ".join(
    f"{c} = {_update_expression(c)}" for c in MENTION_COLUMNS if c not in ("id", "collected_at")
)


def _upsert_sql(rows: int) -> str:
    return _UPSERT_HEAD + ", ".join(_ROW_MARKS for _ in range(rows)) + _UPSERT_TAIL


_TOPIC_COLUMNS_SQL = ", ".join(f'"{c}"' for c in TOPIC_COLUMNS)
_INSERT_TOPIC_SQL = (
    f"INSERT INTO mention_topics (mention_seq, {_TOPIC_COLUMNS_SQL}) "
    "VALUES ((SELECT seq FROM mentions WHERE id = ?), "
    f"{', '.join('?' for _ in TOPIC_COLUMNS)})"
)
_DELETE_TOPICS_SQL = (
    "DELETE FROM mention_topics WHERE mention_seq = (SELECT seq FROM mentions WHERE id = ?)"
)


def execute_rows(
    conn: sqlite3.Connection, sql: str, rows: Sequence[tuple[Any, ...]], *, many: bool
) -> None:
    """Run ``sql`` once over all ``rows`` flattened (``many=False``) or once per row.

    If SQLite refuses text with lone surrogates, a savepoint undoes the rows
    already written and the rows are written again with the surrogates replaced.
    """
    if not rows:
        return

    def run(values: Sequence[tuple[Any, ...]]) -> None:
        if many:
            conn.executemany(sql, values)
        else:
            conn.execute(sql, [value for row in values for value in row])

    conn.execute("SAVEPOINT rows")
    try:
        run(rows)
    except UnicodeEncodeError:
        conn.execute("ROLLBACK TO rows")
        run([scrub_text(row) for row in rows])
    conn.execute("RELEASE rows")


def upsert_mentions(conn: sqlite3.Connection, mentions: Iterable[Mention]) -> int:
    """Insert or update mentions by ``id`` in one transaction; return how many are new.

    Within the batch the last mention with an id wins. Workflow state is never
    touched; topic matches are replaced for each mention that carries topics.
    """
    batch = list({m.id: m for m in mentions}.values())
    if not batch:
        return 0
    rows = [mention_params(m) for m in batch]
    with write_transaction(conn):
        before = conn.execute("SELECT coalesce(max(seq), 0) FROM mentions").fetchone()[0]
        # One multi-row statement per chunk, never executemany: FTS4 flushes its
        # pending terms into a new index segment at every statement that fires the
        # insert trigger, so one row per statement meant one segment per row.
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start : start + ROWS_PER_STATEMENT]
            execute_rows(conn, _upsert_sql(len(chunk)), chunk, many=False)
        # seq is only assigned on insert, so rows above the old maximum are new.
        new_ids = {r[0] for r in conn.execute("SELECT id FROM mentions WHERE seq > ?", (before,))}
        with_topics = [m for m in batch if m.topics]
        replaced = [(m.id,) for m in with_topics if m.id not in new_ids]
        if replaced:
            conn.executemany(_DELETE_TOPICS_SQL, replaced)
        topic_rows = [(m.id, *topic_params(t)) for m in with_topics for t in m.topics]
        execute_rows(conn, _INSERT_TOPIC_SQL, topic_rows, many=True)
    return len(new_ids)


def delete_mentions(conn: sqlite3.Connection, ids: Iterable[str]) -> int:
    """Delete mentions (and their matches and workflow state) by id; return how many."""
    wanted = list(dict.fromkeys(ids))
    deleted = 0
    with write_transaction(conn):
        # One statement per chunk, for the same FTS segment reason as the upsert.
        for start in range(0, len(wanted), ROWS_PER_STATEMENT):
            chunk = wanted[start : start + ROWS_PER_STATEMENT]
            marks = ", ".join("?" for _ in chunk)
            deleted += conn.execute(f"DELETE FROM mentions WHERE id IN ({marks})", chunk).rowcount
    return deleted
