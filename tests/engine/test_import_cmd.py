"""``ecoute import`` as a user runs it: every good line stored, never a silent zero, pipes too."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

MASTODON_STATUS = {
    "id": "1",
    "uri": "https://toot.example/users/a/statuses/1",
    "created_at": "2026-11-21T10:00:00Z",
    "content": "<p>Acme Cloud works</p>",
    "account": {"acct": "a", "url": "https://toot.example/@a"},
}


def mention_line(n: int, **changes: object) -> str:
    base = {
        "id": f"t:{n}",
        "platform": "test",
        "text": f"mention {n}",
        "created_at": "2026-01-01T00:00:00Z",
    }
    return json.dumps({**base, **changes})


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        '[engine]\nstore = "store.db"\nbatch_wait = 0.05\n\n[scorers.sentiment]\nenabled = false\n',
        encoding="utf-8",
    )
    return path


def ecoute(config: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecoute", "--config", str(config), *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def stored(config: Path) -> list[str]:
    store = config.parent / "store.db"
    if not store.exists():
        return []
    with sqlite3.connect(store) as connection:
        return [row[0] for row in connection.execute("SELECT id FROM mentions ORDER BY id")]


def test_the_last_line_without_a_newline_is_imported(config: Path, tmp_path: Path) -> None:
    data = tmp_path / "three.jsonl"
    data.write_text("\n".join(mention_line(n) for n in range(3)), encoding="utf-8")
    result = ecoute(config, "import", str(data))
    assert result.returncode == 0, result.stderr
    assert "3 mentions stored" in result.stderr
    assert stored(config) == ["t:0", "t:1", "t:2"]


def test_a_deeply_nested_line_is_one_reject_among_thousands(config: Path, tmp_path: Path) -> None:
    lines = [mention_line(n) for n in range(3_000)]
    lines.insert(1_500, "[" * 100_000)
    data = tmp_path / "deep.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ecoute(config, "import", str(data))
    assert result.returncode == 1
    assert "3000 mentions stored, 1 rejected" in result.stderr
    assert "deep.jsonl:1501: JSON nested more than 100 levels deep" in result.stderr
    assert "Traceback" not in result.stderr and "giving up" not in result.stderr
    assert len(stored(config)) == 3_000


@pytest.mark.parametrize(
    ("page", "found"),
    [
        ({"accounts": [], "statuses": [MASTODON_STATUS] * 20, "hashtags": []}, "'statuses'"),
        ([MASTODON_STATUS] * 20, "found a JSON array of 20 items"),
    ],
)
def test_a_saved_api_page_says_what_was_expected_and_exits_1(
    config: Path, tmp_path: Path, page: object, found: str
) -> None:
    data = tmp_path / "page.json"
    data.write_text(json.dumps(page), encoding="utf-8")
    result = ecoute(config, "import", str(data), "--platform", "mastodon")
    assert result.returncode == 1
    assert "expected one mastodon item per line" in result.stderr and found in result.stderr
    assert "no mentions stored" in result.stderr
    assert stored(config) == []


def test_a_pretty_printed_document_is_named_as_such(config: Path, tmp_path: Path) -> None:
    data = tmp_path / "page.json"
    data.write_text(json.dumps([MASTODON_STATUS], indent=2), encoding="utf-8")
    result = ecoute(config, "import", str(data), "--platform", "mastodon")
    assert result.returncode == 1
    assert "looks like one JSON document spread over several lines" in result.stderr


def test_blank_lines_only_is_not_a_silent_zero(config: Path, tmp_path: Path) -> None:
    data = tmp_path / "blank.jsonl"
    data.write_text("\n  \n\n", encoding="utf-8")
    result = ecoute(config, "import", str(data))
    assert result.returncode == 1
    assert "holds only blank lines" in result.stderr


def test_an_empty_file_says_so(config: Path, tmp_path: Path) -> None:
    data = tmp_path / "empty.jsonl"
    data.write_text("", encoding="utf-8")
    result = ecoute(config, "import", str(data))
    assert result.returncode == 0
    assert "is empty: nothing to import" in result.stderr


def test_wrong_author_types_are_rejects_not_tracebacks(config: Path, tmp_path: Path) -> None:
    data = tmp_path / "authors.jsonl"
    data.write_text(
        "\n".join(
            [
                mention_line(1, author={"handle": "a", "name": 42}),
                mention_line(2, author={"handle": "b", "url": ["https://x.example"]}),
                mention_line(3, author={"handle": "c", "name": "Carol"}),
            ]
        ),
        encoding="utf-8",
    )
    result = ecoute(config, "import", str(data))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "1 mentions stored, 2 rejected" in result.stderr
    assert "author.name" in result.stderr and "author.url" in result.stderr
    assert stored(config) == ["t:3"]


def test_dash_imports_standard_input(config: Path) -> None:
    lines = "\n".join(mention_line(n) for n in range(5))  # no final newline either
    result = ecoute(config, "import", "-", stdin=lines)
    assert result.returncode == 0, result.stderr
    assert "5 mentions stored" in result.stderr
    assert len(stored(config)) == 5


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_read_once_without_hanging(config: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "feed"
    os.mkfifo(fifo)

    def writer() -> None:
        with fifo.open("w", encoding="utf-8") as file:
            for n in range(2_500):
                file.write(mention_line(n) + "\n")
                if n == 1_000:
                    file.flush()
                    time.sleep(0.5)  # a slow producer

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    started = time.monotonic()
    result = ecoute(config, "import", str(fifo))
    thread.join(5)
    assert result.returncode == 0, result.stderr
    assert "2500 mentions stored" in result.stderr
    assert time.monotonic() - started < 60


def test_a_store_path_that_is_a_folder_is_a_config_error(config: Path, tmp_path: Path) -> None:
    folder = tmp_path / "store.db"
    folder.mkdir()
    check = ecoute(config, "config", "check")
    assert check.returncode == 2
    assert "key 'engine.store'" in check.stderr and "is a folder, not a file" in check.stderr
    assert "fix:" in check.stderr
    data = tmp_path / "one.jsonl"
    data.write_text(mention_line(1) + "\n", encoding="utf-8")
    imported = ecoute(config, "import", str(data))
    assert imported.returncode == 2 and "is a folder, not a file" in imported.stderr


def test_a_store_path_under_a_file_is_a_config_error(config: Path, tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    config.write_text('[engine]\nstore = "plain/store.db"\n', encoding="utf-8")
    check = ecoute(config, "config", "check")
    assert check.returncode == 2
    assert "is a file, not a folder" in check.stderr
    override = ecoute(config, "--store", str(tmp_path / "plain" / "x.db"), "config", "check")
    assert override.returncode == 2 and "key '--store'" in override.stderr
