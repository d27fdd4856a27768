"""The generic clean-up run after every normaliser: safe, normalised text and canonical URLs."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from .records import Author, Mention

# Cheap pre-checks first: most mentions are plain text and never reach the slow paths.
# Only known tag names count as markup, so that "x<y and y>z" stays text.
_TAGS = (
    "a|abbr|article|aside|b|blockquote|body|br|caption|center|cite|code|dd|del|details|div|dl|"
    "dt|em|figcaption|figure|font|footer|h[1-6]|head|header|hr|html|i|iframe|img|ins|li|link|"
    "main|mark|meta|nav|noscript|ol|p|picture|pre|q|s|section|small|source|span|strike|strong|"
    "style|sub|summary|sup|table|tbody|td|template|tfoot|th|thead|time|title|tr|u|ul|video"
)
_HTML_HINT = re.compile(
    rf"<(?:/?(?:{_TAGS})(?:\s[^<>]*)?/?|!--.*?--)>"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});",
    re.DOTALL | re.IGNORECASE,
)
# Terminal escape sequences, removed with their parameters: strings (OSC, DCS, SOS,
# PM, APC) up to their terminator, CSI with parameter and intermediate bytes, and
# the other ESC sequences. 8-bit C1 introducers (0x90, 0x9b, ...) are handled too.
ESCAPE_SEQUENCE_PATTERN = (
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
_ESCAPES = re.compile(ESCAPE_SEQUENCE_PATTERN)
_ESCAPE_STARTS = ("\x1b", "\x90", "\x98", "\x9b", "\x9d", "\x9e", "\x9f")
# C0/C1 controls (but \t and \n), soft hyphen, zero-width and invisible operators,
# bidi embeddings/overrides/isolates, line/paragraph separators, BOM, lone surrogates.
_SUSPECT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u200b\u200d\u2028\u2029\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]"
)
_REPLACEMENTS: dict[int, str | None] = {
    code: None for code in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]
}
_REPLACEMENTS.update({ord("\r"): "\n", 0x0B: " ", 0x0C: " ", 0x85: "\n", 0xAD: None})
_REPLACEMENTS.update({code: None for code in (0x200B, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064)})
_REPLACEMENTS.update({code: None for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
_REPLACEMENTS.update({0x2028: "\n", 0x2029: "\n", 0xFEFF: None})
_REPLACEMENTS.update({code: None for code in range(0xD800, 0xE000)})
# Emoji and pictographs, plus the variation selector and skin tones that may end one:
# a zero-width joiner between two of these is part of an emoji sequence (👩‍💻).
_EMOJI = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21ff\u2300-\u23ff\u24c2\u25a0-\u27bf"
    "\u2900-\u297f\u2b00-\u2bff\u3030\u303d\u3297\u3299\ufe0f\U0001f000-\U0001faff"
)
_STRAY_ZWJ = re.compile(f"(?<![{_EMOJI}])\u200d|\u200d(?![{_EMOJI}])")
# Every character ``str.isspace`` accepts except space and newline (a lone space or
# newline needs no work, and one character class is much faster than ``\s\s``).
_ODD_SPACE = re.compile(
    "[\t\x0b-\x0d\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
)

# URLs that are canonical already (the common case) skip urlsplit: lowercase ASCII host,
# no port, user info or fragment, a path, and a query with no tracking or empty pairs.
_PLAIN_URL = re.compile(
    r"https?://[a-z0-9][a-z0-9.-]*(/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*)(\?[A-Za-z0-9\-._~!$'()*+,;=:@%/?&]+)?"
)
_QUERY_WORK = re.compile(r"[?&](?:utm_|fbclid|gclid|igshid|mc_cid|mc_eid|ref_src|&|$)", re.I)
_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "igshid", "mc_cid", "mc_eid", "ref_src"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment, with line breaks where blocks end."""

    _BREAKS = frozenset({"br", "hr"})
    _BLOCKS = frozenset(
        {
            "p",
            "div",
            "li",
            "ul",
            "ol",
            "tr",
            "table",
            "blockquote",
            "pre",
            "section",
            "article",
            "header",
            "footer",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "dt",
            "dd",
        }
    )
    _HIDDEN = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a block (a line break), a hidden element or a ``<pre>``."""
        if tag in self._HIDDEN:
            self._hidden_depth += 1
        elif tag in self._BREAKS or tag in self._BLOCKS:
            self.parts.append("\n")
        if tag == "pre":
            self._pre_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """``<br/>`` and friends: a line break, nothing to close."""
        if tag in self._BREAKS or tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        """Close a block (a line break), a hidden element or a ``<pre>``."""
        if tag in self._HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        if tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)

    def handle_data(self, data: str) -> None:
        """Keep visible text; source line breaks are only spaces outside ``<pre>``."""
        if self._hidden_depth:
            return
        self.parts.append(data if self._pre_depth else data.replace("\n", " "))


def html_to_text(markup: str) -> str:
    """The visible text of an HTML fragment: entities decoded, scripts and styles dropped."""
    if _NEEDS_PARSER.search(markup) is None:
        return _simple_html_to_text(markup)
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return "".join(extractor.parts)


# Most feeds and posts hold plain inline markup (p, br, a, em, ...): a regex pass gives
# the same text as the parser several times faster. Anything that needs the parser's
# state (hidden elements, <pre>, comments, declarations) or could confuse a regex (a
# stray "<" or ">") takes the parser path.
_NEEDS_PARSER = re.compile(r"<[!?]|<(?:script|style|template|noscript|pre)\b", re.I)
_SIMPLE_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:\s[^<>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^<>\"']*)*)?/?>"
)


def _simple_html_to_text(markup: str) -> str:
    def tag(match: re.Match[str]) -> str:
        name = match.group(2).lower()
        closing = match.group(1) == "/"
        if name in _TextExtractor._BREAKS and not closing:
            return "\n"
        return "\n" if name in _TextExtractor._BLOCKS else ""

    text = _SIMPLE_TAG.sub(tag, markup.replace("\n", " "))
    if "<" in text or ">" in text:
        return _parse_html(markup)  # something the regex did not take for a tag
    return html.unescape(text) if "&" in text else text


def _parse_html(markup: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return "".join(extractor.parts)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` holds a tag or a character entity (``a < b & c`` does not)."""
    return ("<" in text or "&" in text) and _HTML_HINT.search(text) is not None


