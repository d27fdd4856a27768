"""Common words by language, so that a real word is never taken for a typo of a keyword.

``form`` is one edit away from ``from``, and ``status`` from ``stratus``: a word that is
itself frequent in the text's language does not fuzzy-match. The lists come from
`wordfreq <https://github.com/rspeer/wordfreq>`_ (its ``small`` lists), imported
lazily the first time a fuzzy candidate needs checking, folded like matched text,
and cached for the life of the process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import lru_cache

from .text import fold

# Zipf frequency 3 is one occurrence per million words: the whole of wordfreq's small
# lists. Only 36 of codespell's ~59,000 English misspellings within the typo
# threshold reach it ("goin", "doin"); a higher bar lets real words such as
# "limbs" or "stratum" pass as typos of keywords.
COMMON_ZIPF = 3.0
# Posts mix in English everywhere; a text without a known language is checked
# against the languages ecoute's users write most.
ALWAYS = ("en",)
UNKNOWN = ("en", "fr", "ru")

_lock = threading.Lock()


@lru_cache(maxsize=64)
def _language_words(lang: str) -> frozenset[str]:
    import wordfreq

    if lang not in wordfreq.available_languages(wordlist="small"):
        return frozenset()
    threshold = 10 ** (COMMON_ZIPF - 9.0)
    words = wordfreq.get_frequency_dict(lang, wordlist="small")
    return frozenset(fold(word) for word, frequency in words.items() if frequency >= threshold)


@lru_cache(maxsize=64)
def _words_for(langs: tuple[str, ...]) -> frozenset[str]:
    found: set[str] = set()
    for lang in langs:
        found |= _language_words(lang)
    return frozenset(found)


def languages_for(lang: str | None) -> tuple[str, ...]:
    """The word lists that apply to a text in ``lang`` (``None``: not known)."""
    if not lang:
        return UNKNOWN
    primary = lang.split("-", 1)[0].lower()
    return tuple(dict.fromkeys((primary, *ALWAYS)))


def common_words(lang: str | None) -> frozenset[str]:
    """Folded common words of a text in ``lang`` (loaded once, then cached)."""
    langs = languages_for(lang)
    with _lock:  # the scoring thread and a CLI thread may ask at the same time
        return _words_for(langs)


def is_common(word: str, lang: str | None = None) -> bool:
    """Whether ``word`` (any case or accents) is a common word of a text in ``lang``."""
    return fold(word) in common_words(lang)


def preload(langs: Iterable[str | None]) -> None:
    """Load the lists for these languages now (to keep the first batch fast)."""
    for lang in langs:
        common_words(lang)
