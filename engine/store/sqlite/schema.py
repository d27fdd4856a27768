"""The store's schema as DDL, and the migrations that build and upgrade it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from ...errors import StoreError
from .connection import schema_version, write_transaction
from .views import migrate_to_v2

Migration = Callable[[sqlite3.Connection], None]

# Columns indexed by the FTS table; the update triggers only fire when one changes.
FTS_COLUMNS = ("text", "title", "author", "author_name")

_V1_TABLES = """
CREATE TABLE mentions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    platform TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    url TEXT,
    author TEXT NOT NULL DEFAULT '',
    author_name TEXT,
    author_followers INTEGER,
    author_url TEXT,
    text TEXT NOT NULL,
    title TEXT,
    lang TEXT,
    created_at TEXT NOT NULL,
    collected_at TEXT NOT NULL,
    likes INTEGER,
    shares INTEGER,
    replies INTEGER,
    views INTEGER,
    parent_id TEXT,
    sentiment TEXT,
    sentiment_confidence REAL,
    sentiment_model TEXT,
    sentiment_covered INTEGER,
    priority REAL,
    reach INTEGER,
    flags TEXT NOT NULL DEFAULT '[]',
    topics TEXT NOT NULL DEFAULT '[]',
    extra TEXT NOT NULL DEFAULT '{}',
    raw TEXT
);
CREATE INDEX mentions_created_at ON mentions (created_at);
CREATE INDEX mentions_collected_at ON mentions (collected_at);
CREATE INDEX mentions_platform ON mentions (platform, created_at);
CREATE INDEX mentions_source ON mentions (source, created_at);
CREATE INDEX mentions_sentiment ON mentions (sentiment, created_at);
CREATE INDEX mentions_lang ON mentions (lang, created_at);

CREATE TABLE mention_topics (
    mention_seq INTEGER NOT NULL REFERENCES mentions (seq) ON DELETE CASCADE,
    topic TEXT NOT NULL,
    term TEXT NOT NULL,
    found TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    distance INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL DEFAULT 'exact',
    field TEXT NOT NULL DEFAULT 'text'
);
CREATE INDEX mention_topics_topic ON mention_topics (topic, mention_seq);
CREATE INDEX mention_topics_mention ON mention_topics (mention_seq);

CREATE TABLE workflow (
    mention_id TEXT PRIMARY KEY REFERENCES mentions (id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'needs-reply', 'handled', 'ignored')),
    sentiment_override TEXT
        CHECK (sentiment_override IN ('negative', 'neutral', 'positive')),
    updated_at TEXT NOT NULL
);
CREATE INDEX workflow_status ON workflow (status);

CREATE TABLE tags (
    mention_id TEXT NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (mention_id, tag)
);
CREATE INDEX tags_tag ON tags (tag);

CREATE TABLE notes (
    note_id INTEGER PRIMARY KEY AUTOINCREMENT,
    mention_id TEXT NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX notes_mention ON notes (mention_id, note_id);

CREATE TABLE cursors (
    source TEXT NOT NULL,
    key TEXT NOT NULL DEFAULT '',
    cursor TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (source, key)
);

CREATE TABLE health (
    component TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    last_ok TEXT,
    last_error TEXT,
    errors INTEGER NOT NULL DEFAULT 0,
    items INTEGER NOT NULL DEFAULT 0,
    rejects INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT,
    updated_at TEXT NOT NULL
);

CREATE TABLE rejects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    platform TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    context TEXT NOT NULL DEFAULT '',
    excerpt TEXT NOT NULL DEFAULT ''
);
"""

_V1_FTS = """
CREATE VIRTUAL TABLE mentions_fts USING fts4 (
    content="mentions", text, title, author, author_name,
    tokenize=unicode61 "remove_diacritics=2"
);
"""


def _fts_triggers() -> str:
    cols = ", ".join(FTS_COLUMNS)
    new = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in FTS_COLUMNS)
    # External-content FTS4 reads the old tokens from `mentions` itself, so the
    # delete must run BEFORE the row changes and the insert AFTER.
    return f"""
