"""What ``ecoute match`` writes: one JSON object per input line, saying what matched and why."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..records import TopicMatch
from .document import Document
from .matcher import Matcher

# JSON escapes C0 controls itself; these others could still steer a terminal
# (C1 controls such as CSI) or reorder what it shows (bidi and invisible format marks).
_UNSAFE = re.compile("[\u0080-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def safe_json(value: Any) -> str:
    """Compact JSON, readable Unicode, with every terminal-steering character escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def term_json(match: TopicMatch) -> dict[str, Any]:
    """One term match as ``ecoute match`` shows it."""
    return {
        "term": match.term,
        "found": match.found,
        "start": match.start,
        "end": match.end,
        "distance": match.distance,
        "kind": match.kind,
        "field": match.field,
    }


@dataclass(slots=True)
class LineProblem:
    """An input line that could not be read (``--jsonl``)."""

    line: int
    reason: str


def match_lines(
    matcher: Matcher,
    lines: Iterable[str],
    *,
    jsonl: bool = False,
    lang: str | None = None,
    problems: list[LineProblem] | None = None,
) -> Iterator[str]:
    """One JSON line per input line, in order.

    Plain lines are texts. With ``jsonl`` each line is an object with a ``text``
    (and optionally ``title``, ``lang``, ``platform``, ``author``, ``url``); its
    other fields pass through. A line that is not such an object gives
    ``{"error": ...}`` and is recorded in ``problems``.
    """
    for number, line in enumerate(lines, start=1):
        line = line.rstrip("\r\n")
        if not jsonl:
            result = matcher.explain(Document(line, lang=lang))
            terms = [term_json(m) for m in result.matches]
            yield safe_json({"matched": result.matched, "terms": terms})
            continue
        try:
            data, document = _read_jsonl(line, lang)
        except ValueError as exc:
            if problems is not None:
                problems.append(LineProblem(number, str(exc)))
            yield safe_json({"error": str(exc), "line": number})
            continue
        result = matcher.explain(document)
        data["matched"] = result.matched
        data["terms"] = [term_json(m) for m in result.matches]
        yield safe_json(data)


def _read_jsonl(line: str, lang: str | None) -> tuple[dict[str, Any], Document]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    text = data.get("text")
    if not isinstance(text, str):
        raise ValueError("no 'text' string field")
    author = data.get("author")
    handle, name = (author, None) if isinstance(author, str) else (None, None)
    if isinstance(author, dict):
        handle, name = author.get("handle"), author.get("name")
    document = Document(
        text=text,
        title=_text_or_none(data.get("title")),
        lang=_text_or_none(data.get("lang")) or lang,
        platform=_text_or_none(data.get("platform")),
        author=_text_or_none(handle),
        author_name=_text_or_none(name),
        url=_text_or_none(data.get("url")),
    )
    return data, document


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
