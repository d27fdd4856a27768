"""Matching semantics, table-driven: English, French and Russian, tags, handles, NEAR, fields."""

from __future__ import annotations

from typing import Any

import pytest

from ecoute.engine.query import Document, Matcher, compile_query

Found = list[tuple[str, str, int, str]]


def found(query: str, text: str, lang: str | None = None, **fields: Any) -> Found | None:
    """(term, found, distance, kind) of each match, or None when the query does not match."""
    result = compile_query(query).explain(Document(text, lang=lang, **fields))
    for match in result.matches:  # every span points at what was found
        source = {"text": text, "title": fields.get("title")}.get(match.field)
        if source is not None:
            assert source[match.start : match.end] == match.found
    if not result.matched:
        assert result.matches == []
        return None
    return [(m.term, m.found, m.distance, m.kind) for m in result.matches]


ENGLISH = [
    ("acme", "I love Acme!", [("acme", "Acme", 0, "exact")]),
    (
        "acme",
        "ACME rocks and acme too",
        [("acme", "ACME", 0, "exact"), ("acme", "acme", 0, "exact")],
    ),
    ("acme", "acne cream", None),  # 4 letters: no typo allowed
    ("acme", "acmes", None),
    ("cloud", "acme clowd rocks", [("cloud", "clowd", 1, "fuzzy")]),
    ("cloud", "acme coud", [("cloud", "coud", 1, "fuzzy")]),
    ("cloud", "acme clouds", None),  # a common word, even as a plural: write cloud*
    ("cloud*", "acme clouds", [("cloud*", "clouds", 0, "wildcard")]),
    ("cloud", "acme cloudd", [("cloud", "cloudd", 1, "fuzzy")]),
    ("cloud", "acme cluod", [("cloud", "cluod", 1, "fuzzy")]),  # a swap is one edit
    ("cloud", "acme colud", [("cloud", "colud", 1, "fuzzy")]),
    ("cloud", "acme cluodd", None),  # two edits on five letters
    ("stratus", "strattus box", [("stratus", "strattus", 1, "fuzzy")]),
    ("stratus", "startus box", [("stratus", "startus", 1, "fuzzy")]),
    ("stratus", "the status page", None),  # a common word is never a typo
    ("nimbusdrive", "nimbsdrve backup", [("nimbusdrive", "nimbsdrve", 2, "fuzzy")]),
    ("nimbusdrive", "nmbsdrve backup", None),  # three edits
    ("from", "fill in the form", None),
    ("iphone15", "my iphone14", None),  # words with digits are exact
    ("iphone15", "my iPhone15", [("iphone15", "iPhone15", 0, "exact")]),
]

FRENCH = [
    ("café", "Un CAFÉ et un cafe", [("café", "CAFÉ", 0, "exact"), ("café", "cafe", 0, "exact")]),
    ("cafe", "le café du coin", [("cafe", "café", 0, "exact")]),
    (
        "synchronisation",
        "la synchronisaton est cassée",
        [
            ("synchronisation", "synchronisaton", 1, "fuzzy"),
        ],
    ),
    ("cloud", "mon Acme Clou est en panne", None),  # "clou" is a French word
    ('"acme cloud"', "mon Acme Clou est en panne", [('"acme cloud"', "Acme Clou", 1, "phrase")]),
    ("l'application", "J’adore l’application", [("l'application", "l’application", 0, "phrase")]),
    ("œuvre", "une oeuvre d'art", [("œuvre", "oeuvre", 0, "exact")]),
    ("panne", "encore une pane", None),  # five letters, but "pane" is common
]

