"""Hardening of the jsonl source: hostile lines, last lines without a newline, pipes, pages."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from ecoute.engine import ComponentContext, FetchResult, RawItem, Reject
from ecoute.plugins.sources.jsonl import JsonlCursor, JsonlSource
from ecoute.plugins.sources.jsonl_lines import MAX_DEPTH, decode_line
from tests.conftest import FakeClock
from tests.engine.helpers import run_once, stored_ids


def source(path: Path | str, clock: FakeClock | None = None, **options: Any) -> JsonlSource:
    context = ComponentContext(
        name="file",
        options={"path": str(path), **options},
        logger=logging.getLogger("test.jsonl"),
        clock=clock or FakeClock(),
    )
    return JsonlSource(context)


def fetch(src: JsonlSource, cursor: str | None) -> FetchResult:
    return asyncio.run(src.fetch(cursor))


def read_all(src: JsonlSource, limit: int = 50) -> tuple[list[RawItem], list[Reject], str | None]:
    """Fetch until the source has no more, as the engine does with ``once``."""
    items: list[RawItem] = []
    rejects: list[Reject] = []
    cursor = None
    for _ in range(limit):
        result = fetch(src, cursor)
        items += result.items
        rejects += result.rejects
        cursor = result.cursor or cursor
        if not result.more:
            break
    return items, rejects, cursor


def good(n: int) -> str:
    return json.dumps({"n": n}) + "\n"


# -- one bad line is one reject ---------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("[" * 100_000, f"nested more than {MAX_DEPTH} levels deep"),
        ('{"a": ' * 5_000 + "1" + "}" * 5_000, f"nested more than {MAX_DEPTH} levels deep"),
        ("[" * (MAX_DEPTH - 5) + "]" * (MAX_DEPTH - 5), "a JSON array of 1 item"),
        ('{"x": ' + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "}", "nested more than"),
        ("\xff\xfe", "not valid JSON"),
        ("12", "found a number"),
        ('"text"', "found a string"),
        ("null", "found null"),
    ],
)
def test_a_hostile_line_is_one_reject_between_good_lines(
    tmp_path: Path, line: str, reason: str
) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(good(1) + line + "\n" + good(2), encoding="utf-8")
    items, rejects, cursor = read_all(source(path))
    assert [item.payload["n"] for item in items] == [1, 2]
    assert len(rejects) == 1 and reason in rejects[0].reason
    assert rejects[0].context == f"{path}:2"
    assert len(rejects[0].excerpt) <= 120
    parsed = JsonlCursor.parse(cursor)
    assert parsed is not None and parsed.offset == path.stat().st_size and parsed.line == 3


def test_invalid_utf8_is_a_reject_naming_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"n": 1}\n{"t": "\xff"}\n{"n": 2}\n')
    items, rejects, _ = read_all(source(path))
    assert [item.payload["n"] for item in items] == [1, 2]
    assert rejects[0].reason == "not UTF-8 text (byte 8)"


def test_decode_line_never_raises() -> None:
    assert decode_line(b"[" * 1_000_000, "mention").problem is not None
    assert decode_line(b"\x00\x01", "mention").problem is not None
    assert decode_line(b'{"id": "x"}', "mention").payload == {"id": "x"}


def test_a_line_longer_than_the_cap_is_skipped_undecoded(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    huge = '{"text": "' + "x" * 5_000 + '"}'
    path.write_text(good(1) + huge + "\n" + good(2) + huge, encoding="utf-8")
    items, rejects, cursor = read_all(source(path, max_line_bytes=1_000, partial_line_wait=0))
    assert [item.payload["n"] for item in items] == [1, 2]
    assert [r.context for r in rejects] == [f"{path}:2", f"{path}:4"]
    assert all("longer than 1,000 bytes" in r.reason for r in rejects)
    parsed = JsonlCursor.parse(cursor)
    assert parsed is not None and parsed.offset == path.stat().st_size


def test_a_line_at_the_cap_is_read(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    line = '{"t": "' + "x" * 91 + '"}'
    assert len(line) == 100
    path.write_text(line + "\n", encoding="utf-8")
    items, rejects, _ = read_all(source(path, max_line_bytes=100))
    assert len(items) == 1 and not rejects


# -- saved API pages are named, never a silent zero ------------------------------------------


@pytest.mark.parametrize(
    ("page", "words"),
    [
        ([{"id": str(n)} for n in range(20)], "found a JSON array of 20 items"),
        ({"accounts": [], "statuses": [{"id": "1"}] * 3}, "whose 'statuses' holds 3 items"),
        ({"hits": [{"objectID": "1"}] * 2, "nbPages": 1}, "whose 'hits' holds 2 items"),
        ({"kind": "Listing", "data": {"children": [{}] * 4}}, "whose 'data.children' holds 4"),
        ({"posts": [{}], "cursor": "x"}, "whose 'posts' holds 1 item"),
        ({"feed": [{}] * 5}, "whose 'feed' holds 5 items"),
    ],
)
def test_a_saved_api_page_is_rejected_with_what_was_expected_and_found(
    tmp_path: Path, page: Any, words: str
) -> None:
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    items, rejects, _ = read_all(source(path, platform="mastodon", partial_line_wait=0))
    assert items == []
    (reject,) = rejects
    assert reject.reason.startswith("expected one mastodon item per line, ")
    assert words in reject.reason and "a saved API page?" in reject.reason
    assert "jq -c" in reject.reason


def test_an_rss_payload_with_a_feed_object_is_not_taken_for_a_page(tmp_path: Path) -> None:
    path = tmp_path / "rss.jsonl"
    payload = {"feed": {"url": "https://x.example/feed"}, "entry": {"title": "t"}, "key": "k"}
    path.write_text(json.dumps(payload) + "\n", encoding="utf-8")
    items, rejects, _ = read_all(source(path, platform="rss"))
    assert len(items) == 1 and not rejects


# -- the last line without a newline ----------------------------------------------------------


def test_import_reads_a_last_line_without_a_newline_at_once(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(good(1) + good(2) + '{"n": 3', encoding="utf-8")  # cut short
    items, rejects, cursor = read_all(source(path, partial_line_wait=0))
    assert [item.payload["n"] for item in items] == [1, 2]
    assert len(rejects) == 1 and rejects[0].context == f"{path}:3"
    parsed = JsonlCursor.parse(cursor)
    assert parsed is not None and parsed.offset == path.stat().st_size


def test_a_followed_file_takes_a_whole_last_line_at_once(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(good(1) + json.dumps({"n": 2}), encoding="utf-8")
    src = source(path)  # default wait: 10 s
    first = fetch(src, None)
    assert [item.payload["n"] for item in first.items] == [1, 2]
    assert first.items[1].origin == f"{path}:2"
    with path.open("a", encoding="utf-8") as file:
        file.write("\n" + good(3))  # the writer ends the line, then goes on
    second = fetch(src, first.cursor)
    assert [item.payload["n"] for item in second.items] == [3]
    assert second.items[0].origin == f"{path}:3"  # numbering did not drift
    assert second.rejects == []


def test_a_followed_file_waits_for_a_cut_last_line_until_it_settles(tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "in.jsonl"
    path.write_text(good(1) + '{"n": 2, "text": "half', encoding="utf-8")
    src = source(path, clock, partial_line_wait=10)
    first = fetch(src, None)
    assert [item.payload["n"] for item in first.items] == [1] and first.rejects == []
    clock.advance(5)
    assert fetch(src, first.cursor).items == []  # still being written, perhaps
    with path.open("a", encoding="utf-8") as file:
        file.write('way"}\n')  # it was
    done = fetch(src, first.cursor)
    assert [item.payload for item in done.items] == [{"n": 2, "text": "halfway"}]


def test_a_cut_last_line_that_never_grows_becomes_a_reject(tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "in.jsonl"
    path.write_text(good(1) + '{"n": 2, "te', encoding="utf-8")
    src = source(path, clock, partial_line_wait=10)
    first = fetch(src, None)
    clock.advance(4)
    assert fetch(src, first.cursor).rejects == []
    clock.advance(7)
    settled = fetch(src, first.cursor)
    assert len(settled.rejects) == 1 and settled.rejects[0].context == f"{path}:2"
    parsed = JsonlCursor.parse(settled.cursor)
    assert parsed is not None and parsed.offset == path.stat().st_size


# -- streams: standard input, FIFOs ---------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_read_once_as_it_comes_with_its_last_line(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def writer() -> None:
        with fifo.open("w", encoding="utf-8") as file:
            file.write(good(1))
            file.flush()
            time.sleep(0.3)
            file.write("[" * 50_000 + "\n" + good(2) + json.dumps({"n": 3}))

    thread = threading.Thread(target=writer)
    thread.start()
    src = source(fifo, partial_line_wait=0)
    items, rejects, cursor = read_all(src, limit=200)
    thread.join(5)
    asyncio.run(src.aclose())
    assert [item.payload["n"] for item in items] == [1, 2, 3]
    assert [r.context for r in rejects] == [f"{fifo}:2"]
    assert [item.origin for item in items] == [f"{fifo}:1", f"{fifo}:3", f"{fifo}:4"]
    parsed = JsonlCursor.parse(cursor)
    assert parsed is not None and parsed.line == 4 and parsed.offset > 50_000


def test_dash_reads_standard_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, (good(1) + good(2)).encode())
    os.close(write_end)
    saved = os.dup(0)
    os.dup2(read_end, 0)
    try:
        src = source("-", partial_line_wait=0)
        items, rejects, _ = read_all(src)
        asyncio.run(src.aclose())
    finally:
        os.dup2(saved, 0)
        os.close(saved)
        os.close(read_end)
    assert [item.payload["n"] for item in items] == [1, 2] and not rejects


# -- through the engine: `ecoute run` no longer retries one cursor forever -----------------


def test_the_engine_stores_every_good_line_around_a_hostile_one(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    mention = {"platform": "test", "text": "hello", "created_at": "2026-01-01T00:00:00Z"}
    lines = [json.dumps({**mention, "id": f"t:{n}"}) for n in range(30)]
    lines.insert(15, "[" * 100_000)
    data.write_text("\n".join(lines), encoding="utf-8")  # and no newline at the end
    config = tmp_path / "config.toml"
    config.write_text(
        '[engine]\nstore = "store.db"\nbatch_wait = 0.05\n\n'
        f'[[sources]]\ntype = "jsonl"\nname = "file"\npath = "{data}"\n'
        "batch_lines = 10\npartial_line_wait = 0\n\n"
        "[scorers.sentiment]\nenabled = false\n",
        encoding="utf-8",
    )
    report = run_once(config)
    assert report.rejected == 1
    assert sorted(stored_ids(tmp_path / "store.db")) == sorted(f"t:{n}" for n in range(30))


def test_a_one_line_file_with_a_byte_order_mark_and_no_newline_is_read(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"n": 1}).encode())
    result = fetch(source(path), None)  # followed, default wait: whole, so at once
    assert [item.payload for item in result.items] == [{"n": 1}] and result.rejects == []


def test_a_stream_that_ended_is_read_to_its_last_line_across_fetches(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.write(write_end, "".join(good(n) for n in range(25)).encode())
    os.close(write_end)
    saved = os.dup(0)
    os.dup2(read_end, 0)
    try:
        src = source("-", batch_lines=10)
        items, _, _ = read_all(src)
        asyncio.run(src.aclose())
    finally:
        os.dup2(saved, 0)
        os.close(saved)
        os.close(read_end)
    assert [item.payload["n"] for item in items] == list(range(25))
