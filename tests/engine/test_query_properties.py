"""Properties of matching, checked on generated keywords and texts (hypothesis)."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ecoute.engine.query import Document, compile_query
from ecoute.engine.query.commonwords import is_common
from ecoute.engine.query.lexicon import default_max_edits

LATIN = string.ascii_lowercase + "éèêàçùôîäöüñœæß"
CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюяё"
FILLER = ["w1", "w2", "w3", "x9", "7up"]  # digits: never typo-matched

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

keywords = st.one_of(
    st.text(alphabet=LATIN, min_size=1, max_size=14),
    st.text(alphabet=CYRILLIC, min_size=1, max_size=14),
)


@st.composite
def any_case(draw: st.DrawFn, word: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(word), max_size=len(word)))
    return "".join(c.upper() if flip else c for c, flip in zip(word, flips, strict=True))


@PROPERTY
@given(data=st.data(), keyword=keywords, before=st.sampled_from(FILLER))
def test_a_keyword_always_matches_itself_in_any_case(
    data: st.DataObject, keyword: str, before: str
) -> None:
    written = data.draw(any_case(keyword))
    text = f"{before} {written}, {before}"
    result = compile_query(keyword).explain(Document(text))
    assert result.matched
    assert any(m.distance == 0 and m.start == len(before) + 1 for m in result.matches)


@PROPERTY
@given(data=st.data(), first=keywords, second=keywords)
def test_a_phrase_matches_itself_in_any_case_and_joined(
    data: st.DataObject, first: str, second: str
) -> None:
    matcher = compile_query(f'"{first} {second}"')
    spaced = data.draw(any_case(f"{first} {second}"))
    assert matcher.explain(Document(f"w1 {spaced} w2")).matched
    assert matcher.explain(Document(f"w1 #{first}{second} w2")).matched


@st.composite
def one_edit(draw: st.DrawFn) -> tuple[str, str]:
    keyword = draw(st.text(alphabet=string.ascii_lowercase, min_size=5, max_size=12))
    index = draw(st.integers(0, len(keyword) - 1))
    letter = draw(st.sampled_from(string.ascii_lowercase))
    operation = draw(st.sampled_from(["insert", "delete", "substitute", "swap"]))
    if operation == "insert":
        edited = keyword[:index] + letter + keyword[index:]
    elif operation == "delete":
        edited = keyword[:index] + keyword[index + 1 :]
    elif operation == "substitute":
        edited = keyword[:index] + letter + keyword[index + 1 :]
    else:
        assume(index + 1 < len(keyword))
        edited = keyword[:index] + keyword[index + 1] + keyword[index] + keyword[index + 2 :]
    return keyword, edited


@PROPERTY
@given(pair=one_edit(), lang=st.sampled_from(["en", "fr", "ru", None]))
def test_one_edit_matches_unless_it_makes_a_common_word(
    pair: tuple[str, str], lang: str | None
) -> None:
    keyword, edited = pair
    assert default_max_edits(keyword) >= 1
    result = compile_query(keyword).explain(Document(f"w1 {edited} w2", lang=lang))
    expected = edited == keyword or not is_common(edited, lang)
    assert result.matched == expected
    forced = compile_query(f"fuzzy:{keyword}").explain(Document(f"w1 {edited} w2", lang=lang))
    assert forced.matched


@PROPERTY
@given(
    positives=st.lists(
        st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=9), min_size=1, max_size=3
    ),
    excluded=st.text(alphabet=string.ascii_lowercase, min_size=3, max_size=9),
    words=st.lists(st.sampled_from(["P0", "P1", "P2", "X", *FILLER]), max_size=12),
    data=st.data(),
)
def test_nothing_matches_across_a_not(
    positives: list[str], excluded: str, words: list[str], data: st.DataObject
) -> None:
    chosen = {"X": excluded, **{f"P{i}": word for i, word in enumerate(positives)}}
    text = " ".join(data.draw(any_case(chosen.get(w, w))) for w in words)
    positive = " OR ".join(positives)
    document = Document(text)
    both = compile_query(f"({positive}) NOT {excluded}").explain(document)
    alone = compile_query(positive).explain(document)
    excluded_found = compile_query(excluded).explain(document).matched
    if excluded_found:
        assert not both.matched and both.matches == []
    else:
        assert both.matched == alone.matched
        assert both.matches == alone.matches
    if "X" in words:
        assert not both.matched


@PROPERTY
@given(text=st.text(max_size=200))
def test_any_text_is_matched_without_error_and_spans_point_at_what_was_found(text: str) -> None:
    matcher = compile_query('acme OR "acme cloud" OR #acmecloud OR @acme_support OR clo*')
    for match in matcher.explain(Document(text)).matches:
        assert text[match.start : match.end] == match.found
