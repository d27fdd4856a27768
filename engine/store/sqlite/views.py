"""Saved views: named filter settings kept in the store, shared by every ecoute using it."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from ...errors import StoreError
from ...records import format_time, parse_time
from ..models import SavedView
from .connection import write_transaction

MAX_VIEW_NAME_CHARS = 64

_V2_VIEWS = """
CREATE TABLE views (
    name TEXT PRIMARY KEY,
    filters TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
"""


def migrate_to_v2(conn: sqlite3.Connection) -> None:
    """Schema version 2: the ``views`` table."""
    conn.execute(_V2_VIEWS)


def clean_view_name(name: str) -> str:
    """A view name as stored: spaces collapsed; refuses empty or overlong names.

    Raises:
        StoreError: the name is empty or longer than :data:`MAX_VIEW_NAME_CHARS`.
    """
    cleaned = " ".join(name.split())
    if not cleaned:
        raise StoreError("a view needs a name")
    if len(cleaned) > MAX_VIEW_NAME_CHARS:
        raise StoreError(
            f"a view name has at most {MAX_VIEW_NAME_CHARS} characters, got {len(cleaned)}"
        )
    return cleaned


def save_view(
    conn: sqlite3.Connection, name: str, filters: dict[str, Any], now: datetime
) -> SavedView:
    """Create or replace the view ``name``.

    Raises:
        StoreError: a bad name, or filters that are not a JSON object.
    """
    cleaned = clean_view_name(name)
    if not isinstance(filters, dict):
        raise StoreError("a view's filters must be a JSON object")
    text = json.dumps(filters, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    with write_transaction(conn):
        conn.execute(
            "INSERT INTO views (name, filters, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET "
            "filters = excluded.filters, updated_at = excluded.updated_at",
            (cleaned, text, format_time(now)),
        )
    return SavedView(cleaned, json.loads(text), now)


def list_views(conn: sqlite3.Connection) -> list[SavedView]:
    """Every saved view, by name; a row whose JSON is broken is skipped."""
    views = []
    for name, text, updated in conn.execute(
        "SELECT name, filters, updated_at FROM views ORDER BY name COLLATE NOCASE"
    ):
        try:
            filters = json.loads(text)
        except ValueError:
            continue
        if isinstance(filters, dict):
            views.append(SavedView(name, filters, parse_time(updated)))
    return views


def delete_view(conn: sqlite3.Connection, name: str) -> bool:
    """Delete the view ``name``; return False if there was none."""
    with write_transaction(conn):
        cursor = conn.execute("DELETE FROM views WHERE name = ?", (" ".join(name.split()),))
        return cursor.rowcount > 0
