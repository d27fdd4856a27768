"""Real processes: run, stop with signals, crash with SIGKILL, restart, import files."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.engine.helpers import demo_config, demo_indexes, stored_ids


def ecoute(*args: str) -> list[str]:
    return [sys.executable, "-m", "ecoute", *args]


def wait_for_rows(store: Path, at_least: int, timeout: float = 30.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if store.exists():
            try:
                with sqlite3.connect(store, timeout=1) as connection:
                    (count,) = connection.execute("SELECT count(*) FROM mentions").fetchone()
                if count >= at_least:
                    return int(count)
            except sqlite3.OperationalError:
                pass  # schema not created yet
        time.sleep(0.1)
    raise AssertionError(f"fewer than {at_least} rows after {timeout} s")


@pytest.mark.slow
def test_sigterm_drains_saves_the_cursor_and_exits_zero(tmp_path: Path) -> None:
    config = demo_config(tmp_path, rate=200.0)
    process = subprocess.Popen(
        ecoute("--config", str(config), "run"), stderr=subprocess.PIPE, text=True
    )
    wait_for_rows(tmp_path / "store.db", 50)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "mentions stored" in stderr
    ids = stored_ids(tmp_path / "store.db")
    with sqlite3.connect(tmp_path / "store.db") as connection:
        (cursor,) = connection.execute("SELECT cursor FROM cursors").fetchone()
        states = {row[0] for row in connection.execute("SELECT state FROM health")}
    assert int(cursor) == len(ids)  # everything fetched was stored before the cursor moved
    assert sorted(demo_indexes(ids)) == list(range(len(ids)))
    assert states == {"stopped"}


@pytest.mark.slow
def test_sigkill_then_restart_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    config = demo_config(tmp_path, rate=400.0)
    store = tmp_path / "store.db"
    process = subprocess.Popen(ecoute("--config", str(config), "run"), stderr=subprocess.DEVNULL)
    wait_for_rows(store, 200)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    killed_at = len(stored_ids(store))
    process = subprocess.Popen(ecoute("--config", str(config), "run"), stderr=subprocess.DEVNULL)
    wait_for_rows(store, killed_at + 100)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    with sqlite3.connect(store) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        (cursor,) = connection.execute("SELECT cursor FROM cursors").fetchone()
    ids = stored_ids(store)
    indexes = demo_indexes(ids)
    assert len(set(ids)) == len(ids)
    assert sorted(indexes) == list(range(len(indexes)))  # no gap
    assert int(cursor) == len(ids)


@pytest.mark.slow
def test_import_stores_good_lines_and_reports_bad_ones_by_line(tmp_path: Path) -> None:
    source = tmp_path / "mentions.jsonl"
    good = {
        "id": "forum:1",
        "platform": "forum",
        "text": "J'adore #AcmeCloud",
        "created_at": "2026-11-20T10:00:00Z",
        "author": {"handle": "marie"},
    }
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({**good, "id": "forum:2", "text": "second"}),
        json.dumps({"id": "forum:3", "platform": "forum"}),  # no text, no time
        "",
        json.dumps({**good, "id": "forum:4", "text": "fourth"}),
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = tmp_path / "import.db"
    result = subprocess.run(
        ecoute("--store", str(store), "import", str(source)), capture_output=True, text=True
    )
    assert result.returncode == 1, result.stderr
    assert f"{source}:2" in result.stderr
    assert f"{source}:4" in result.stderr
    assert "3 mentions stored" in result.stderr and "2 rejected" in result.stderr
    assert sorted(stored_ids(store)) == ["forum:1", "forum:2", "forum:4"]
    again = subprocess.run(
        ecoute("--store", str(store), "import", str(source)), capture_output=True, text=True
    )
    assert again.returncode == 1
    assert len(stored_ids(store)) == 3  # replays never duplicate


@pytest.mark.slow
def test_import_of_a_clean_file_exits_zero_and_search_finds_it(tmp_path: Path) -> None:
    source = tmp_path / "clean.jsonl"
    rows = [
        {
            "id": f"news:{i}",
            "platform": "news",
            "text": f"Article {i} about Nimbus Drive",
            "created_at": f"2026-11-2{i}T08:00:00Z",
        }
        for i in range(3)
    ]
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    store = tmp_path / "s.db"
    result = subprocess.run(
        ecoute("--store", str(store), "import", str(source)), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    found = subprocess.run(
        ecoute("--store", str(store), "search", "nimbus", "--format", "jsonl"),
        capture_output=True,
        text=True,
    )
    assert found.returncode == 0, found.stderr
    ids = [json.loads(line)["id"] for line in found.stdout.splitlines()]
    assert ids == ["news:2", "news:1", "news:0"]


@pytest.mark.slow
def test_demo_headless_prints_lines_and_stops_on_sigint(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "120"}
    process = subprocess.Popen(
        ecoute("demo", "--headless", "--rate", "50"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    first = [process.stdout.readline() for _ in range(5)]
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert all(line.strip() for line in first)
    assert "workspace" in stderr


@pytest.mark.slow
def test_a_stop_while_the_model_loads_exits_cleanly_with_every_mention_scored(
    tmp_path: Path,
) -> None:
    # A daemon thread still inside torch at interpreter exit used to abort the process
    # ("terminate called without an active exception", exit 134).
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    process = subprocess.Popen(
        ecoute("demo", "--headless", "--rate", "20"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    process.stdout.readline()  # the first row is out: the model is loading now
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert "terminate called" not in stderr
    store = tmp_path / "data" / "ecoute" / "demo" / "ecoute.db"
    with sqlite3.connect(store) as connection:
        total, scored = connection.execute(
            "SELECT count(*), count(sentiment) FROM mentions WHERE lang != 'ru'"
        ).fetchone()
    assert total > 0 and scored == total


@pytest.mark.slow
def test_demo_headless_piped_into_head_stops_by_itself(tmp_path: Path) -> None:
    pipeline = subprocess.run(
        f"{sys.executable} -m ecoute demo --headless --rate 50 | head -n 3",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
        executable="/bin/bash",
    )
    assert len(pipeline.stdout.splitlines()) == 3
    assert "standard output was closed" in pipeline.stderr
    assert "mentions stored" in pipeline.stderr  # it drained and summarised, then exited
