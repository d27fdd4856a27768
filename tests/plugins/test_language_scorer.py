"""The language scorer: script and common-word detection, never a confident wrong guess."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from ecoute.engine import ComponentContext, Mention
from ecoute.plugins.scorers.language import LanguageScorer, detect_language
from ecoute.plugins.sources.demo import DemoStream


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon AcmeCloud ne synchronise plus depuis ce matin, c'est pénible", "fr"),
        ("Pourquoi la synchro est cassée ?", "fr"),
        ("My sync is broken again, what is going on with it?", "en"),
        ("Acme Cloud не синхронизирует файлы на телефоне", "ru"),
        ("Привіт, як справи з синхронізацією? Все зламалося", "uk"),
        ("La sincronización no funciona desde ayer y es muy molesto", "es"),
        ("Die Synchronisierung ist wieder kaputt und ich bin sauer", "de"),
        ("クラウドの同期が壊れた", "ja"),
        ("Ο συγχρονισμός δεν λειτουργεί", "el"),
    ],
)
def test_detects_clear_cases(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "text", ["Acme Cloud", "#AcmeCloud 🔥🔥", "lol", "", "12345 !!!", "@acme_support"]
)
def test_unsure_texts_get_no_language(text: str) -> None:
    assert detect_language(text) is None


def _scorer(**options: object) -> LanguageScorer:
    defaults = {"override": False, "min_words": 2, **options}
    return LanguageScorer(ComponentContext("language", defaults, logging.getLogger("t")))


def _mention(text: str, lang: str | None) -> Mention:
    return Mention(
        id="x:1", platform="x", text=text, lang=lang, created_at=datetime(2026, 1, 1, tzinfo=UTC)
    )


def test_scorer_keeps_the_platform_language_unless_told_to_override() -> None:
    batch = [
        _mention("the sync is broken and I am not happy", "fr"),
        _mention("the sync is broken and I am not happy", None),
    ]
    results = _scorer().score(batch)
    assert results[0] is None
    assert results[1] is not None and results[1].lang == "en"
    overridden = _scorer(override=True).score(batch)
    assert [r.lang for r in overridden if r] == ["en", "en"]


def test_demo_stream_languages_are_recovered() -> None:
    stream = DemoStream(seed=3)
    decided = correct = total = 0
    for index in range(1500):
        content = stream.content(index)
        text = f"{content.get('headline') or ''} {content['body']}"
        if "🔁" in text or not content.get("lang"):
            continue  # quote-posts mix two languages; some platforms give no language
        total += 1
        guess = detect_language(text)
        if guess is not None:
            decided += 1
            correct += guess == content["lang"]
    assert decided / total >= 0.8  # most posts are long enough to decide
    assert correct / decided >= 0.97  # and a decision is almost never wrong
