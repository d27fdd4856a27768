"""Writing what the pipeline produces: mentions, cursors, health and rejects."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from ..health import Health
from ..records import Mention, format_time, parse_time
from .codec import (
    HEALTH_COLUMNS,
    MENTION_COLUMNS,
    TOPIC_COLUMNS,
    health_params,
    mention_params,
    row_to_health,
    scrub_text,
    topic_params,
)
from .connection import write_transaction
from .models import StoredReject

MAX_REJECTS = 10_000
MAX_EXCERPT_CHARS = 2000


class RejectLike(Protocol):
    """A rejected item: :class:`~ecoute.engine.Reject` or anything with these fields.

    Optional ``source`` and ``platform`` attributes are read when present.
    """

    @property
    def reason(self) -> str:
        """What was wrong."""
        ...

    @property
    def context(self) -> str:
        """Where it was found."""
        ...

    @property
    def excerpt(self) -> str:
        """The start of the bad item."""
        ...


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


def _execute(
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
            _execute(conn, _upsert_sql(len(chunk)), chunk, many=False)
        # seq is only assigned on insert, so rows above the old maximum are new.
        new_ids = {r[0] for r in conn.execute("SELECT id FROM mentions WHERE seq > ?", (before,))}
        with_topics = [m for m in batch if m.topics]
        replaced = [(m.id,) for m in with_topics if m.id not in new_ids]
        if replaced:
            conn.executemany(_DELETE_TOPICS_SQL, replaced)
        topic_rows = [(m.id, *topic_params(t)) for m in with_topics for t in m.topics]
        _execute(conn, _INSERT_TOPIC_SQL, topic_rows, many=True)
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


def get_cursor(conn: sqlite3.Connection, source: str, key: str) -> str | None:
    """The saved cursor of ``(source, key)``, or ``None``."""
    row = conn.execute(
        "SELECT cursor FROM cursors WHERE source = ? AND key = ?", (source, key)
    ).fetchone()
    return None if row is None else str(row[0])


def load_cursors(conn: sqlite3.Connection) -> dict[tuple[str, str], str]:
    """Every saved cursor by ``(source, key)``."""
    return {(r[0], r[1]): r[2] for r in conn.execute("SELECT source, key, cursor FROM cursors")}


def save_cursors(
    conn: sqlite3.Connection, cursors: Mapping[tuple[str, str], str], now: datetime
) -> None:
    """Save cursors by ``(source, key)`` in one transaction."""
    stamp = format_time(now)
    rows = [(source, key, cursor, stamp) for (source, key), cursor in cursors.items()]
    with write_transaction(conn):
        conn.executemany(
            "INSERT INTO cursors (source, key, cursor, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (source, key) DO UPDATE SET "
            "cursor = excluded.cursor, updated_at = excluded.updated_at",
            rows,
        )


_HEALTH_SQL = (
    f"INSERT INTO health ({', '.join(HEALTH_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in HEALTH_COLUMNS)}) ON CONFLICT (component) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in HEALTH_COLUMNS[1:])
)


def save_health(conn: sqlite3.Connection, records: Iterable[Health]) -> None:
    """Replace the stored health of each component given, in one transaction."""
    rows = [health_params(h) for h in records]
    with write_transaction(conn):
        conn.executemany(_HEALTH_SQL, rows)


def load_health(conn: sqlite3.Connection) -> list[Health]:
    """The stored health of every component, by component name."""
    rows = conn.execute(f"SELECT {', '.join(HEALTH_COLUMNS)} FROM health ORDER BY component")
    return [row_to_health(row) for row in rows]


def add_rejects(
    conn: sqlite3.Connection,
    rejects: Iterable[RejectLike],
    *,
    source: str,
    platform: str,
    at: datetime,
) -> int:
    """Keep rejected items for inspection; only the newest :data:`MAX_REJECTS` are kept."""
    stamp = format_time(at)
    rows = [
        (
            stamp,
            getattr(r, "source", None) or source,
            getattr(r, "platform", None) or platform,
            r.reason,
            r.context,
            r.excerpt[:MAX_EXCERPT_CHARS],
        )
        for r in rejects
    ]
    if not rows:
        return 0
    with write_transaction(conn):
        _execute(
            conn,
            "INSERT INTO rejects (at, source, platform, reason, context, excerpt) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
            many=True,
        )
        conn.execute(
            "DELETE FROM rejects WHERE id <= (SELECT max(id) FROM rejects) - ?", (MAX_REJECTS,)
        )
    return len(rows)


def list_rejects(conn: sqlite3.Connection, limit: int, source: str | None) -> list[StoredReject]:
    """The newest rejects first, of one source or of all."""
    sql = "SELECT id, at, source, platform, reason, context, excerpt FROM rejects"
    params: list[Any] = []
    if source is not None:
        sql += " WHERE source = ?"
        params.append(source)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    return [
        StoredReject(r[0], parse_time(r[1]), r[2], r[3], r[4], r[5], r[6])
        for r in conn.execute(sql, params)
    ]
