"""Opening SQLite connections to the store: pragmas, functions and transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import sqlite_fts4

from ...errors import StoreError

BUSY_TIMEOUT_MS = 5000
CACHE_SIZE_KIB = 32 * 1024


def connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    """Open ``path`` with the store's pragmas and the FTS ranking functions.

    The connection is in autocommit mode (``isolation_level=None``): every
    transaction is explicit, see :func:`write_transaction` and :func:`read_snapshot`.
    ``check_same_thread`` is off because :class:`~.store.Store` serialises all use
    of its connection with a lock, so it may be created in one thread and used in
    another.

    Raises:
        StoreError: the file is missing (read-only), cannot be opened, or is not
            an SQLite database; the message names the path.
    """
    if readonly:
        if not path.is_file():
            raise StoreError(f"{path}: no ecoute store there (run ecoute once to create it)")
        target = f"file:{quote(str(path.resolve()))}?mode=ro"
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the store's folder: {exc}") from exc
        if path.is_dir():
            raise StoreError(f"{path}: is a folder, not an ecoute store file")
        target = f"file:{quote(str(path.resolve()))}?mode=rwc"
    try:
        conn = sqlite3.connect(
            target,
            uri=True,
            isolation_level=None,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
        )
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open the store: {exc}") from exc
    try:
        _configure(conn, readonly=readonly)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise StoreError(f"{path}: not an ecoute store (not an SQLite database)") from exc
        raise StoreError(f"{path}: cannot open the store: {exc}") from exc
    return conn


def _configure(conn: sqlite3.Connection, *, readonly: bool) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    # Reading the schema version is the first real read: a file that is not a
    # database fails here rather than in the middle of a query.
    conn.execute("PRAGMA user_version").fetchone()
    if readonly:
        conn.execute("PRAGMA query_only = ON")
    else:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"cannot switch the journal to WAL (got {mode})")
        conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA cache_size = -{CACHE_SIZE_KIB}")
    conn.execute("PRAGMA temp_store = MEMORY")
    sqlite_fts4.register_functions(conn)


def schema_version(conn: sqlite3.Connection) -> int:
    """The ``PRAGMA user_version`` of the open file."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back if the block raises).

    IMMEDIATE takes the write lock up front, so a second writer waits in
    ``busy_timeout`` at BEGIN instead of failing halfway through the batch.
    Inside a transaction already open, the block joins it (the outer one
    commits or rolls back everything).
    """
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def read_snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A read transaction, so that several SELECTs see one consistent state."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")
