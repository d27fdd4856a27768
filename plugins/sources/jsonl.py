"""The ``jsonl`` source: mentions or raw payloads from a JSON Lines file, followed as it grows."""

from __future__ import annotations

import asyncio
import json
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecoute.engine import (
    ComponentContext,
    FetchResult,
    MalformedItem,
    Mention,
    Normaliser,
    Option,
    RawItem,
    Reject,
    Source,
    SourceError,
    truncate_excerpt,
)

from .registration import source_hooks

_HEAD_BYTES = 64  # bytes of the file start remembered in the cursor, to notice a rewrite


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
    lines hold. Only complete lines are read: a last line still being written
    waits for the next fetch. A replaced or truncated file is read again from
    its start.
    """

    type = "jsonl"
    description = "Reads mentions or raw payloads from a JSON Lines file and follows it."
    default_interval = 5.0
    options = (
        Option("path", str, required=True, help="the JSON Lines file to read"),
        Option(
            "platform",
            str,
            "mention",
            help='"mention" for ecoute mentions, or the platform of the raw payloads',
        ),
        Option("batch_lines", int, 1000, help="lines read per fetch at most", minimum=1),
    )

    def __init__(self, context: ComponentContext) -> None:
        super().__init__(context)
        options = context.options
        self.path = Path(str(options["path"])).expanduser()
        self.platform = str(options.get("platform") or "mention")
        self.batch_lines = max(1, int(options.get("batch_lines") or 1000))

    async def fetch(self, cursor: str | None) -> FetchResult:
        """The next complete lines after ``cursor`` as raw items, bad lines as rejects."""
        return await asyncio.to_thread(self.read, cursor)

    def read(self, cursor: str | None) -> FetchResult:
        """What :meth:`fetch` returns, read synchronously."""
        try:
            with self.path.open("rb") as file:
                status = os.fstat(file.fileno())
                position = self._resume(file, status.st_ino, status.st_size, cursor)
                return self._read_lines(file, status.st_size, position)
        except FileNotFoundError:
            raise SourceError(f"{self.path}: no such file") from None
        except IsADirectoryError:
            raise SourceError(f"{self.path} is a folder, not a file") from None
        except OSError as exc:
            raise SourceError(f"{self.path}: {exc.strerror or exc}") from exc

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

    def _read_lines(self, file: Any, size: int, cursor: JsonlCursor) -> FetchResult:
        offset, line_number = cursor.offset, cursor.line
        file.seek(offset)
        items: list[RawItem] = []
        rejects: list[Reject] = []
        now = self.context.clock.now()
        lines_read = 0
        while lines_read < self.batch_lines:
            line = file.readline()
            if not line.endswith(b"\n"):
                break  # end of file, or a last line still being written
            lines_read += 1
            line_number += 1
            offset += len(line)
            if line_number == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            origin = f"{self.path}:{line_number}"
            payload, problem = _parse(line)
            if problem is not None:
                rejects.append(Reject(problem, context=origin, excerpt=truncate_excerpt(line, 120)))
                continue
            items.append(
                RawItem(self.platform, payload, fetched_at=now, source=self.name, origin=origin)
            )
        head = _head(file, offset) if offset else 0
        more = lines_read == self.batch_lines and offset < size
        return FetchResult(
            items=items,
            cursor=str(JsonlCursor(cursor.inode, offset, line_number, head)),
            more=more,
            rejects=rejects,
        )


def _head(file: Any, offset: int) -> int:
    position = file.tell()
    file.seek(0)
    head = zlib.crc32(file.read(min(offset, _HEAD_BYTES)))
    file.seek(position)
    return head


def _parse(line: bytes) -> tuple[Any, str | None]:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte {exc.start + 1})"
    try:
        # Lenient about raw control characters in strings: clean-up removes them later.
        payload = json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON: {exc.msg} (column {exc.colno})"
    if not isinstance(payload, dict):
        return None, f"not a JSON object (got {type(payload).__name__})"
    return payload, None


_COUNT_FIELDS = ("likes", "shares", "replies", "views", "reach")
_TEXT_FIELDS = ("url", "title", "lang", "parent_id", "source")


class MentionNormaliser(Normaliser):
    """Reads mentions written by ``Mention.to_dict()`` (JSONL exports, other ecoute runs)."""

    platform = "mention"

    def normalise(self, item: RawItem) -> Mention:
        """The mention the payload describes; ``MalformedItem`` says what is wrong."""
        payload = item.payload
        if not isinstance(payload, dict):
            raise MalformedItem(f"mention must be a JSON object, got {type(payload).__name__}")
        try:
            mention = Mention.from_dict(payload)
        except (ValueError, TypeError) as exc:
            raise MalformedItem(f"not a mention: {exc}") from None
        _check_types(mention)
        if not mention.source:
            mention.source = item.source
        return mention


def _check_types(mention: Mention) -> None:
    # from_dict checks presence, not types: a wrong type must be a reject, not a crash later.
    for name in ("id", "platform"):
        if not isinstance(getattr(mention, name), str):
            raise MalformedItem(f"field '{name}' must be a string")
    for name in _TEXT_FIELDS:
        value = getattr(mention, name)
        if value is not None and not isinstance(value, str):
            raise MalformedItem(f"field '{name}' must be a string, got {type(value).__name__}")
    for name in _COUNT_FIELDS:
        value = getattr(mention, name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise MalformedItem(f"field '{name}' must be an integer, got {type(value).__name__}")
    author = mention.author
    if not isinstance(author.handle, str):
        raise MalformedItem("field 'author.handle' must be a string")
    if author.followers is not None and (
        not isinstance(author.followers, int) or isinstance(author.followers, bool)
    ):
        raise MalformedItem("field 'author.followers' must be an integer")


register_sources, register_normalisers = source_hooks(JsonlSource, MentionNormaliser)
