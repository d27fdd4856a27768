"""The topic query language: parse, compile once, match and explain.

``Matcher({"Acme": "acme cloud OR @acme_support"}).match(Document(text))`` gives,
for each matched topic, every term that matched with its span, distance and kind.
The language is documented in ``docs/query-language.md``. Parsing is cheap to
import (the configuration checks queries with it); the matcher loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import MAX_DEPTH, MAX_EDITS, MAX_NEAR, MAX_QUERY_CHARS, MAX_TERMS, QueryError
from .parser import parse

if TYPE_CHECKING:
    from .document import Document
    from .matcher import Matcher, Result, compile_query

_LAZY = {
    "Document": "document",
    "Matcher": "matcher",
    "Result": "matcher",
    "compile_query": "matcher",
}

__all__ = [
    "MAX_DEPTH",
    "MAX_EDITS",
    "MAX_NEAR",
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "Document",
    "Matcher",
    "QueryError",
    "Result",
    "compile_query",
    "parse",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name]}", __name__)
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
