"""The ``jsonl`` source: mentions or raw payloads from a JSON Lines file, followed as it grows."""

from __future__ import annotations

import asyncio
import os
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ecoute.engine import (
    ComponentContext,
    FetchResult,
    Option,
    RawItem,
    Reject,
    Source,
    SourceError,
    truncate_excerpt,
)

from .jsonl_lines import Decoded, decode_line
from .jsonl_mentions import MentionNormaliser
from .jsonl_stream import LineStream, is_stream
from .registration import source_hooks

_HEAD_BYTES = 64  # bytes of the file start remembered in the cursor, to notice a rewrite
_SKIP_CHUNK = 1 << 20
_BOM = b"\xef\xbb\xbf"
MAX_LINE_BYTES = 10_000_000
STREAM_WAIT = 0.5  # seconds one fetch waits for a pipe's data, so that a stop is never late


@dataclass(frozen=True, slots=True)
class JsonlCursor:
    """Where reading resumes: the file's identity, a byte offset and the lines read so far.

    ``head`` is a checksum of the file's first bytes, so that a file truncated and
    written again past the old offset is still noticed. As text:
    ``"<inode>:<offset>:<line>:<head>"``.
    """

    inode: int
    offset: int
    line: int
    head: int

    @classmethod
    def parse(cls, text: str | None) -> JsonlCursor | None:
        """The cursor written by :meth:`__str__`, or ``None`` for no or unreadable text."""
        if not text:
            return None
        try:
            inode, offset, line, head = (int(part) for part in text.split(":"))
        except ValueError:
            return None
        if offset < 0 or line < 0:
            return None
        return cls(inode, offset, line, head)

    def __str__(self) -> str:
        return f"{self.inode}:{self.offset}:{self.line}:{self.head}"


class JsonlSource(Source):
    """Reads a JSON Lines file from where it left off, ``batch_lines`` lines at a time.

    With ``platform = "mention"`` each line is a mention as ``Mention.to_dict()``
    writes it; any other platform names the normaliser of the raw payloads the
    lines hold. A bad line (not UTF-8, not JSON, too deep, too long, a saved API
    page) is a counted reject and reading goes on past it. A replaced or
    truncated file is read again from its start.

    A last line without a newline is read at once when it is a whole JSON value,
    else once the file has not changed for ``partial_line_wait`` seconds (0: at
    once, as ``ecoute import`` does). ``path = "-"``, a FIFO or another file that
    is not a regular one is read as a stream, once, as it comes.
    """

    type = "jsonl"
    description = "Reads mentions or raw payloads from a JSON Lines file and follows it."
    default_interval = 5.0
    options = (
        Option(
            "path", str, required=True, help='the JSON Lines file to read ("-": standard input)'
        ),
        Option(
            "platform",
            str,
            "mention",
            help='"mention" for ecoute mentions, or the platform of the raw payloads',
        ),
        Option("batch_lines", int, 1000, help="lines read per fetch at most", minimum=1),
        Option(
            "max_line_bytes",
            int,
            MAX_LINE_BYTES,
            help="longer lines are rejected without being decoded",
            minimum=2,
        ),
        Option(
            "partial_line_wait",
            float,
            10.0,
            help="seconds a last line without a newline must stay unchanged before it is read",
            minimum=0.0,
        ),
    )

    def __init__(self, context: ComponentContext) -> None:
        super().__init__(context)
        options = context.options
        self.path = Path(str(options["path"])).expanduser()
        self.platform = str(options.get("platform") or "mention")
        self.batch_lines = max(1, int(options.get("batch_lines") or 1000))
        self.max_line_bytes = max(2, int(options.get("max_line_bytes") or MAX_LINE_BYTES))
        wait = options.get("partial_line_wait")
        self.partial_line_wait = max(0.0, float(10.0 if wait is None else wait))
        self._tail: tuple[int, int, int, float] | None = None  # inode, offset, size, first seen
        self._stream: LineStream | None = None

    async def fetch(self, cursor: str | None) -> FetchResult:
        """The next complete lines after ``cursor`` as raw items, bad lines as rejects."""
        return await asyncio.to_thread(self.read, cursor)

    def read(self, cursor: str | None) -> FetchResult:
        """What :meth:`fetch` returns, read synchronously."""
        try:
            if self._stream is not None or is_stream(self.path):
                return self._read_stream()
            with self.path.open("rb") as file:
                status = os.fstat(file.fileno())
                position = self._resume(file, status.st_ino, status.st_size, cursor)
                return self._read_lines(file, status, position)
        except FileNotFoundError:
            raise SourceError(f"{self.path}: no such file") from None
        except IsADirectoryError:
            raise SourceError(f"{self.path} is a folder, not a file") from None
        except OSError as exc:
            raise SourceError(f"{self.path}: {exc.strerror or exc}") from exc

    async def aclose(self) -> None:
        """Close a stream being read (a file is opened for each fetch)."""
        if self._stream is not None:
            self._stream.close()

    def _resume(self, file: Any, inode: int, size: int, text: str | None) -> JsonlCursor:
        cursor = JsonlCursor.parse(text)
        if text and cursor is None:
            self.context.logger.warning("jsonl: unreadable cursor %r, reading from the start", text)
        if cursor is None or cursor.offset == 0:
            return JsonlCursor(inode, 0, 0, 0)
        if (
            cursor.inode != inode
            or cursor.offset > size
            or _head(file, cursor.offset) != cursor.head
        ):
            self.context.logger.info(
                "jsonl: %s was replaced or truncated, reading it again", self.path
            )
            return JsonlCursor(inode, 0, 0, 0)
        return cursor

    def _read_lines(self, file: Any, status: os.stat_result, cursor: JsonlCursor) -> FetchResult:
        # ``line_number`` counts the newlines read: a last line taken without its
        # newline keeps its number when the writer adds the newline (a blank line).
        offset, line_number = cursor.offset, cursor.line
        file.seek(offset)
        lines = _Lines(self, self.context.clock.now())
        lines_read = 0
        while lines_read < self.batch_lines:
            line = file.readline(self.max_line_bytes + 1)
            if not line:
                break
            complete = line.endswith(b"\n")
            too_long = not complete and len(line) > self.max_line_bytes
            if too_long:
                skipped, complete = _skip_line(file)
                length = len(line) + skipped
            else:
                length = len(line)
            number = line_number + 1
            decoded = None
            if not complete:
                decoded = None if too_long else lines.decode(number, line)
                whole = decoded is not None and decoded.whole
                if not self._take_tail(status, offset, whole):
                    break
            lines_read += 1
            offset += length
            line_number += int(complete)
            if too_long:
                lines.too_long(number, line)
            else:
                lines.add(number, line, decoded)
        head = _head(file, offset) if offset else 0
        more = lines_read == self.batch_lines and offset < status.st_size
        return lines.result(JsonlCursor(cursor.inode, offset, line_number, head), more)

    def _take_tail(self, status: os.stat_result, offset: int, whole: bool) -> bool:
        """Whether to read the last line, which has no newline (yet)."""
        if whole or self.partial_line_wait == 0:
            return True
        now = self.context.clock.monotonic()
        seen = (status.st_ino, offset, status.st_size)
        if self._tail is None or self._tail[:3] != seen:
            self._tail = (*seen, now)
            return False
        return now - self._tail[3] >= self.partial_line_wait

    def _read_stream(self) -> FetchResult:
        if self._stream is None:
            self._stream = LineStream(self.path, self.max_line_bytes)
        stream = self._stream
        lines = _Lines(self, self.context.clock.now())
        for line in stream.read(self.batch_lines, STREAM_WAIT):
            if line.too_long:
                lines.too_long(line.number, line.data)
            else:
                lines.add(line.number, line.data)
        # Inode 0: a later fetch of a regular file at this path starts from its beginning.
        cursor = JsonlCursor(0, stream.bytes_read, stream.lines, 0)
        return lines.result(cursor, more=not stream.finished)


