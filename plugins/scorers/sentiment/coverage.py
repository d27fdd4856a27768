"""Which mentions a sentiment model covers: by declared language, and by writing system.

A model trained on Latin and Arabic script tweets knows nothing of Cyrillic or
Devanagari text, whatever language tag the text carries (UMSAB's Hindi, for one,
is romanised). Both checks have to pass for a prediction to count as covered.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from collections.abc import Collection

# Unicode name prefixes that several scripts share a name for.
_SCRIPT_ALIASES = {"CJK": "HAN", "FULLWIDTH": "LATIN", "HALFWIDTH": "KATAKANA"}


def primary_language(lang: str | None) -> str:
    """``"pt-BR"`` -> ``"pt"``; ``None`` or ``""`` -> ``""``."""
    if not lang:
        return ""
    return lang.replace("_", "-").split("-", 1)[0].strip().lower()


def dominant_script(text: str) -> str | None:
    """The script most letters of ``text`` are written in (``"LATIN"``), None without letters."""
    if text.isascii():
        return "LATIN" if any(char.isalpha() for char in text) else None
    counts = Counter(map(_script_of, text))
    counts.pop(None, None)
    if not counts:
        return None
    return counts.most_common(1)[0][0]


@functools.lru_cache(maxsize=8192)
def _script_of(char: str) -> str | None:
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    if not name:
        return None
    first = name.split(" ", 1)[0]
    return _SCRIPT_ALIASES.get(first, first)


def is_covered(
    text: str, lang: str | None, languages: Collection[str], scripts: Collection[str]
) -> bool:
    """Whether a model covering ``languages`` and ``scripts`` can be trusted on this text.

    An empty collection means "not declared" and does not restrict. A mention whose
    language is unknown is judged by its script alone.
    """
    code = primary_language(lang)
    if languages and code and code not in languages:
        return False
    if scripts:
        script = dominant_script(text)
        if script is not None and script not in scripts:
            return False
    return True