CREATE TRIGGER mentions_fts_ai AFTER INSERT ON mentions BEGIN
    INSERT INTO mentions_fts (docid, {cols}) VALUES (new.seq, {new});
END;
CREATE TRIGGER mentions_fts_bd BEFORE DELETE ON mentions BEGIN
    DELETE FROM mentions_fts WHERE docid = old.seq;
END;
CREATE TRIGGER mentions_fts_bu BEFORE UPDATE OF {cols} ON mentions WHEN {changed} BEGIN
    DELETE FROM mentions_fts WHERE docid = old.seq;
END;
CREATE TRIGGER mentions_fts_au AFTER UPDATE OF {cols} ON mentions WHEN {changed} BEGIN
    INSERT INTO mentions_fts (docid, {cols}) VALUES (new.seq, {new});
END;
"""


def _migrate_to_v1(conn: sqlite3.Connection) -> None:
    for script in (_V1_TABLES, _V1_FTS, _fts_triggers()):
        _run_script(conn, script)
    # Persistent setting: merge FTS segments a little on each write instead of
    # all at once when a level fills up (which stalled commits for seconds).
    conn.execute("INSERT INTO mentions_fts (mentions_fts) VALUES ('automerge=8')")


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    # executescript() would COMMIT the open transaction first; run one by one.
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement!r}")


# MIGRATIONS[i] upgrades a file from version i to version i + 1; append only.
def _migrate_to_v3(conn: sqlite3.Connection) -> None:
    """Schema version 3: components report their own state word and pending work."""
    conn.execute("ALTER TABLE health ADD COLUMN detail TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE health ADD COLUMN pending INTEGER NOT NULL DEFAULT 0")


def _migrate_to_v4(conn: sqlite3.Connection) -> None:
    """Schema version 4: requests to retry a component now (``ecoute sources --retry``)."""
    conn.execute(
        "CREATE TABLE retry_requests (component TEXT PRIMARY KEY, requested_at TEXT NOT NULL)"
    )


MIGRATIONS: list[Migration] = [_migrate_to_v1, migrate_to_v2, _migrate_to_v3, _migrate_to_v4]


def current_version() -> int:
    """The schema version this ecoute writes (the number of migrations)."""
    return len(MIGRATIONS)


def migrate(conn: sqlite3.Connection, path: Path) -> int:
    """Bring the file up to :func:`current_version`, all in one transaction.

    Returns the version the file had before. A file from a newer ecoute, or an
    SQLite database that is not an ecoute store, is refused.

    Raises:
        StoreError: the file is newer than this ecoute or belongs to something else.
    """
    migrations: Sequence[Migration] = list(MIGRATIONS)
    target = len(migrations)
    if schema_version(conn) == target:
        return target
    with write_transaction(conn):
        # Re-read under the write lock: another process may have migrated meanwhile.
        before = check_version(conn, path, target)
        if before == 0:
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            if tables:
                raise StoreError(
                    f"{path}: an SQLite database but not an ecoute store "
                    f"(it has tables {', '.join(sorted(tables))}); choose another store path"
                )
        for version in range(before, target):
            migrations[version](conn)
        conn.execute(f"PRAGMA user_version = {target:d}")
    return before


def check_version(conn: sqlite3.Connection, path: Path, target: int | None = None) -> int:
    """Return the file's version; refuse one written by a newer ecoute.

    Raises:
        StoreError: the file's version is above ``target`` (default: current).
    """
    target = current_version() if target is None else target
    version = schema_version(conn)
    if version > target:
        raise StoreError(
            f"{path}: written by a newer ecoute (store schema version {version}, this "
            f"ecoute reads up to version {target}); upgrade ecoute to open it"
        )
    return version