class _Lines:
    """The items and rejects of one fetch, line by line."""

    def __init__(self, source: JsonlSource, now: datetime) -> None:
        self.source = source
        self.now = now
        self.items: list[RawItem] = []
        self.rejects: list[Reject] = []

    def decode(self, number: int, line: bytes) -> Decoded:
        """What one line holds (a byte order mark before the first line is no part of it)."""
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM) :]
        return decode_line(line, self.source.platform)

    def add(self, number: int, line: bytes, decoded: Decoded | None = None) -> None:
        """One line of the file: an item, a reject, or nothing (a blank line).

        ``decoded`` is the line's :meth:`decode`, when it was needed already.
        """
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM) :]
        if not line.strip():
            return
        origin = f"{self.source.path}:{number}"
        decoded = decoded or decode_line(line, self.source.platform)
        if decoded.problem is not None:
            self.rejects.append(Reject(decoded.problem, origin, truncate_excerpt(line, 120)))
            return
        self.items.append(
            RawItem(
                self.source.platform,
                decoded.payload,
                fetched_at=self.now,
                source=self.source.name,
                origin=origin,
            )
        )

    def too_long(self, number: int, head: bytes) -> None:
        """A line longer than ``max_line_bytes``: a reject, never decoded."""
        limit = self.source.max_line_bytes
        self.rejects.append(
            Reject(
                f"line is longer than {limit:,} bytes (the max_line_bytes option)",
                f"{self.source.path}:{number}",
                truncate_excerpt(head, 120),
            )
        )

    def result(self, cursor: JsonlCursor, more: bool) -> FetchResult:
        """The fetch's result, resuming at ``cursor``."""
        return FetchResult(self.items, str(cursor), more, self.rejects)


def _skip_line(file: Any) -> tuple[int, bool]:
    """Read past the rest of a too-long line: (bytes skipped, whether its newline was found)."""
    skipped = 0
    while True:
        chunk = file.readline(_SKIP_CHUNK)
        skipped += len(chunk)
        if not chunk:
            return skipped, False
        if chunk.endswith(b"\n"):
            return skipped, True


def _head(file: Any, offset: int) -> int:
    position = file.tell()
    file.seek(0)
    head = zlib.crc32(file.read(min(offset, _HEAD_BYTES)))
    file.seek(position)
    return head


register_sources, register_normalisers = source_hooks(JsonlSource, MentionNormaliser)