RUSSIAN = [
    ("сбербанк", "СБЕРБАНК опять лежит", [("сбербанк", "СБЕРБАНК", 0, "exact")]),
    ("сбербанк", "Сбербанкк опять лежит", [("сбербанк", "Сбербанкк", 1, "fuzzy")]),
    ("сбербанк", "Сбрбнк опять лежит", [("сбербанк", "Сбрбнк", 2, "fuzzy")]),
    ("ёжик", "ежик в тумане", [("ёжик", "ежик", 0, "exact")]),
    ('"акме клауд"', "Пользуюсь Акме Клауд", [('"акме клауд"', "Акме Клауд", 0, "phrase")]),
    ('"акме клауд*"', "Пользуюсь Акме Клаудом", [('"акме клауд*"', "Акме Клаудом", 0, "phrase")]),
    ("клауд*", "акмеклаудом", None),  # a prefix matches from the start of a word
    (
        "синхронизация",
        "синхронизацыя сломалась",
        [
            ("синхронизация", "синхронизацыя", 1, "fuzzy"),
        ],
    ),
    ("облако", "облоко", [("облако", "облоко", 1, "fuzzy")]),
]

TAGS_AND_HANDLES = [
    ('"acme cloud"', "love #AcmeCloud", [('"acme cloud"', "#AcmeCloud", 0, "hashtag")]),
    ('"acme cloud"', "love #acmecloud", [('"acme cloud"', "#acmecloud", 0, "hashtag")]),
    ('"acme cloud"', "love AcmeCloud", [('"acme cloud"', "AcmeCloud", 0, "phrase")]),
    ('"acme cloud"', "love acmecloud", [('"acme cloud"', "acmecloud", 0, "phrase")]),
    ('"acme cloud"', "love akmecloud", [('"acme cloud"', "akmecloud", 1, "phrase")]),
    ("AcmeCloud", "acme cloud is down", [("AcmeCloud", "acme cloud", 0, "phrase")]),
    ("acme", "thanks @acme_support", [("acme", "acme", 0, "handle")]),
    ("acme", "#AcmeCloud is down", [("acme", "Acme", 0, "hashtag")]),
    ("#acmecloud", "#AcmeCloud and acmecloud", [("#acmecloud", "#AcmeCloud", 0, "hashtag")]),
    ("#acmecloud", "acmecloud only", None),
    ("#acmecloud", "#AcmeClowd is down", [("#acmecloud", "#AcmeClowd", 1, "hashtag")]),
    ("@acme_support", "ping @Acme_Support now", [("@acme_support", "@Acme_Support", 0, "handle")]),
    ("@acme_support", "ping @acme_suport now", None),  # another account
    ("@acme_support", "acme_support without the at", None),
    ("@jdupont", "cc @jdupont@mastodon.example", [("@jdupont", "@jdupont", 0, "handle")]),
    ("acme", "write to bob@acme.example", [("acme", "acme", 0, "exact")]),
    ('"acme support"', "@acme_support", [('"acme support"', "@acme_support", 0, "handle")]),
]

OPERATORS = [
    ("acme NOT acne", "acme and acne", None),
    ("acme NOT acne", "acme cloud", [("acme", "acme", 0, "exact")]),
    ("acme -acne", "acme acne", None),
    ("(acme OR nimbus) -spam", "nimbus news", [("nimbus", "nimbus", 0, "exact")]),
    (
        "acme OR nimbus",
        "acme vs nimbus",
        [("acme", "acme", 0, "exact"), ("nimbus", "nimbus", 0, "exact")],
    ),
    ("acme nimbus", "acme vs stratus", None),
    (
        "acme NEAR/2 outage",
        "acme had an outage",
        [("acme", "acme", 0, "exact"), ("outage", "outage", 0, "exact")],
    ),
    ("acme NEAR/1 outage", "acme had an outage", None),
    (
        "acme NEAR/2 outage",
        "outage hit acme",
        [("outage", "outage", 0, "exact"), ("acme", "acme", 0, "exact")],
    ),
    ("acme ONEAR/2 outage", "outage hit acme", None),
    (
        "acme ONEAR/0 outage",
        "acme outage",
        [("acme", "acme", 0, "exact"), ("outage", "outage", 0, "exact")],
    ),
    (
        '"acme cloud" NEAR/1 down',
        "acme cloud is down",
        [
            ('"acme cloud"', "acme cloud", 0, "phrase"),
            ("down", "down", 0, "exact"),
        ],
    ),
    (
        "(acme OR nimbus) NEAR/0 (down OR outage)",
        "nimbus outage",
        [
            ("nimbus", "nimbus", 0, "exact"),
            ("outage", "outage", 0, "exact"),
        ],
    ),
    (
        "acme NEAR/3 outage",
        "acme is great.\n\nOutage",
        [("acme", "acme", 0, "exact"), ("outage", "Outage", 0, "exact")],
    ),
    (
        "acme*",
        "AcmeCorp and acmecloud",
        [("acme*", "AcmeCorp", 0, "wildcard"), ("acme*", "acmecloud", 0, "wildcard")],
    ),
    ("acme*", "acm", None),
    ("raw:Acme", "acme ACME Acme", [("raw:Acme", "Acme", 0, "exact")]),
    ("raw:Acme", "acme ACME", None),
    (
        'raw:"Acme Cloud"',
        "acme cloud, Acme Cloud",
        [('raw:"Acme Cloud"', "Acme Cloud", 0, "phrase")],
    ),
    ("acme~1", "akme", [("acme~1", "akme", 1, "fuzzy")]),
    ("cloud~0", "clowd", None),
    ("stratus~2", "sratsu", [("stratus~2", "sratsu", 2, "fuzzy")]),
    ("fuzzy:stratus", "the status page", [("fuzzy:stratus", "status", 1, "fuzzy")]),
    ("fuzzy:acme", "acne cream", [("fuzzy:acme", "acne", 1, "fuzzy")]),
    ('"acme cloud"~0', "acme clowd", None),
    ("acme <<< the brand, not the cartoon >>> -cartoon", "acme", [("acme", "acme", 0, "exact")]),
]


