"""``ecoute import``'s progress: a bar over a regular file's size, a count for a pipe."""

from __future__ import annotations

import io

import pytest

from ecoute.cli.run_cmds import ImportProgress
from ecoute.engine.runtime.batching import Batch


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def stderr_on(monkeypatch: pytest.MonkeyPatch, stream: io.StringIO) -> io.StringIO:
    # Set in the test itself: pytest's capture puts its own stderr back after fixtures.
    monkeypatch.setattr("sys.stderr", stream)
    return stream


def batch_at(offset: int, line: int) -> Batch:
    return Batch(cursors={"import:x": f"0:{offset}:{line}:0"})


def test_a_pipe_gets_a_running_count_of_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = stderr_on(monkeypatch, Terminal())
    progress = ImportProgress("import:x", None)
    progress.advance(batch_at(5_000, 1_234))
    progress.finish()
    assert "\rimporting: 1,234 lines read" in terminal.getvalue()
    assert terminal.getvalue().endswith("\n")
    assert (progress.bytes_read, progress.lines_read) == (5_000, 1_234)


def test_a_regular_file_gets_a_bar_over_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = stderr_on(monkeypatch, Terminal())
    size = 4 << 20
    progress = ImportProgress("import:x", size)
    progress.advance(batch_at(size // 2, 10))
    progress.advance(Batch())  # a batch without the source's cursor moves nothing
    progress.advance(batch_at(size, 20))
    progress.finish()
    assert "importing" in terminal.getvalue() and "100%" in terminal.getvalue()
    assert progress.bytes_read == size


def test_nothing_is_drawn_when_stderr_is_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream = stderr_on(monkeypatch, io.StringIO())
    progress = ImportProgress("import:x", 4 << 20)
    progress.advance(batch_at(100, 1))
    progress.finish()
    assert stream.getvalue() == "" and progress.bytes_read == 100