def clean_text(text: str) -> str:
    """Mention text made safe and comparable.

    HTML becomes text, terminal escape sequences and control, bidi and stray
    zero-width characters go, the text is NFC-normalised, spaces collapse and
    blank lines become single line breaks.
    """
    if not text:
        return ""
    if _plain(text):
        return text.strip()
    return _clean_text_fully(text)


def _plain(text: str) -> bool:
    """True when the full clean-up could only strip the ends.

    ``isprintable`` is false for every control, format (bidi, zero-width, soft
    hyphen), surrogate and non-space separator character, so printable NFC text
    without markup or runs of spaces has nothing else to remove or change.
    """
    return (
        text.isprintable()
        and "<" not in text
        and "&" not in text
        and "  " not in text
        and (text.isascii() or unicodedata.is_normalized("NFC", text))
    )


def _clean_text_fully(text: str) -> str:
    if looks_like_html(text):
        text = html_to_text(text)
    if _SUSPECT.search(text) is not None:
        if any(start in text for start in _ESCAPE_STARTS):
            text = _ESCAPES.sub("", text)
        if "\u200d" in text:
            text = _STRAY_ZWJ.sub("", text)
        text = text.translate(_REPLACEMENTS)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "  " in text or "\n" in text or _ODD_SPACE.search(text) is not None:
        # str.split() is the fastest way to collapse whitespace; every line-breaking
        # character but "\n" is gone or became "\n" above, so lines are lines.
        lines = (" ".join(line.split()) for line in text.split("\n"))
        text = "\n".join(line for line in lines if line)
    return text.strip()


def clean_line(text: str) -> str:
    """:func:`clean_text` on one line: titles, names and handles."""
    cleaned = clean_text(text)
    return cleaned.replace("\n", " ") if "\n" in cleaned else cleaned


def canonical_url(url: str) -> str | None:
    """The canonical form of an http(s) URL, or ``None`` when it is not one.

    Scheme and host are lowercased, default ports, user info, fragments and
    tracking parameters (``utm_*``, ``fbclid``, ...) dropped; other parameters
    keep their order and spelling.
    """
    plain = _PLAIN_URL.fullmatch(url)
    if plain is not None:
        query = plain.group(2)
        if query is None or _QUERY_WORK.search(query) is None:
            return url
    url = url.strip()
    if not url or _SUSPECT.search(url) is not None:
        return None
    if " " in url:
        url = url.replace(" ", "%20")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    query = parts.query
    if query:
        query = "&".join(
            pair for pair in query.split("&") if pair and not _is_tracking(pair.split("=", 1)[0])
        )
    return f"{scheme}://{host}{parts.path or '/'}{'?' + query if query else ''}"


def _is_tracking(key: str) -> bool:
    lowered = key.lower()
    return lowered.startswith("utm_") or lowered in _TRACKING_PARAMS


def clean_mention(mention: Mention) -> Mention:
    """Clean a normalised mention in place (text, title, author, URLs) and return it.

    Never raises: a field of the wrong type (a number for ``author.name``, a list
    for ``url``) is left as it is for the validation step to refuse in plain
    words, and a field whose clean-up fails keeps a neutralised copy of itself.
    """
    mention.text = _cleaned(mention.text, clean_text, "")
    mention.title = _cleaned(mention.title, clean_line, None)
    mention.url = _cleaned(mention.url, canonical_url, None)
    author = getattr(mention, "author", None)
    if isinstance(author, Author):
        author.handle = _cleaned(author.handle, clean_line, "")
        author.name = _cleaned(author.name, clean_line, None)
        author.url = _cleaned(author.url, canonical_url, None)
    return mention


