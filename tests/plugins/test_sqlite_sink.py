"""The built-in sqlite sink: registration, options, durable upserts, idle merging."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecoute.engine import ComponentContext, Mention, StoreError, TopicMatch
from ecoute.engine.options import validate_options
from ecoute.engine.plugins import create_plugin_manager
from ecoute.engine.store import Store
from ecoute.plugins.sinks.sqlite import SqliteSink

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def mention(n: int, text: str = "") -> Mention:
    return Mention(
        id=f"demo:{n}",
        platform="demo",
        text=text or f"sink post {n}",
        created_at=T0 + timedelta(seconds=n),
        topics=[TopicMatch("posts", "post", "post", 5, 9)],
    )


def context(tmp_path: Path, **options: object) -> ComponentContext:
    values, _ = validate_options(SqliteSink.options, options)
    return ComponentContext(
        name="store",
        options=values,
        logger=logging.getLogger("test"),
        data_dir=tmp_path,
        store_path=tmp_path / "engine.db",
    )


def test_registered_as_builtin_sqlite_sink() -> None:
    plugins = create_plugin_manager(
        builtins={"sinks.sqlite": "ecoute.plugins.sinks.sqlite"}, load_entry_points=False
    )
    assert plugins.sinks() == {"sqlite": SqliteSink}
    assert [o.name for o in SqliteSink.options] == ["path"]


def test_defaults_to_the_engine_store(tmp_path: Path) -> None:
    sink = SqliteSink(context(tmp_path))
    try:
        assert sink.path == tmp_path / "engine.db"
        sink.write([mention(1), mention(2)])
    finally:
        sink.close()
    with Store(tmp_path / "engine.db", readonly=True) as store:
        assert store.count() == 2


def test_path_option_and_committed_on_return(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "other.db"
    sink = SqliteSink(context(tmp_path, path=str(target)))
    try:
        sink.write([mention(1), mention(2)])
        # Another connection sees the batch before close: write() committed it.
        conn = sqlite3.connect(target)
        assert conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == 2
        conn.close()
        sink.write([mention(2, "edited"), mention(3)])
        sink.write([mention(3)])
        assert (sink.written, sink.inserted) == (5, 3)
    finally:
        sink.close()
    with Store(target, readonly=True) as store:
        assert store.count() == 3
        edited = store.get("demo:2")
        assert edited is not None and edited.mention.text == "edited"
    assert not (tmp_path / "engine.db").exists()


def test_flush_merges_and_sink_can_be_used_from_another_thread(tmp_path: Path) -> None:
    import threading

    sink = SqliteSink(context(tmp_path))
    failures: list[BaseException] = []

    def work() -> None:
        try:
            for batch in range(30):
                sink.write([mention(batch * 10 + i) for i in range(10)])
            sink.flush()
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    sink.close()
    assert not failures
    with Store(tmp_path / "engine.db", readonly=True) as store:
        assert store.count() == 300


def test_bad_path_fails_when_built(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not sqlite at all " * 50)
    with pytest.raises(StoreError, match=r"bogus\.db"):
        SqliteSink(context(tmp_path, path=str(bogus)))
