"""Tests of the stdout sink: readable lines, JSON lines, terminal safety, broken pipes."""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from typing import Any

import pytest

from ecoute.engine import Author, ComponentContext, Gone, Mention, Sentiment, TopicMatch
from ecoute.engine.plugins import create_plugin_manager
from ecoute.plugins.sinks.stdout import StdoutSink, display_width, fit, format_line, safe_text

SGR = re.compile(r"\x1b\[[0-9;]*m")
NASTY = "ok \x1b[2J\x1b]8;;http://evil\x07link\x1b]8;;\x07 \x9b31m \u202egnp.exe\u202c \x07 end"


def sink(**options: Any) -> StdoutSink:
    context = ComponentContext(name="screen", options=options, logger=logging.getLogger("t"))
    return StdoutSink(context)


def mention(
    text: str = "Mon #AcmeCloud ne synchronise plus depuis ce matin", **fields: Any
) -> Mention:
    values: dict[str, Any] = {
        "id": "reddit:1",
        "platform": "reddit",
        "text": text,
        "created_at": datetime(2026, 3, 1, 4, 1, 2, tzinfo=UTC),
        "author": Author("jdupont"),
        "lang": "fr",
        **fields,
    }
    return Mention(**values)


class Output:
    """What the sink printed, through pytest's capture of ``sys.stdout``."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def getvalue(self) -> str:
        return self.capsys.readouterr().out


@pytest.fixture
def out(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Output:
    monkeypatch.setenv("COLUMNS", "100")
    return Output(capsys)


def test_line_format(out: Output) -> None:
    negative = Sentiment("negative", 0.9, "m")
    topic = [TopicMatch("acme", "acmecloud", "AcmeCloud", 5, 14)]
    sink(color="never").write([mention(sentiment=negative, topics=topic), mention("second")])
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    local = datetime(2026, 3, 1, 4, 1, 2, tzinfo=UTC).astimezone().strftime("%H:%M:%S")
    assert lines[0].startswith(
        f"{local}  reddit     @jdupont          fr  neg  [acme] Mon #AcmeCloud"
    )
    assert lines[1].endswith("fr       second")


def test_title_and_text_share_one_line(out: Output) -> None:
    sink(color="never").write([mention("line one\nline two", title="Panne\nAcme")])
    line = out.getvalue()
    assert line.count("\n") == 1
    assert "Panne Acme — line one line two" in line


def test_lines_fit_the_terminal_width(out: Output, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    long_text = "Акме Клауд 😡 " * 30
    sink(color="never").write([mention(long_text), mention("x" * 300)])
    for line in out.getvalue().splitlines():
        assert display_width(line) <= 60
        assert line.endswith("…")


def test_control_sequences_never_reach_the_terminal(out: Output) -> None:
    sneaky = mention(
        NASTY, title="\x1b[31mtitle", author=Author("evil\x1b[2J\u202e"), lang="f\x1br"
    )
    sink(color="never").write([sneaky])
    printed = out.getvalue()
    assert "\x1b" not in printed and "\x9b" not in printed and "\x07" not in printed
    assert "\u202e" not in printed and "\u202c" not in printed
    assert printed.count("\n") == 1


def test_colour_codes_are_only_ours(out: Output) -> None:
    sink(color="always").write([mention(NASTY, sentiment=Sentiment("positive", 0.8, "m"))])
    printed = out.getvalue()
    assert "\x1b[32m" in printed  # positive in green
    assert "\x1b" not in SGR.sub("", printed)


def test_colour_auto_is_off_for_a_pipe(out: Output) -> None:
    sink().write([mention()])
    assert "\x1b" not in out.getvalue()


def test_jsonl_format(out: Output) -> None:
    sink(format="jsonl").write([mention(NASTY, raw={"x": 1}), mention("Акме 😡")])
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["text"] == NASTY
    assert "raw" not in first
    assert "\x1b" not in lines[0] and "\x9b" not in lines[0] and "\u202e" not in lines[0]
    assert "Акме 😡" in lines[1]


def test_stdout_is_looked_up_at_write_time(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = sink(color="never")
    later = io.StringIO()
    monkeypatch.setattr(sys, "stdout", later)
    screen.write([mention()])
    assert "jdupont" in later.getvalue()


class ClosedPipe(io.StringIO):
    """A stdout whose reader has gone away."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        raise BrokenPipeError(32, "Broken pipe")


def test_broken_pipe_stops_writing_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = ClosedPipe()
    monkeypatch.setattr(sys, "stdout", pipe)
    screen = sink()
    with pytest.raises(Gone):  # the runtime stops feeding a sink that is gone
        screen.write([mention()])
    assert screen.broken_pipe
    screen.write([mention()])
    screen.flush()
    screen.close()
    assert pipe.writes == 1


@pytest.mark.slow
def test_piped_into_head_exits_cleanly() -> None:
    program = textwrap.dedent(
        """
        import logging
        from datetime import UTC, datetime
        from ecoute.engine import Author, ComponentContext, Gone, Mention
        from ecoute.plugins.sinks.stdout import StdoutSink

        sink = StdoutSink(ComponentContext("s", {}, logging.getLogger("s")))
        m = Mention("a:1", "demo", "hello " * 20, datetime.now(UTC), Author("x"))
        for _ in range(2000):
            try:
                sink.write([m] * 50)
            except Gone:
                break
        sink.close()
        print("still alive", file=__import__("sys").stderr)
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", program], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.readline()
        process.stdout.close()
        stderr = process.stderr.read().decode()
        code = process.wait(timeout=60)
    assert b"hello" in first
    assert code == 0
    assert stderr.strip() == "still alive"


def test_helpers() -> None:
    assert safe_text("a\nb\tc\x1b[0m\u202ed") == "a b cd"
    assert safe_text("👩\u200d💻") == "👩\u200d💻"
    assert display_width("ab") == 2
    assert display_width("😡") == 2
    assert display_width("e\u0301") == 1
    assert fit("abcdef", 4) == "abc…"
    assert fit("😡😡😡", 4) == "😡…"
    assert fit("short", 10) == "short"
    assert "…" in format_line(mention("x" * 500), width=80)


def test_plugin_registers_the_sink() -> None:
    plugins = create_plugin_manager(
        builtins={"sinks.stdout": "ecoute.plugins.sinks.stdout"}, load_entry_points=False
    )
    assert plugins.sinks()["stdout"] is StdoutSink
