"""Untrusted text made safe to show: no escape sequences, controls, bidi or invisible marks.

Mention text, titles, author names and URLs come from strangers. They reach the
screen only as plain :class:`rich.text.Text` (never parsed as markup), after the
characters a terminal would act on are removed: escape sequences with their
parameters, C0/C1 controls, bidi embeddings, overrides and isolates, zero-width
and other invisible format characters. Removal keeps a map from old offsets to
new ones, so that highlight spans computed on the stored text still line up.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from rich.style import Style
from rich.text import Text

from ecoute.engine.cleanup import ESCAPE_SEQUENCE_PATTERN

# Escape sequences with their parameters (OSC/DCS/APC strings up to their
# terminator, CSI with its parameter bytes, two-byte ESC sequences), 8-bit C1
# introducers included; then any single unsafe character.
_UNSAFE = re.compile(
    ESCAPE_SEQUENCE_PATTERN
    + "|[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\ufff9-\ufffb"
    "\ud800-\udfff\U000e0000-\U000e007f]"
)
# Line breaks and tabs become spaces in one-line text (same length: no offset shift).
_ONE_LINE = str.maketrans({"\n": " ", "\t": " ", "\u2028": " ", "\u2029": " ", "\x85": " "})
_BLOCK = str.maketrans({"\t": " ", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"})


class OffsetMap:
    """Maps offsets in the original text to offsets in the cleaned text."""

    def __init__(self, cuts: Sequence[tuple[int, int]] = ()) -> None:
        # cuts: (start, end) of removed ranges in the original, in order.
        self._starts = [start for start, _ in cuts]
        self._ends = [end for _, end in cuts]
        removed = 0
        self._removed_before: list[int] = []
        for start, end in cuts:
            self._removed_before.append(removed)
            removed += end - start
        self._total = removed

    def __call__(self, offset: int) -> int:
        """The cleaned offset of original ``offset`` (inside a cut: where the cut was)."""
        index = bisect.bisect_right(self._starts, offset) - 1
        if index < 0:
            return offset
        start, end = self._starts[index], self._ends[index]
        if offset < end:
            return start - self._removed_before[index]
        return offset - self._removed_before[index] - (end - start)


def clean(text: str | None, *, one_line: bool = True) -> tuple[str, OffsetMap]:
    """``text`` without anything a terminal would act on, and its offset map.

    ``one_line`` turns line breaks into spaces; otherwise they are kept. Tabs
    become spaces either way; carriage returns go.
    """
    if not text:
        return "", OffsetMap()
    text = text.translate(_ONE_LINE if one_line else _BLOCK)
    if _UNSAFE.search(text) is None:
        return text, OffsetMap()
    cuts: list[tuple[int, int]] = []
    pieces: list[str] = []
    last = 0
    for match in _UNSAFE.finditer(text):
        pieces.append(text[last : match.start()])
        cuts.append((match.start(), match.end()))
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces), OffsetMap(cuts)


def safe_line(text: str | None, width: int | None = None) -> str:
    """One line of untrusted text, cleaned, cut to ``width`` characters with an ellipsis."""
    cleaned, _ = clean(text)
    cleaned = " ".join(cleaned.split()) if "  " in cleaned else cleaned.strip()
    if width is not None and len(cleaned) > width:
        cleaned = cleaned[: max(0, width - 1)] + "…"
    return cleaned


def safe_block(text: str | None) -> str:
    """Untrusted text over several lines, cleaned (blank lines kept, at most one in a row)."""
    cleaned, _ = clean(text, one_line=False)
    lines = [line.rstrip() for line in cleaned.split("\n")]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip("\n")


def plain(text: str | None, style: str | Style = "", *, width: int | None = None) -> Text:
    """A :class:`Text` of one cleaned line: never parsed as markup."""
    return Text(safe_line(text, width), style=style, no_wrap=width is not None, end="")


def highlighted(
    text: str,
    spans: Iterable[tuple[int, int, str | Style]],
    style: str | Style = "",
    *,
    end: str = "",
) -> Text:
    """A :class:`Text` of already-cleaned ``text`` with ``(start, end, style)`` spans applied."""
    result = Text(text, style=style, end=end)
    for span_start, span_end, span_style in spans:
        if 0 <= span_start < span_end <= len(text):
            result.stylize(span_style, span_start, span_end)
    return result
