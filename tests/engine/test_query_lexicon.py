"""The lexicon's deletion index finds exactly what comparing every word would find."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from ecoute.engine.query.lexicon import Lexicon, WordSpec, default_max_edits

# A small alphabet makes near-misses (and so index collisions) frequent.
WORDS = st.text(alphabet="abcdeé", min_size=1, max_size=13)


@settings(max_examples=300, deadline=None)
@given(keywords=st.lists(WORDS, min_size=1, max_size=30), token=WORDS, forced=st.booleans())
def test_fuzzy_lookup_equals_brute_force(keywords: list[str], token: str, forced: bool) -> None:
    lexicon = Lexicon(cache_size=0)
    specs = {}
    for word in keywords:
        edits = max(default_max_edits(word), 1 if forced else 0)
        mode = "fuzzy" if edits else "exact"
        specs[lexicon.add(WordSpec(word, mode, edits))] = (word, edits)  # type: ignore[arg-type]
    found = dict(lexicon.lookup(token, token))
    expected = {
        word_id: OSA.distance(token, word)
        for word_id, (word, edits) in specs.items()
        if OSA.distance(token, word) <= edits and (len(token) > 1 or token == word)
    }  # a one-letter word is never a typo
    assert found == expected


def test_prefixes_and_raw_words() -> None:
    lexicon = Lexicon()
    prefix = lexicon.add(WordSpec("acme", "prefix"))
    raw = lexicon.add(WordSpec("Acme", "raw"))
    assert dict(lexicon.lookup("acmecloud", "AcmeCloud")) == {prefix: 0}
    assert dict(lexicon.lookup("acme", "Acme")) == {prefix: 0, raw: 0}
    assert dict(lexicon.lookup("acm", "acm")) == {}


def test_the_word_cache_is_bounded() -> None:
    lexicon = Lexicon(cache_size=10)
    lexicon.add(WordSpec("cloud", "fuzzy", 1))
    for number in range(100):
        width, hits = lexicon.chunk(f"clowd{number}!")
        assert width == 1 and hits == ()  # a word with digits is another word
        assert lexicon.cached_words <= 10
    width, hits = lexicon.chunk("#AcmeClowd,")
    assert width == 2
    assert [(h[1], h[4], h[5], h[6], h[7]) for h in hits] == [(1, 5, 10, "hashtag", "part")]


def test_a_common_text_word_is_searched_only_against_words_kept_fuzzy_on_common_words() -> None:
    lexicon = Lexicon()
    stratus = lexicon.add(WordSpec("stratus", "fuzzy", 1))
    cloud = lexicon.add(WordSpec("cloud", "fuzzy", 1))
    forced = lexicon.add(WordSpec("nimbus", "fuzzy", 1, force=True))
    assert dict(lexicon.lookup("status", "status")) == {stratus: 1}
    assert dict(lexicon.lookup("status", "status", common=True)) == {}
    lexicon.keep_fuzzy_on_common_words([cloud])  # a phrase word
    assert dict(lexicon.lookup("clou", "clou", common=True)) == {cloud: 1}
    assert dict(lexicon.lookup("limbus", "limbus", common=True)) == {forced: 1}
    assert dict(lexicon.lookup("cloud", "cloud", common=True)) == {cloud: 0}  # exact: always
