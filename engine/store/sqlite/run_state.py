"""The engine's run state: source cursors, component health and rejected items."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from ...health import Health
from ...records import Reject, format_time, parse_time
from .codec import HEALTH_COLUMNS, health_params, row_to_health
from .connection import write_transaction
from .mention_writes import execute_rows

MAX_REJECTS = 10_000
MAX_EXCERPT_CHARS = 2000


# The cursors table keys rows by (source, key); ecoute writes key '' (a source with
# several feeds keeps one JSON cursor), and the column stays for compatibility.


def get_cursor(conn: sqlite3.Connection, source: str) -> str | None:
    """The saved cursor of ``source``, or ``None``."""
    row = conn.execute(
        "SELECT cursor FROM cursors WHERE source = ? AND key = ''", (source,)
    ).fetchone()
    return None if row is None else str(row[0])


def load_cursors(conn: sqlite3.Connection) -> dict[str, str]:
    """Every saved cursor by source."""
    return dict(conn.execute("SELECT source, cursor FROM cursors WHERE key = ''"))


def save_cursors(conn: sqlite3.Connection, cursors: Mapping[str, str], now: datetime) -> None:
    """Save cursors by source in one transaction."""
    stamp = format_time(now)
    rows = [(source, "", cursor, stamp) for source, cursor in cursors.items()]
    with write_transaction(conn):
        conn.executemany(
            "INSERT INTO cursors (source, key, cursor, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (source, key) DO UPDATE SET "
            "cursor = excluded.cursor, updated_at = excluded.updated_at",
            rows,
        )


def request_retry(conn: sqlite3.Connection, component: str, now: datetime) -> None:
    """Ask the running engine to retry ``component`` now (kept until it is taken)."""
    with write_transaction(conn):
        conn.execute(
            "INSERT INTO retry_requests (component, requested_at) VALUES (?, ?) "
            "ON CONFLICT (component) DO UPDATE SET requested_at = excluded.requested_at",
            (component, format_time(now)),
        )


def take_retry_requests(conn: sqlite3.Connection) -> list[str]:
    """The components asked to retry, removed from the table as they are read."""
    with write_transaction(conn):
        rows = conn.execute("SELECT component FROM retry_requests ORDER BY requested_at")
        components = [row[0] for row in rows]
        conn.execute("DELETE FROM retry_requests")
    return components


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
    rejects: Iterable[Reject],
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
            r.source or source,
            r.platform or platform,
            r.reason,
            r.context,
            r.excerpt[:MAX_EXCERPT_CHARS],
        )
        for r in rejects
    ]
    if not rows:
        return 0
    with write_transaction(conn):
        execute_rows(
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


def list_rejects(conn: sqlite3.Connection, limit: int, source: str | None) -> list[Reject]:
    """The newest rejects first, of one source or of all."""
    sql = "SELECT id, at, source, platform, reason, context, excerpt FROM rejects"
    params: list[Any] = []
    if source is not None:
        sql += " WHERE source = ?"
        params.append(source)
    sql += " ORDER BY id DESC LIMIT ?"
    params.append(limit)
    return [
        Reject(
            reason=r[4], context=r[5], excerpt=r[6], source=r[2], platform=r[3], at=parse_time(r[1])
        )
        for r in conn.execute(sql, params)
    ]
