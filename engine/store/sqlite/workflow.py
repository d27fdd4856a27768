"""What users do to mentions: status, sentiment corrections, tags and notes."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from ...errors import StoreError
from ...records import SENTIMENT_LABELS, WORKFLOW_STATUSES, format_time
from ..models import Note, UnknownMention
from .connection import write_transaction
from .reads import note_from_row

MAX_TAG_CHARS = 64


def _require(conn: sqlite3.Connection, mention_id: str) -> None:
    if conn.execute("SELECT 1 FROM mentions WHERE id = ?", (mention_id,)).fetchone() is None:
        raise UnknownMention(f"no mention with id {mention_id!r} in the store")


def set_status(conn: sqlite3.Connection, mention_id: str, status: str, now: datetime) -> None:
    """Set the workflow status (``new``, ``needs-reply``, ``handled``, ``ignored``).

    Raises:
        StoreError: an unknown status; UnknownMention for an unknown id.
    """
    if status not in WORKFLOW_STATUSES:
        raise StoreError(
            f"unknown status {status!r}; expected one of {', '.join(WORKFLOW_STATUSES)}"
        )
    with write_transaction(conn):
        _require(conn, mention_id)
        conn.execute(
            "INSERT INTO workflow (mention_id, status, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (mention_id) DO UPDATE SET "
            "status = excluded.status, updated_at = excluded.updated_at",
            (mention_id, status, format_time(now)),
        )


def set_sentiment_override(
    conn: sqlite3.Connection, mention_id: str, label: str | None, now: datetime
) -> None:
    """Correct the sentiment of a mention (``None`` goes back to the model's label).

    Raises:
        StoreError: an unknown label; UnknownMention for an unknown id.
    """
    if label is not None and label not in SENTIMENT_LABELS:
        raise StoreError(
            f"unknown sentiment {label!r}; expected one of {', '.join(SENTIMENT_LABELS)}"
        )
    with write_transaction(conn):
        _require(conn, mention_id)
        conn.execute(
            "INSERT INTO workflow (mention_id, sentiment_override, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (mention_id) DO UPDATE SET "
            "sentiment_override = excluded.sentiment_override, updated_at = excluded.updated_at",
            (mention_id, label, format_time(now)),
        )


def clean_tag(tag: str) -> str:
    """A tag as stored: trimmed; refuses empty or overlong tags.

    Raises:
        StoreError: the tag is empty or longer than :data:`MAX_TAG_CHARS`.
    """
    cleaned = " ".join(tag.split())
    if not cleaned:
        raise StoreError("a tag cannot be empty")
    if len(cleaned) > MAX_TAG_CHARS:
        raise StoreError(f"a tag has at most {MAX_TAG_CHARS} characters, got {len(cleaned)}")
    return cleaned


def add_tag(conn: sqlite3.Connection, mention_id: str, tag: str) -> bool:
    """Tag a mention; return False if it already had the tag.

    Raises:
        StoreError: a bad tag; UnknownMention for an unknown id.
    """
    cleaned = clean_tag(tag)
    with write_transaction(conn):
        _require(conn, mention_id)
        cursor = conn.execute(
            "INSERT OR IGNORE INTO tags (mention_id, tag) VALUES (?, ?)", (mention_id, cleaned)
        )
        return cursor.rowcount > 0


def remove_tag(conn: sqlite3.Connection, mention_id: str, tag: str) -> bool:
    """Remove a tag; return False if the mention did not have it.

    Raises:
        UnknownMention: an unknown id.
    """
    with write_transaction(conn):
        _require(conn, mention_id)
        cursor = conn.execute(
            "DELETE FROM tags WHERE mention_id = ? AND tag = ?",
            (mention_id, " ".join(tag.split())),
        )
        return cursor.rowcount > 0


def add_note(conn: sqlite3.Connection, mention_id: str, text: str, now: datetime) -> Note:
    """Attach a note to a mention and return it.

    Raises:
        StoreError: an empty note; UnknownMention for an unknown id.
    """
    if not text.strip():
        raise StoreError("a note cannot be empty")
    with write_transaction(conn):
        _require(conn, mention_id)
        row = conn.execute(
            "INSERT INTO notes (mention_id, created_at, text) VALUES (?, ?, ?) "
            "RETURNING note_id, mention_id, created_at, text",
            (mention_id, format_time(now), text),
        ).fetchall()[0]
    return note_from_row(row)


def delete_note(conn: sqlite3.Connection, note_id: int) -> bool:
    """Delete a note by its id; return False if there was none."""
    with write_transaction(conn):
        return conn.execute("DELETE FROM notes WHERE note_id = ?", (note_id,)).rowcount > 0
