"""A corpus of hostile strings in every field never reaches an output surface raw.

Each string is placed in every field of a mention (and in its tags and notes),
stored with the real store, then rendered by ``ecoute search`` (table, CSV,
JSON Lines), the stdout and jsonl sinks, the CLI's log formatter, its error
rendering and ``ecoute import``'s messages. No C0 control (but the newline that
ends a line), no C1 control, DEL, bidi or other format character may come out,
and no CSV cell may start a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ecoute.cli.app import _Formatter
from ecoute.engine import Author, ComponentContext, Mention, Reject, TopicMatch
from ecoute.engine.cleanup import neutralise, neutralise_cell, neutralise_json
from ecoute.engine.store import open_store
from ecoute.plugins.sinks.jsonl import JsonlSink
from ecoute.plugins.sinks.stdout import StdoutSink, format_line, json_line

CORPUS: dict[str, str] = {
    "csi": "\x1b[2J\x1b[H\x1b[31mred",
    "osc52-bel": "\x1b]52;c;ZWNobyBvd25lZA==\x07",
    "osc52-st": "\x1b]52;c;ZWNobyBvd25lZA==\x1b\\",
    "osc8": "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\",
    "c0": "".join(chr(code) for code in range(1, 0x20)) + "\x7f",
    "c1": "".join(chr(code) for code in range(0x80, 0xA0)),
    "c1-sequences": "\x9b2J\x9d52;c;QUFB\x9c\x90q\x9c",
    "bidi": "\u202egnp.exe\u202c \u2066iso\u2069 \u2067\u2068\u202a\u202b\u202d\u200e\u200f\u061c",
    "zero-width": "a\u200bb\u200cc\u2060d\ufeffe\u00adf\u2061g",
    "lone-surrogates": "\ud800 half \udfff",
    "formula": "=cmd|' /C calc'!A0",
    "formula-plus": "+SUM(1,2)",
    "formula-minus": "-2+3",
    "formula-at": "@SUM(A1)",
    "formula-spaced": "  =1+1",
    "rich-markup": "[bold red]x[/] [link=https://evil.example]y[/link]",
    "line-breaks": "one\ntwo\rthree\r\nfour\u2028five\u2029six\x85seven\x0bend",
}
FORMULA_STARTS = ("=", "+", "-", "@")
SGR = re.compile(r"\x1b\[[0-9;]*m")
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def forbidden(text: str, allowed: str = "") -> list[str]:
    """The characters of ``text`` no output may hold: controls, DEL, C1, format, bidi."""
    return [
        f"U+{ord(char):04X}"
        for char in text
        if char not in allowed
        and char != "\u200d"  # the emoji joiner is kept, and harmless
        and unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp")
    ]


def hostile_mention(name: str, value: str, *, store_safe: bool = False) -> Mention:
    """A mention with ``value`` in every field (ids without surrogates for the store)."""
    key = value.replace("\ud800", "").replace("\udfff", "") if store_safe else value
    return Mention(
        id=f"{name}:{key}",
        platform=f"p{value}",
        text=f"text {value}",
        created_at=NOW,
        author=Author(handle=value, name=value, url=f"https://x.example/{value}", followers=3),
        source=value,
        url=f"https://x.example/post{value}",
        title=value,
        lang=f"en{value}",
        topics=[TopicMatch(topic=f"t{value}", term=value, found=value, start=0, end=4)],
        flags=[value],
        extra={"note": value},
        raw={"payload": value},
    )


def safe_for_the_store(value: str) -> str:
    return value.replace("\ud800", "").replace("\udfff", "")


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "store.db"
    with open_store(path) as store:
        mentions = [hostile_mention(n, v, store_safe=True) for n, v in CORPUS.items()]
        store.upsert_mentions(mentions)
        for mention in mentions:
            value = safe_for_the_store(CORPUS[mention.id.split(":", 1)[0]])
            store.add_tag(mention.id, value or "x")
            store.add_note(mention.id, value or "x")
        store.add_rejects(
            [
                Reject(value, value, value, source=value)
                for value in map(safe_for_the_store, CORPUS.values())
            ]
        )
    return path


def ecoute(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecoute", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        input=stdin,
        timeout=120,
    )


# -- the neutraliser itself --------------------------------------------------------------------


@pytest.mark.parametrize(("name", "value"), CORPUS.items())
def test_the_neutraliser_leaves_nothing_a_terminal_acts_on(name: str, value: str) -> None:
    assert forbidden(neutralise(value)) == []
    assert forbidden(neutralise(value, newlines=True), allowed="\n") == []
    assert forbidden(neutralise_cell(value)) == []
    assert not neutralise_cell(value).lstrip().startswith(FORMULA_STARTS)
    encoded = neutralise_json(json.dumps({"v": value}, ensure_ascii=False))
    assert forbidden(encoded) == []
    assert json.loads(encoded) == {"v": value}  # escaped, not dropped


def test_escape_sequences_go_with_their_parameters() -> None:
    assert neutralise("en\x1b]52;c;ZWNobyBvd25lZA==\x07") == "en"
    assert neutralise("a\x9b2Jb\x1b[31mc") == "abc"
    assert neutralise("\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\") == "click"
    assert neutralise("plain text, ünïcode ✓ 👩\u200d💻") == "plain text, ünïcode ✓ 👩\u200d💻"


# -- ecoute search: table, CSV, JSON Lines -----------------------------------------------------


@pytest.mark.slow
def test_search_table_prints_no_escape(hostile_store: Path) -> None:
    result = ecoute("--store", str(hostile_store), "search", "--limit", "100")
    assert result.returncode == 0, result.stderr
    assert forbidden(result.stdout, allowed="\n") == []
    assert forbidden(result.stderr, allowed="\n") == []
    assert len(result.stdout.splitlines()) == len(CORPUS) + 1  # header + one line each


@pytest.mark.slow
def test_search_csv_cells_hold_no_escape_and_no_formula(hostile_store: Path) -> None:
    result = ecoute("--store", str(hostile_store), "search", "--limit", "100", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert forbidden(result.stdout, allowed="\n") == []
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert len(rows) == len(CORPUS) + 1 == len(result.stdout.splitlines())
    for row in rows[1:]:
        for cell in row:
            assert "\n" not in cell and forbidden(cell) == []
            assert not cell.startswith(FORMULA_STARTS), cell
            assert not cell.lstrip().startswith(FORMULA_STARTS), cell


@pytest.mark.slow
def test_search_jsonl_escapes_every_control_and_keeps_the_data(hostile_store: Path) -> None:
    result = ecoute("--store", str(hostile_store), "search", "--limit", "100", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert forbidden(result.stdout, allowed="\n") == []
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == len(CORPUS)
    with open_store(hostile_store, readonly=True) as store:
        for row in rows:
            stored = store.get(row["id"])
            assert stored is not None
            assert row["lang"] == stored.mention.lang
            assert row["author"]["name"] == stored.mention.author.name
            assert row["text"] == stored.mention.text
            assert row["tags"] == stored.tags


@pytest.mark.slow
def test_sources_rejects_print_no_escape(hostile_store: Path) -> None:
    result = ecoute("--store", str(hostile_store), "sources", "--rejects")
    assert result.returncode == 0, result.stderr
    assert "rejected" in result.stdout
    assert forbidden(result.stdout, allowed="\n") == []


# -- the sinks ---------------------------------------------------------------------------------


def sink_context(**options: Any) -> ComponentContext:
    return ComponentContext(name="out", options=options, logger=logging.getLogger("t"))


@pytest.mark.parametrize(("name", "value"), CORPUS.items())
def test_the_stdout_sink_prints_no_escape(
    name: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    mention = hostile_mention(name, value)
    line = format_line(mention, 200)
    assert forbidden(line) == []
    coloured = format_line(mention, 200, color=True)
    plain = format_line(hostile_mention("plain", "text"), 200, color=True)
    assert SGR.findall(coloured) == SGR.findall(plain)  # the sink's own colours, no more
    assert forbidden(SGR.sub("", coloured)) == []
    assert forbidden(json_line(mention), allowed="\n") == []
    assert json.loads(json_line(mention))["title"] == value
    for output_format in ("line", "jsonl"):
        StdoutSink(sink_context(format=output_format, color="never")).write([mention])
        printed = capsys.readouterr().out
        assert printed.endswith("\n") and forbidden(printed, allowed="\n") == []


def test_the_jsonl_sink_writes_escapes_and_reads_back_the_same(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    sink = JsonlSink(sink_context(path=str(path), include_raw=True))
    mentions = [hostile_mention(name, value) for name, value in CORPUS.items()]
    sink.write(mentions)
    sink.close()
    text = path.read_bytes().decode("utf-8")  # strict: no lone surrogate was written raw
    assert forbidden(text, allowed="\n") == []
    lines = text.splitlines()
    assert len(lines) == len(mentions)
    for line, mention in zip(lines, mentions, strict=True):
        assert json.loads(line) == json.loads(json.dumps(mention.to_dict(include_raw=True)))


# -- log lines, error messages, import messages ------------------------------------------------


@pytest.mark.parametrize(("name", "value"), CORPUS.items())
@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR])
def test_log_lines_print_no_escape(name: str, value: str, level: int) -> None:
    formatter = _Formatter()
    for msg, args in ((value, ()), ("source %s failed: %s", (value, value)), ("%r", (value,))):
        record = logging.LogRecord(f"ecoute.{value}", level, __file__, 1, msg, args, None)
        entry = formatter.format(record)
        assert forbidden(entry, allowed="\n") == []
        assert entry.startswith("ecoute: ")
        assert all(line.startswith("  ") for line in entry.splitlines()[1:])


def test_a_log_record_whose_format_fails_is_still_one_safe_entry() -> None:
    record = logging.LogRecord("ecoute", logging.WARNING, __file__, 1, "%d \x1b[2J", ("x",), None)
    entry = _Formatter().format(record)
    assert entry.startswith("ecoute: warning: ") and forbidden(entry) == []


@pytest.mark.slow
def test_error_messages_print_no_escape(tmp_path: Path) -> None:
    hostile = CORPUS["osc52-bel"] + CORPUS["bidi"] + CORPUS["c1-sequences"]
    missing = ecoute("--config", str(tmp_path / f"conf{safe_for_the_store(hostile)}.toml"), "run")
    assert missing.returncode == 2
    usage = ecoute("search", "--format", hostile)
    assert usage.returncode == 2
    platform = ecoute("--store", str(tmp_path / "s.db"), "import", "-", "--platform", hostile)
    assert platform.returncode == 2 and "no normaliser for platform" in platform.stderr
    for result in (missing, usage, platform):
        assert forbidden(result.stderr, allowed="\n") == [], result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_import_messages_print_no_escape(tmp_path: Path) -> None:
    # Reasons that quote the line: an unknown field named by the hostile string, first.
    lines = [json.dumps({value: 1, "id": "x", "text": "t"}) for value in CORPUS.values()]
    lines += [safe_for_the_store(value) for value in CORPUS.values()]
    data = tmp_path / f"in{CORPUS['csi']}.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    result = ecoute("--store", str(tmp_path / "s.db"), "import", str(data))
    assert result.returncode == 1
    assert "rejected" in result.stderr
    assert forbidden(result.stderr, allowed="\n") == [], result.stderr
    assert result.stdout == ""
