"""The ``stdout`` sink: one readable line (or one JSON line) per mention on standard output."""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import unicodedata
from collections.abc import Callable, Sequence
from typing import TextIO

from ecoute.engine import (
    ComponentContext,
    Gone,
    Mention,
    Option,
    Sink,
    hookimpl,
    neutralise,
    neutralise_json,
)

_SENTIMENT = {"negative": "neg", "neutral": "neu", "positive": "pos"}
_SENTIMENT_COLOR = {"negative": "31", "neutral": "33", "positive": "32"}
_RESET = "\x1b[0m"


class StdoutSink(Sink):
    """Prints mentions as they are stored, for ``ecoute demo --headless`` and pipes.

    ``format = "line"`` writes ``time  platform  @author  lang  sentiment  text``
    cut to the terminal width; ``"jsonl"`` writes ``Mention.to_dict()`` without
    the raw payload. Text from mentions never reaches the terminal as control
    sequences. When the reader goes away (``| head``), writing stops quietly.
    Mentions are printed as soon as they are stored, even while the sentiment
    model is still loading (blank sentiment); those are printed again once scored.
    """

    type = "stdout"
    accepts_pending = True
    description = "Prints mentions on standard output, as lines or JSON."
    options = (
        Option("format", str, "line", help='"line" or "jsonl"', choices=("line", "jsonl")),
        Option(
            "color",
            str,
            "auto",
            help='"auto", "always" or "never"',
            choices=("auto", "always", "never"),
        ),
    )

    def __init__(self, context: ComponentContext) -> None:
        super().__init__(context)
        self.format = str(context.options.get("format") or "line")
        self.color = str(context.options.get("color") or "auto")
        self.broken_pipe = False

    def write(self, batch: Sequence[Mention]) -> None:
        """Print the batch and flush; does nothing once the reader has gone."""
        stream = sys.stdout  # looked up now: tests and the CLI may swap it
        if self.broken_pipe or not batch or stream is None:
            return
        if self.format == "jsonl":
            text = "".join(json_line(mention) for mention in batch)
        else:
            width = shutil.get_terminal_size((100, 24)).columns
            color = self._use_color(stream)
            text = "".join(format_line(mention, width, color=color) + "\n" for mention in batch)
        try:
            try:
                stream.write(text)
            except UnicodeEncodeError:
                # A terminal that cannot show some characters gets "?" instead of a crash.
                encoding = getattr(stream, "encoding", None) or "ascii"
                stream.write(text.encode(encoding, errors="replace").decode(encoding))
            stream.flush()
        except BrokenPipeError:
            self._reader_gone(stream)
            raise Gone("standard output was closed by its reader") from None

    def flush(self) -> None:
        """Flush standard output."""
        if not self.broken_pipe and sys.stdout is not None:
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                self._reader_gone(sys.stdout)

    def _use_color(self, stream: TextIO) -> bool:
        if self.color != "auto":
            return self.color == "always"
        if "NO_COLOR" in os.environ or os.environ.get("TERM") == "dumb":
            return False
        isatty = getattr(stream, "isatty", None)
        return bool(isatty and isatty())

    def _reader_gone(self, stream: TextIO) -> None:
        self.broken_pipe = True
        # Point the descriptor at /dev/null so that the interpreter's last flush at
        # exit does not fail again and print a traceback (see Python's SIGPIPE notes).
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            pass


def format_line(mention: Mention, width: int = 100, *, color: bool = False) -> str:
    """One mention on one line of at most ``width`` columns; its text made safe to print."""
    moment = mention.created_at.astimezone().strftime("%H:%M:%S")
    platform = f"{safe_text(mention.platform)[:10]:<10}"
    author = fit(f"@{safe_text(mention.author.handle)}", 17)
    author += " " * (17 - display_width(author))
    lang = f"{safe_text(mention.lang or '-')[:2]:<2}"
    label = mention.sentiment.label if mention.sentiment is not None else ""
    sentiment = f"{_SENTIMENT.get(label, '?'):<3}"[:3] if label else "   "
    topics = f"[{safe_text(','.join(mention.topic_names))}] " if mention.topics else ""
    body = safe_text(mention.text)
    if mention.title:
        body = f"{safe_text(mention.title)} — {body}"
    prefix = f"{moment}  {platform} {author} {lang}  {sentiment}  "
    rest = fit(topics + " ".join(body.split()), max(10, width - display_width(prefix)))
    if not color:
        return prefix + rest
    sentiment_color = _SENTIMENT_COLOR.get(label, "0")
    return (
        f"\x1b[2m{moment}{_RESET}  \x1b[36m{platform}{_RESET} \x1b[1m{author}{_RESET} {lang}  "
        f"\x1b[{sentiment_color}m{sentiment}{_RESET}  {rest}"
    )


def json_line(mention: Mention) -> str:
    """A mention as one JSON line (without its raw payload), safe for a terminal."""
    line = json.dumps(mention.to_dict(include_raw=False), ensure_ascii=False, default=str)
    return neutralise_json(line) + "\n"


def safe_text(text: object) -> str:
    """``text`` without anything a terminal would interpret; line breaks become spaces."""
    return neutralise(text)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide characters 2, combining marks 0."""
    if text.isascii():
        return len(text)
    return sum(_char_width(char) for char in text)


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns, ending with "…" when cut."""
    if display_width(text) <= width:
        return text
    used = 0
    for position, char in enumerate(text):
        used += _char_width(char)
        if used > width - 1:
            return text[:position] + "…"
    return text


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or char in "\u200d\ufe0f":
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


@hookimpl
def register_sinks(register: Callable[[type[Sink]], None]) -> None:
    """Register the ``stdout`` sink."""
    register(StdoutSink)