@pytest.mark.parametrize(("query", "text", "expected"), ENGLISH)
def test_english(query: str, text: str, expected: Found | None) -> None:
    assert found(query, text, lang="en") == expected


@pytest.mark.parametrize(("query", "text", "expected"), FRENCH)
def test_french(query: str, text: str, expected: Found | None) -> None:
    assert found(query, text, lang="fr") == expected


@pytest.mark.parametrize(("query", "text", "expected"), RUSSIAN)
def test_russian(query: str, text: str, expected: Found | None) -> None:
    assert found(query, text, lang="ru") == expected


@pytest.mark.parametrize(("query", "text", "expected"), TAGS_AND_HANDLES)
def test_hashtags_and_handles(query: str, text: str, expected: Found | None) -> None:
    assert found(query, text) == expected


@pytest.mark.parametrize(("query", "text", "expected"), OPERATORS)
def test_operators_overrides_and_wildcards(query: str, text: str, expected: Found | None) -> None:
    assert found(query, text, lang="en") == expected


def test_the_common_word_guard_follows_the_text_language() -> None:
    # "clou" is common in French, not in English; "panne" ... "pane" common in English.
    assert found("cloud", "Acme Clou", lang="en") == [("cloud", "Clou", 1, "fuzzy")]
    assert found("cloud", "Acme Clou", lang="fr") is None
    assert found("cloud", "Acme Clou", lang=None) is None  # unknown: en, fr and ru lists
    assert found("cloud", "Acme Clou", lang="fr-CA") is None


