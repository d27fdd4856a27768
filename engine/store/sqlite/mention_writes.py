"""Writing mentions: idempotent upserts by id (with their topic matches) and deletes."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from itertools import chain
from typing import Any

from ...errors import StoreError
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
_UPSERT_TAIL = (
    " ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(
        f"{c} = {_update_expression(c)}" for c in MENTION_COLUMNS if c not in ("id", "collected_at")
    )
    + " RETURNING id, seq"
)


def _upsert_sql(rows: int) -> str:
    return _UPSERT_HEAD + ", ".join(_ROW_MARKS for _ in range(rows)) + _UPSERT_TAIL


_TOPIC_COLUMNS_SQL = ", ".join(f'"{c}"' for c in TOPIC_COLUMNS)
_INSERT_TOPIC_SQL = (
    f"INSERT INTO mention_topics (mention_seq, {_TOPIC_COLUMNS_SQL}) "
    f"VALUES (?, {', '.join('?' for _ in TOPIC_COLUMNS)})"
)
_DELETE_TOPICS_SQL = "DELETE FROM mention_topics WHERE mention_seq = ?"


def execute_rows(
    conn: sqlite3.Connection, sql: str, rows: Sequence[tuple[Any, ...]], *, many: bool
) -> list[Any]:
    """Run ``sql`` once over all ``rows`` flattened (``many=False``) or once per row.

    Returns what the statement returns (``RETURNING``; nothing with ``many``).
    If SQLite refuses text with lone surrogates, a savepoint undoes the rows
    already written and the rows are written again with the surrogates replaced.
    """
    if not rows:
        return []

    def run(values: Sequence[tuple[Any, ...]]) -> list[Any]:
        if many:
            conn.executemany(sql, values)
            return []
        return conn.execute(sql, list(chain.from_iterable(values))).fetchall()

    conn.execute("SAVEPOINT rows")
    try:
        returned = run(rows)
    except UnicodeEncodeError:
        conn.execute("ROLLBACK TO rows")
        returned = run([scrub_text(row) for row in rows])
    conn.execute("RELEASE rows")
    return returned


# What a mention's values (not the store) can make SQLite or the encoders raise:
# a number past 64 bits, a type no column takes, a missing required value.
_BIND_ERRORS = (
    sqlite3.ProgrammingError,
    sqlite3.InterfaceError,
    sqlite3.IntegrityError,
    sqlite3.DataError,
    OverflowError,
)
DATA_ERRORS = (*_BIND_ERRORS, TypeError, ValueError, RecursionError, AttributeError)
_INT64 = range(-(2**63), 2**63)
_PLAIN = (str, int, float, bytes)
_FIELD_NAMES = {
    "author": "author.handle",
    "author_name": "author.name",
    "author_followers": "author.followers",
    "author_url": "author.url",
    "sentiment": "sentiment.label",
    "sentiment_confidence": "sentiment.confidence",
    "sentiment_model": "sentiment.model",
    "sentiment_covered": "sentiment.covered",
}
_TOPIC_PARAMS = ("seq", *(f"topics[].{c}" for c in TOPIC_COLUMNS))


class UnstorableMention(StoreError, ValueError):
    """A mention's values cannot be written (a number too large, a type no column takes).

    Also a ``ValueError``, which tells it from the store failing (an I/O or
    lock ``StoreError``): retrying does not help, the mention must be left out.
    The message says what is wrong in plain words.
    """


def upsert_mentions(conn: sqlite3.Connection, mentions: Iterable[Mention]) -> int:
    """Insert or update mentions by ``id`` in one transaction; return how many are new.

    Within the batch the last mention with an id wins. Workflow state is never
    touched; topic matches are replaced for each mention that carries topics.

    Raises:
        UnstorableMention: a mention's values cannot be written; nothing was.
    """
    try:
        return _upsert(conn, mentions)
    except UnstorableMention:
        raise
    except RecursionError as exc:
        raise UnstorableMention("a mention holds a value nested too deeply to store") from exc
    except DATA_ERRORS as exc:
        raise UnstorableMention(f"a mention cannot be stored: {exc}") from exc


def _write(
    conn: sqlite3.Connection,
    sql: str,
    rows: Sequence[tuple[Any, ...]],
    columns: Sequence[str],
    *,
    many: bool,
) -> list[Any]:
    try:
        return execute_rows(conn, sql, rows, many=many)
    except _BIND_ERRORS as exc:
        raise UnstorableMention(_explain(exc, rows, columns)) from exc


def _explain(exc: Exception, rows: Sequence[tuple[Any, ...]], columns: Sequence[str]) -> str:
    """Which value SQLite refused, in plain words."""
    text = str(exc)
    for index, column in enumerate(columns):
        name = _FIELD_NAMES.get(column, column)
        values = [row[index] for row in rows]
        if isinstance(exc, OverflowError):
            big = next((v for v in values if type(v) is int and v not in _INT64), None)
            if big is not None:
                return f"{name} {big} is too large for the store (at most 2^63 - 1)"
        else:
            odd = [v for v in values if v is not None and not isinstance(v, _PLAIN)]
            if odd:
                kind = type(odd[0]).__name__
                return f"{name} cannot be stored: it holds a {kind}, not a plain value"
    missing = re.search(r"NOT NULL constraint failed: \w+\.(\w+)", text)
    if missing:
        return f"{_FIELD_NAMES.get(missing[1], missing[1])} is missing"
    return f"a mention cannot be stored: {text}"


def _upsert(conn: sqlite3.Connection, mentions: Iterable[Mention]) -> int:
    batch = list({m.id: m for m in mentions}.values())
    if not batch:
        return 0
    rows = [mention_params(m) for m in batch]
    with write_transaction(conn):
        before = conn.execute("SELECT coalesce(max(seq), 0) FROM mentions").fetchone()[0]
        # One multi-row statement per chunk, never executemany: FTS4 flushes its
        # pending terms into a new index segment at every statement that fires the
        # insert trigger, so one row per statement meant one segment per row.
        seqs: dict[str, int] = {}
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start : start + ROWS_PER_STATEMENT]
            returned = _write(conn, _upsert_sql(len(chunk)), chunk, MENTION_COLUMNS, many=False)
            seqs.update((row[0], row[1]) for row in returned)
        # seq is only assigned on insert, so rows above the old maximum are new.
        new = sum(1 for seq in seqs.values() if seq > before)
        with_topics = [(m, _seq_of(m, seqs)) for m in batch if m.topics]
        replaced = [(seq,) for _, seq in with_topics if seq <= before]
        if replaced:
            conn.executemany(_DELETE_TOPICS_SQL, replaced)
        topic_rows = [(seq, *topic_params(t)) for m, seq in with_topics for t in m.topics]
        _write(conn, _INSERT_TOPIC_SQL, topic_rows, _TOPIC_PARAMS, many=True)
    return new


def _seq_of(mention: Mention, seqs: dict[str, int]) -> int:
    # An id with lone surrogates was stored scrubbed (see execute_rows).
    seq = seqs.get(mention.id)
    return seqs[scrub_text(mention.id)] if seq is None else seq


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
