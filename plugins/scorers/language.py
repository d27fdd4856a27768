"""The ``language`` scorer: detects a mention's language when its platform did not say.

Script first (Cyrillic, Greek, Arabic, CJK, ...), then, for Latin text, common-word
and letter evidence for the languages our users write most. It answers only when
the evidence is clear; an unsure guess leaves ``lang`` empty rather than wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence

from ecoute.engine import Annotations, Mention, Option, Scorer, hookimpl

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)

# Short, frequent function words: they make up a large share of any sentence and
# rarely belong to another language's list.
_COMMON_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the and is are was were of to in that it for on with as this be have has not "
        "but they you my your what how why can do does did just from at so if or will "
        "would there their about been who when which all an our we me he she them its "
        "i'm it's don't can't".split()
    ),
    "fr": frozenset(
        "le la les des est et un une du de que qui pas pour dans sur avec ce cette ces "
        "mon ma mes ton ta vous nous ils elle il je tu sont être avoir plus mais ou où "
        "comment pourquoi c'est j'ai n'est aussi très tout bien au aux en ne se sa son "
        "leur y a été fait".split()
    ),
    "es": frozenset(
        "el la los las es y un una de que en por para con no se su al lo como pero más "
        "muy está están también porque cuando qué mi yo tu hay fue son ser".split()
    ),
    "de": frozenset(
        "der die das und ist nicht ein eine zu den mit von auf für sich im dem des auch "
        "es wie bei wir ich sie er aber noch nach wenn kann nur oder sind war hat".split()
    ),
    "it": frozenset(
        "il lo la gli le di che è e un una per non con su del della sono come ma anche "
        "più questo questa mi ti ci io tu lui lei noi nel alla perché".split()
    ),
    "pt": frozenset(
        "o a os as de que e um uma do da em para com não se por mais como mas foi ao "
        "dos das isso está são também muito meu minha você eu ele ela".split()
    ),
    "nl": frozenset(
        "de het een en van is dat op te in niet met voor zijn die er ook maar als bij "
        "nog wel heb ik je we hij zij dit wat".split()
    ),
}
_LETTER_HINTS: dict[str, str] = {
    "fr": "éèêàùâîôûçëœ",
    "es": "ñ¿¡áíóú",
    "de": "äöüß",
    "pt": "ãõç",
}
_UKRAINIAN = set("іїєґІЇЄҐ")
_SCRIPTS: tuple[tuple[str, str], ...] = (
    ("CYRILLIC", "ru"),
    ("GREEK", "el"),
    ("ARABIC", "ar"),
    ("HEBREW", "he"),
    ("HANGUL", "ko"),
    ("HIRAGANA", "ja"),
    ("KATAKANA", "ja"),
    ("CJK", "zh"),
    ("THAI", "th"),
    ("DEVANAGARI", "hi"),
)


def detect_language(text: str, *, min_words: int = 2) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or None when unsure."""
    scripts: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            scripts[next((code for key, code in _SCRIPTS if name.startswith(key)), "latin")] += 1
    if not scripts:
        return None
    script, count = scripts.most_common(1)[0]
    if "ja" in scripts and script == "zh":
        script = "ja"  # Japanese mixes kana with kanji
    if script == "ru":
        return "uk" if any(char in _UKRAINIAN for char in text) else "ru"
    if script != "latin":
        return script if count >= 2 else None
    return _latin_language(text.lower(), min_words)


def _latin_language(lowered: str, min_words: int) -> str | None:
    words = [w.replace("’", "'") for w in _WORD.findall(lowered)]
    scores: dict[str, float] = {}
    for word in words:
        for lang, common in _COMMON_WORDS.items():
            if word in common:
                scores[lang] = scores.get(lang, 0.0) + 1
    for lang, letters in _LETTER_HINTS.items():
        hits = sum(lowered.count(letter) for letter in letters)
        if hits:
            scores[lang] = scores.get(lang, 0.0) + min(hits, 3) * 0.5
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:2]
    best, best_score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if best_score < min_words or best_score < 1.5 * runner_up:
        return None
    return best


class LanguageScorer(Scorer):
    """Fills ``lang`` for mentions that arrive without one."""

    name = "language"
    order = 5
    options = (
        Option("override", bool, False, help="replace the platform's language too"),
        Option("min_words", int, 2, minimum=1, help="common words needed to decide"),
    )
    description = "detects the language of mentions that lack one"

    def score(self, batch: Sequence[Mention]) -> list[Annotations | None]:
        override = self.context.options["override"]
        min_words = self.context.options["min_words"]
        results: list[Annotations | None] = []
        for mention in batch:
            if mention.lang and not override:
                results.append(None)
                continue
            text = f"{mention.title or ''} {mention.text}"
            lang = detect_language(text, min_words=min_words)
            results.append(Annotations(lang=lang) if lang else None)
        return results


@hookimpl
def register_scorers(register: Callable[[type[Scorer]], None]) -> None:
    """Give ecoute the language scorer."""
    register(LanguageScorer)