@pytest.mark.parametrize(
    ("query", "fields", "expected"),
    [
        ("platform:reddit", {"platform": "reddit"}, [("platform:reddit", "reddit", 0, "field")]),
        ("platform:reddit", {"platform": "mastodon"}, None),
        (
            "lang:fr acme",
            {"lang": "fr-CA", "title": "acme"},
            [
                ("acme", "acme", 0, "exact"),
                ("lang:fr", "fr-CA", 0, "field"),
            ],
        ),
        ("lang:fr acme", {"lang": "en", "title": "acme"}, None),
        (
            "author:jdupont",
            {"author": "JDupont@mastodon.example"},
            [
                ("author:jdupont", "JDupont@mastodon.example", 0, "field"),
            ],
        ),
        ("author:@jdupont", {"author": "jdupont"}, [("author:@jdupont", "jdupont", 0, "field")]),
        (
            'author:"Jean Dupont"',
            {"author": "jd", "author_name": "Jean Dupont"},
            [
                ('author:"Jean Dupont"', "Jean Dupont", 0, "field"),
            ],
        ),
        (
            "author:acme*",
            {"author": "acme_support"},
            [("author:acme*", "acme_support", 0, "field")],
        ),
        (
            "site:acme-cloud.example",
            {"url": "https://blog.acme-cloud.example/post/1"},
            [
                ("site:acme-cloud.example", "blog.acme-cloud.example", 0, "field"),
            ],
        ),
        ("site:acme-cloud.example", {"url": "https://notacme-cloud.example/x"}, None),
        ("title:acme", {"title": "Acme raises prices"}, [("title:acme", "Acme", 0, "exact")]),
        ("text:acme", {"title": "Acme raises prices"}, None),
        ("acme", {"title": "Acme raises prices"}, [("acme", "Acme", 0, "exact")]),
        (
            "platform:(reddit OR forum) acme",
            {"platform": "forum", "title": "acme"},
            [
                ("acme", "acme", 0, "exact"),
                ("platform:(reddit OR forum)", "forum", 0, "field"),
            ],
        ),
    ],
)
def test_fields(query: str, fields: dict[str, str], expected: Found | None) -> None:
    result = found(query, "nothing to see here", **fields)
    if expected is None:
        assert result is None
    else:
        assert result is not None
        assert sorted(result) == sorted(
            (term.replace("platform:(reddit OR forum)", "platform:forum"), f, d, k)
            for term, f, d, k in expected
        )


def test_site_matches_links_in_the_text_and_their_span() -> None:
    text = "read https://www.acme-cloud.example/blog?utm_source=x now"
    result = compile_query("site:acme-cloud.example").explain(Document(text))
    assert result.matched
    (match,) = result.matches
    assert match.found == "https://www.acme-cloud.example/blog?utm_source=x"
    assert text[match.start : match.end] == match.found and match.field == "text"


def test_words_inside_links_are_not_matched() -> None:
    assert found("utm", "see https://acme.example/?utm=1") is None
    assert found("acme", "see https://acme.example/") is None


def test_title_matches_report_the_title_field() -> None:
    result = compile_query("acme").explain(Document("no", title="About Acme"))
    assert [(m.field, m.found, m.start) for m in result.matches] == [("title", "Acme", 6)]


def test_several_topics_are_matched_together_in_topic_order() -> None:
    matcher = Matcher(
        {"Acme": '"acme cloud" OR @acme_support', "Nimbus": "nimbus*", "None": "stratus"}
    )
    document = Document("@acme_support nimbusdrive beats Acme Cloud")
    results = matcher.match(document)
    assert list(results) == ["Acme", "Nimbus"]
    assert [(m.topic, m.term, m.found) for m in results["Acme"]] == [
        ("Acme", "@acme_support", "@acme_support"),
        ("Acme", '"acme cloud"', "Acme Cloud"),
    ]
    assert [m.found for m in results["Nimbus"]] == ["nimbusdrive"]
    assert matcher.match(Document("nothing here")) == {}


def test_the_token_cache_is_bounded_and_gives_the_same_answers() -> None:
    query = '"acme cloud" OR nimbus'
    uncached = Matcher([("q", query)], cache_size=0)
    texts = [f"word{i} acme cloud filler{i} nimbuss w{i % 3}" for i in range(60)]
    for size in (1, 2, 8):  # tiny caches forget chunks while a text is being read
        cached = Matcher([("q", query)], cache_size=size)
        for text in texts:
            assert cached.match(Document(text)) == uncached.match(Document(text))
            assert cached.cached_chunks <= size and cached.lexicon.cached_words <= 2 * size
    assert uncached.cached_chunks == 0 and uncached.lexicon.cached_words == 0


def test_a_ten_thousand_term_query_matches_only_what_it_holds() -> None:
    words = [f"brand{i:05d}x" for i in range(10_000)]
    matcher = compile_query(" OR ".join(words))
    result = matcher.explain(Document("we tried brand04321x and brnd07777x today"))
    assert [(m.term, m.distance) for m in result.matches] == [
        ("brand04321x", 0),
    ]  # digits: exact only
    assert not matcher.explain(Document("brand04321 alone")).matched