def _cleaned(value: Any, clean: Callable[[str], str | None], empty: str | None) -> Any:
    """``clean(value)`` for a string (``empty`` when that leaves nothing), else ``value``."""
    if not isinstance(value, str):
        return value
    try:
        cleaned = clean(value)
    except Exception:  # a clean-up bug must never lose the mention or stop the batch
        cleaned = None if clean is canonical_url else neutralise(value)
    return cleaned or empty


def truncate_excerpt(value: Any, limit: int = 200) -> str:
    """A short, single-line, printable excerpt of a bad value, for reject logs.

    Strings are shown as they are (non-printable characters escaped), bytes
    (raw bodies, file lines) decoded as UTF-8, other values by their ``repr``;
    the result is at most ``limit`` characters.
    """
    if isinstance(value, bytes):
        # Decode only what can show: a body may be megabytes.
        value = value[: limit * 4].decode("utf-8", errors="replace").strip()
    text = value if isinstance(value, str) else repr(value)
    text = text[: limit + 1]
    if not text.isprintable():
        text = "".join(char if char.isprintable() else _escape(char) for char in text)
    if len(text) > limit:
        text = text[: max(0, limit - 1)] + "…"
    return text


def _escape(char: str) -> str:
    code = ord(char)
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


# Output safety: what every surface (table, CSV, JSON Lines, log line, error message)
# passes untrusted text through. Control (Cc), format (Cf: bidi, zero-width, soft
# hyphen, tags) and separator (Zl, Zp) characters never reach a terminal or a file raw.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_KEPT_FORMAT = "\u200d"  # the zero-width joiner inside emoji sequences (👩‍💻)
_FORMULA_STARTS = ("=", "+", "-", "@")
# JSON's own whitespace between tokens (``indent=2``); inside strings json.dumps escapes it.
_JSON_SPACE = frozenset("\n\t")


def _unsafe(char: str) -> bool:
    return char != _KEPT_FORMAT and unicodedata.category(char) in _UNSAFE_CATEGORIES


def neutralise(value: object, *, newlines: bool = False) -> str:
    """``value`` as text that is safe to print on a terminal, in a table cell or a log line.

    Terminal escape sequences go with their parameters (``ESC ] 52 ; ... BEL`` leaves
    nothing behind); every other control, bidi, zero-width and format character is
    dropped, a lone surrogate becomes U+FFFD, tabs become spaces and line breaks
    spaces too (or ``\\n`` with ``newlines``). Values that are not strings are shown
    with ``str()``. Never raises.
    """
    text = value if isinstance(value, str) else _as_text(value)
    if text.isprintable():
        return text
    if any(start in text for start in _ESCAPE_STARTS):
        text = _ESCAPES.sub("", text)
    if newlines and "\r" in text:
        text = text.replace("\r\n", "\n")
    parts: list[str] = []
    for char in text:
        if char.isprintable():
            parts.append(char)
        elif char in _LINE_BREAKS:
            parts.append("\n" if newlines else " ")
        elif char == "\t":
            parts.append(" ")
        elif unicodedata.category(char) == "Cs":
            parts.append("\ufffd")
        elif not _unsafe(char):
            parts.append(char)  # non-ASCII spaces, private use, unassigned
    return "".join(parts)


def neutralise_json(text: str) -> str:
    """JSON text with every control, bidi and format character written as a ``\\uXXXX`` escape.

    Nothing is lost (a reader gets the same strings back) and no raw control byte
    is written: C1 controls (U+009B is a CSI to many terminals), U+2028/U+2029,
    bidi overrides and lone surrogates are escaped like ``json.dumps`` escapes C0.
    ``text`` must be JSON (these characters can only occur inside its strings).
    """
    if text.isprintable():
        return text
    return "".join(
        _json_escape(char) if _unsafe(char) and char not in _JSON_SPACE else char for char in text
    )


def neutralise_cell(value: object) -> str:
    """:func:`neutralise` for a CSV cell, with spreadsheet formulas defused.

    A cell that starts with ``=``, ``+``, ``-`` or ``@`` (``=cmd|' /C calc'!A0``),
    leading spaces aside, is prefixed with ``'`` so that spreadsheets show it as text.
    """
    text = neutralise(value)
    # Spreadsheets skip leading spaces before they look for a formula.
    if text.lstrip().startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    high, low = divmod(code - 0x10000, 0x400)
    return f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"


def _as_text(value: object) -> str:
    try:
        return str(value)
    except Exception:  # a value whose str() fails is still shown as something
        return f"<{type(value).__name__}>"
