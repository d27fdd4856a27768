"""One writer, many readers: WAL lets readers in other processes and threads go on."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecoute.engine import Mention
from ecoute.engine.store import MentionFilter
from ecoute.engine.store.sqlite import SQLiteStore

T0 = datetime(2026, 3, 1, tzinfo=UTC)

READER = """
import json, sys, time
from ecoute.engine.store import MentionFilter, Store
from ecoute.engine.store.sqlite import SQLiteStore
started = time.monotonic()
with SQLiteStore(sys.argv[1], readonly=True) as s:
    result = {
        "count": s.count(),
        "page": [r.id for r in s.page(limit=5).rows],
        "search": len(s.search(MentionFilter(text="widget"), sort="relevance")),
        "latest": s.latest_seq(),
    }
result["seconds"] = time.monotonic() - started
print(json.dumps(result))
"""


def mention(n: int) -> Mention:
    return Mention(
        id=f"demo:{n}",
        platform="demo",
        text=f"widget post {n}",
        created_at=T0 + timedelta(seconds=n),
    )


@pytest.mark.slow
def test_reader_process_reads_while_a_write_transaction_is_open(tmp_path: Path) -> None:
    path = tmp_path / "ecoute.db"
    with SQLiteStore(path) as store:
        store.upsert_mentions([mention(n) for n in range(10)])
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO mentions (id, platform, text, created_at, collected_at) "
        "VALUES ('demo:uncommitted', 'demo', 'widget', '2030', '2030')"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", READER, str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["count"] == 10 and result["latest"] == 10
    assert result["page"] == ["demo:9", "demo:8", "demo:7", "demo:6", "demo:5"]
    assert result["search"] == 10
    # Well under the 5 s busy timeout: the reader never waited for the writer.
    assert result["seconds"] < 3


def test_writer_commits_while_a_reader_holds_a_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "ecoute.db"
    with SQLiteStore(path) as store:
        store.upsert_mentions([mention(0)])
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM mentions").fetchone()[0] == 1
        started = time.monotonic()
        assert store.upsert_mentions([mention(n) for n in range(1, 50)]) == 49
        assert time.monotonic() - started < 3
        assert reader.execute("SELECT count(*) FROM mentions").fetchone()[0] == 1
        reader.execute("COMMIT")
        assert reader.execute("SELECT count(*) FROM mentions").fetchone()[0] == 50
        reader.close()


def test_reader_thread_follows_a_writing_thread(tmp_path: Path) -> None:
    path = tmp_path / "ecoute.db"
    writer = SQLiteStore(path)
    reader = SQLiteStore(path, readonly=True)
    errors: list[BaseException] = []
    seen: list[int] = []

    def write() -> None:
        try:
            for batch in range(20):
                writer.upsert_mentions([mention(batch * 10 + i) for i in range(10)])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    mark = 0
    while True:
        # Checked before reading: once the writer is done, one more read sees it all.
        writing = thread.is_alive()
        fresh = reader.newer_than(mark, MentionFilter(), limit=1000)
        seen.extend(r.seq for r in fresh)
        mark = max([mark, *(r.seq for r in fresh)])
        if not writing and not fresh:
            break
    thread.join()
    writer.close()
    reader.close()
    assert not errors
    assert sorted(seen) == list(range(1, 201))
