"""Untrusted text is cleaned for display, and highlight offsets survive the cleaning."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.text import Text

from ecoute.tui.safe_text import clean, highlighted, plain, safe_block, safe_line

HOSTILE = [
    "\x1b[2Jcleared",
    "\x1b]8;;http://evil.example\x07link\x1b]8;;\x07",
    "\x1b]0;title\x1b\\x",
    "\x9b31mred",
    "a\u202eevil\u202cb",
    "zero\u200bwidth\u2060join\ufeff",
    "bell\x07back\x08space\x00nul\x7f",
    "\u2066isolate\u2069",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_no_control_bidi_or_invisible_character_survives(text: str) -> None:
    cleaned, _ = clean(text)
    for char in cleaned:
        assert char.isprintable(), repr(cleaned)
        assert char not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    assert "\x1b" not in safe_block(text)


def test_escape_sequences_go_with_their_parameters() -> None:
    assert clean("\x1b[2Jcleared")[0] == "cleared"
    assert clean("\x1b]8;;http://evil.example\x07link\x1b]8;;\x07")[0] == "link"


def test_offsets_map_through_removed_characters() -> None:
    text = "ab\u200bcd\x1b[31mef"
    cleaned, offsets = clean(text)
    assert cleaned == "abcdef"
    start = text.index("ef")
    assert cleaned[offsets(start) : offsets(start + 2)] == "ef"
    assert offsets(2) == 2  # inside the cut: where it was
    assert offsets(0) == 0


def test_one_line_and_block_forms() -> None:
    assert safe_line("two\nlines\ttab") == "two lines tab"
    assert safe_line("x" * 50, 10) == "x" * 9 + "…"
    assert safe_block("a\r\nb\n\n\n\nc") == "a\nb\n\nc"


def test_markup_is_never_interpreted() -> None:
    console = Console(width=80, record=True, color_system=None, file=open("/dev/null", "w"))  # noqa: SIM115
    for text in ("[bold]loud[/bold]", "[link=http://evil.example]x[/link]", "[/]"):
        rendered = plain(text)
        assert isinstance(rendered, Text)
        assert rendered.plain == text
        assert not rendered.spans
        console.print(rendered)
    output = console.export_text()
    assert "[bold]loud[/bold]" in output and "[link=http://evil.example]x[/link]" in output


def test_highlighted_ignores_spans_out_of_range() -> None:
    text = highlighted("hello", [(0, 2, "bold"), (3, 99, "red"), (4, 2, "blue")])
    assert [(s.start, s.end) for s in text.spans] == [(0, 2)]
