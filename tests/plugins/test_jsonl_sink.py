"""Tests of the jsonl sink: one JSON line per mention, appended, folders created."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ecoute.engine import Author, ComponentContext, Mention
from ecoute.engine.plugins import create_plugin_manager
from ecoute.plugins.sinks.jsonl import JsonlSink


def sink(path: Path, **options: Any) -> JsonlSink:
    context = ComponentContext(
        name="file", options={"path": str(path), **options}, logger=logging.getLogger("t")
    )
    return JsonlSink(context)


def mention(n: int, text: str = "Acme Cloud ne marche plus", raw: Any = None) -> Mention:
    return Mention(
        id=f"demo:{n}",
        platform="mastodon",
        text=text,
        created_at=datetime(2026, 3, 1, 12, 0, n, tzinfo=UTC),
        author=Author("jdupont", "Jean Dupont", 10),
        raw=raw if raw is not None else {"n": n},
    )


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_creates_folders_and_writes_one_line_per_mention(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "out.jsonl"
    out = sink(path)
    out.write([mention(1), mention(2)])
    out.close()
    rows = read(path)
    assert [row["id"] for row in rows] == ["demo:1", "demo:2"]
    assert rows[0] == mention(1).to_dict(include_raw=False) | {
        "collected_at": rows[0]["collected_at"]
    }
    assert "raw" not in rows[0]


def test_include_raw_keeps_the_payload(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    out = sink(path, include_raw=True)
    out.write([mention(1, raw={"content": "<p>x</p>", "when": datetime(2026, 1, 1, tzinfo=UTC)})])
    out.close()
    assert read(path)[0]["raw"] == {"content": "<p>x</p>", "when": "2026-01-01T00:00:00+00:00"}


def test_text_is_utf8_not_escaped(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    out = sink(path)
    out.write([mention(1, "Акме Клауд лежит 😡 été")])
    out.close()
    content = path.read_text(encoding="utf-8")
    assert "Акме Клауд лежит 😡 été" in content
    assert content.endswith("\n") and content.count("\n") == 1


def test_unicode_line_separators_do_not_split_lines(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    out = sink(path)
    out.write([mention(1, "one\u2028two\u2029three\nfour")])
    out.close()
    content = path.read_text(encoding="utf-8")
    assert len(content.splitlines()) == 1
    assert read(path)[0]["text"] == "one\u2028two\u2029three\nfour"


def test_appends_across_sinks_and_batches(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    first = sink(path)
    first.write([mention(1)])
    first.write([])
    first.close()
    second = sink(path)
    second.write([mention(2)])
    second.write([mention(3)])
    second.close()
    assert [row["id"] for row in read(path)] == ["demo:1", "demo:2", "demo:3"]


def test_flush_makes_lines_visible_before_close(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    out = sink(path)
    out.write([mention(1)])
    out.flush()
    assert [row["id"] for row in read(path)] == ["demo:1"]
    out.close()
    out.close()  # closing twice is harmless
    out.write([mention(2)])  # and a later write opens the file again
    out.close()
    assert len(read(path)) == 2


def test_a_line_cut_short_by_a_crash_stays_apart(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text('{"id": "demo:0", "text": "cut sh', encoding="utf-8")
    out = sink(path)
    out.write([mention(1)])
    out.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"id": "demo:0", "text": "cut sh'
    assert json.loads(lines[1])["id"] == "demo:1"


def test_plugin_registers_the_sink() -> None:
    plugins = create_plugin_manager(
        builtins={"sinks.jsonl": "ecoute.plugins.sinks.jsonl"}, load_entry_points=False
    )
    assert plugins.sinks()["jsonl"] is JsonlSink
