"""Lines from a pipe, a FIFO or standard input, read once, without ever blocking for long.

A pipe cannot seek, so it is read as it comes: lines are cut from what has
arrived, the last line is whatever is left when the writer closes, and a line
longer than the limit is skipped to its end.
"""

from __future__ import annotations

import os
import select
import stat
import time
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 16


def is_stream(path: Path) -> bool:
    """Whether ``path`` names standard input (``-``) or something that is not a regular file."""
    if str(path) == "-":
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # reported when the file is opened
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a stream: its number and bytes (the first bytes only when ``too_long``)."""

    number: int
    data: bytes
    too_long: bool = False


class LineStream:
    """Reads lines from ``path`` (``-`` for standard input), opened on first use.

    Standard input is read through a copy of its descriptor, never switched to
    non-blocking mode (that would outlive ecoute in the user's shell); a wait
    for data is a ``select`` with a timeout instead.
    """

    def __init__(self, path: Path, max_line_bytes: int) -> None:
        self.path = path
        self.max_line_bytes = max_line_bytes
        self.bytes_read = 0
        self.lines = 0
        self.at_end = False
        self._fd: int | None = None
        self._buffer = bytearray()
        self._skipping: Line | None = None  # a too-long line whose end is not read yet

    def read(self, max_lines: int, wait: float) -> list[Line]:
        """Up to ``max_lines`` lines, waiting at most ``wait`` seconds for data to come.

        Raises:
            OSError: the stream cannot be opened or read.
        """
        fd = self._open()
        if self.finished:
            self.at_end = False  # a FIFO read to its end may have a new writer by now
        lines = self._cut(max_lines)
        deadline = time.monotonic() + wait
        while len(lines) < max_lines and not self.at_end:
            left = deadline - time.monotonic()
            if left <= 0 or not _readable(fd, left):
                break
            chunk = os.read(fd, _CHUNK)
            if not chunk:
                self.at_end = True
            self.bytes_read += len(chunk)
            self._buffer += chunk
            lines += self._cut(max_lines - len(lines))
        return lines

    @property
    def finished(self) -> bool:
        """Whether the writer has closed the stream and every line of it was read."""
        return self.at_end and not self._buffer and self._skipping is None

    def close(self) -> None:
        """Close the descriptor; a later read opens the stream again."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _open(self) -> int:
        if self._fd is None:
            if str(self.path) == "-":
                self._fd = os.dup(0)
            else:
                # Non-blocking: opening a FIFO that has no writer yet must not hang.
                self._fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
            self.at_end = False
        return self._fd

    def _cut(self, max_lines: int) -> list[Line]:
        """The complete lines in the buffer (and the rest once the stream has ended)."""
        lines: list[Line] = []
        while len(lines) < max_lines:
            end = self._buffer.find(b"\n")
            if self._skipping is not None:
                if end < 0 and not self.at_end:
                    self._buffer.clear()
                    break
                del self._buffer[: len(self._buffer) if end < 0 else end + 1]
                lines.append(self._skipping)
                self._skipping = None
                continue
            if end < 0 and len(self._buffer) > self.max_line_bytes:
                self.lines += 1
                self._skipping = Line(self.lines, bytes(self._buffer[:240]), too_long=True)
                continue
            if end < 0:
                if self.at_end and self._buffer:
                    end = len(self._buffer) - 1  # the last line, without its newline
                else:
                    break
            data = bytes(self._buffer[: end + 1])
            del self._buffer[: end + 1]
            self.lines += 1
            if len(data.rstrip(b"\r\n")) > self.max_line_bytes:
                lines.append(Line(self.lines, data[:240], too_long=True))
            else:
                lines.append(Line(self.lines, data))
        return lines


def _readable(fd: int, timeout: float) -> bool:
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
    except (OSError, ValueError):
        return True  # no select for this descriptor: a plain read will do
    return bool(ready)
