"""The ``jsonl`` sink: appends mentions to a JSON Lines file, one ``Mention.to_dict()`` a line."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from ecoute.engine import ComponentContext, Mention, Option, Sink, hookimpl, neutralise_json


class JsonlSink(Sink):
    """Appends each mention as one line of JSON (UTF-8, not ASCII-escaped).

    The file and its folders are created when the first batch arrives; lines are
    buffered and pushed to the file on :meth:`flush` and :meth:`close`. The
    ``jsonl`` source reads such a file back with ``platform = "mention"``.
    Control, bidi and format characters are written as ``\\uXXXX`` escapes, so
    that ``cat`` or ``tail -f`` on the file cannot drive a terminal.
    """

    type = "jsonl"
    description = "Appends mentions to a JSON Lines file."
    options = (
        Option("path", str, required=True, help="the JSON Lines file to append to"),
        Option("include_raw", bool, False, help="also write each platform's raw payload"),
    )

    def __init__(self, context: ComponentContext) -> None:
        super().__init__(context)
        self.path = Path(str(context.options["path"])).expanduser()
        self.include_raw = bool(context.options.get("include_raw", False))
        self._file: IO[str] | None = None

    def write(self, batch: Sequence[Mention]) -> None:
        """Append the batch, one line per mention."""
        if not batch:
            return
        lines = [self.encode(mention) for mention in batch]
        self._open().write("".join(lines))

    def encode(self, mention: Mention) -> str:
        """One mention as a JSON line, newline included."""
        line = json.dumps(
            mention.to_dict(include_raw=self.include_raw), ensure_ascii=False, default=_jsonable
        )
        # Escaped, not dropped: the strings read back the same, but no raw C1 control,
        # bidi override or U+2028 (which some readers take for a line break) is written,
        # and a lone surrogate can no longer fail the UTF-8 write.
        return neutralise_json(line) + "\n"

    def flush(self) -> None:
        """Push buffered lines to the file."""
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        """Flush and close the file; a later write opens it again."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def _open(self) -> IO[str]:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            ends_cleanly = _ends_with_newline(self.path)
            self._file = self.path.open("a", encoding="utf-8", newline="\n")
            if not ends_cleanly:
                # A line cut short by a crash stays a bad line of its own instead of
                # swallowing the first line written now.
                self._file.write("\n")
        return self._file


def _ends_with_newline(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            file.seek(0, 2)
            if file.tell() == 0:
                return True
            file.seek(-1, 2)
            return file.read(1) == b"\n"
    except FileNotFoundError:
        return True


def _jsonable(value: Any) -> Any:
    # Raw payloads and extras may hold values JSON has no type for.
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


@hookimpl
def register_sinks(register: Callable[[type[Sink]], None]) -> None:
    """Register the ``jsonl`` sink."""
    register(JsonlSink)
