"""Tests of the generic clean-up: HTML, Unicode, control sequences, whitespace and URLs."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoute.engine import Author, Mention
from ecoute.engine.cleanup import (
    canonical_url,
    clean_line,
    clean_mention,
    clean_text,
    looks_like_html,
    truncate_excerpt,
)

BIDI_CONTROLS = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}


def is_forbidden(char: str) -> bool:
    """A C0/C1 control other than newline and tab, or a bidi control."""
    code = ord(char)
    if char in "\n\t":
        return False
    return code < 0x20 or 0x7F <= code < 0xA0 or char in BIDI_CONTROLS


# -- HTML ---------------------------------------------------------------------


def test_html_paragraphs_and_breaks_become_lines() -> None:
    text = "<p>Mon <b>Acme Cloud</b> ne marche plus</p><p>Aidez-moi<br>svp</p>"
    assert clean_text(text) == "Mon Acme Cloud ne marche plus\nAidez-moi\nsvp"


def test_html_entities_are_decoded() -> None:
    assert clean_text("<p>Tom &amp; Jerry&nbsp;: &laquo;&#x41;cme&raquo; &#233;t&eacute;</p>") == (
        "Tom & Jerry : «Acme» été"
    )


def test_entities_alone_are_enough_to_decode() -> None:
    assert clean_text("R&amp;D at Acme Cloud") == "R&D at Acme Cloud"


def test_script_style_and_comments_are_dropped() -> None:
    text = "<style>p{color:red}</style><p>visible</p><script>alert('x')</script><!-- hidden -->end"
    assert clean_text(text) == "visible\nend"


def test_source_newlines_in_html_are_spaces() -> None:
    assert clean_text("<p>one\ntwo</p>\n<p>three</p>") == "one two\nthree"


@pytest.mark.parametrize("text", ["a < b & c", "I <3 Acme Cloud", "x<y and y>z", "AT&T rocks"])
def test_plain_text_with_angle_brackets_is_not_parsed(text: str) -> None:
    assert not looks_like_html(text)
    assert clean_text(text) == text


# -- Unicode and control characters -------------------------------------------


def test_nfc_normalisation() -> None:
    decomposed = "e\u0301te\u0301 a\u0300 Montre\u0301al"
    cleaned = clean_text(decomposed)
    assert cleaned == "été à Montréal"
    assert unicodedata.is_normalized("NFC", cleaned)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("clear\x1b[2Jscreen", "clearscreen"),
        ("\x1b[1;31mred\x1b[0m text", "red text"),
        ("link \x1b]8;;http://x\x07label\x1b]8;;\x07 end", "link label end"),
        ("title \x1b]0;pwned\x1b\\ ok", "title ok"),
        ("8-bit \x9b31mcsi", "8-bit csi"),
        ("charset \x1b(B switch", "charset switch"),
        ("trailing escape\x1b", "trailing escape"),
        ("bell\x07 and nul\x00 and del\x7f", "bell and nul and del"),
    ],
)
def test_terminal_sequences_are_removed_with_their_parameters(text: str, expected: str) -> None:
    assert clean_text(text) == expected


def test_bidi_overrides_and_isolates_are_removed() -> None:
    assert clean_text("file\u202egnp.exe \u2066x\u2069 \u202aa\u202c") == "filegnp.exe x a"


def test_right_to_left_marks_are_kept() -> None:
    assert clean_text("שלום\u200f Acme") == "שלום\u200f Acme"


def test_zero_width_characters() -> None:
    assert clean_text("Ac\u200bme\ufeff Clo\u2060ud") == "Acme Cloud"
    family = "👨\u200d👩\u200d👧"
    assert clean_text(f"team {family}!") == f"team {family}!"
    assert clean_text("Acme\u200dCloud") == "AcmeCloud"
    assert clean_text("🏳\ufe0f\u200d🌈") == "🏳\ufe0f\u200d🌈"


def test_soft_hyphen_and_lone_surrogates_are_removed() -> None:
    assert clean_text("Ac\xadme \ud800Cloud") == "Acme Cloud"


def test_whitespace_runs_collapse_and_blank_lines_merge() -> None:
    assert clean_text("  a   b\t\tc \n\n\n  d\u00a0\u00a0e  ") == "a b c\nd e"
    assert clean_text("x\r\ny\rz\u2028w") == "x\ny\nz\nw"


def test_clean_line_is_one_line() -> None:
    assert clean_line(" Acme\nCloud \x1b[2J <b>news</b> ") == "Acme Cloud news"


def test_plain_text_is_returned_unchanged() -> None:
    text = "Mon #AcmeCloud ne synchronise plus depuis ce matin 😡"
    assert clean_text(text) == text
    assert clean_text("") == ""


printable_or_nasty = st.one_of(
    st.characters(blacklist_categories=()),
    st.sampled_from(
        [
            "\x1b[2J",
            "\x1b]8;;http://x\x07",
            "\x1b]0;t\x1b\\",
            "\x9b1m",
            "\u202e",
            "\u2066",
            "\u200d",
            "👩",
            "\ufe0f",
            "\r\n",
            "\n\n",
            "\t",
            "  ",
            "\ud83d",
            "<p>",
            "&amp;",
            "&#27;",
        ]
    ),
)


@given(st.lists(printable_or_nasty, max_size=60).map("".join))
def test_cleaned_text_has_no_control_or_bidi_characters(text: str) -> None:
    cleaned = clean_text(text)
    assert not any(is_forbidden(char) for char in cleaned)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned and "\n\n" not in cleaned
    assert not any(0xD800 <= ord(char) < 0xE000 for char in cleaned)
    assert "\n" not in clean_line(text)


@given(st.lists(printable_or_nasty, max_size=60).map("".join))
def test_clean_text_is_idempotent_without_markup(text: str) -> None:
    text = text.replace("<", "").replace("&", "")
    once = clean_text(text)
    assert clean_text(once) == once


# -- URLs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a?b=1", "https://example.com/a?b=1"),
        (
            "HTTP://Example.COM:80/Path?utm_source=x&b=1&fbclid=2&c#frag",
            "http://example.com/Path?b=1&c",
        ),
        ("https://example.com:443/x", "https://example.com/x"),
        ("https://example.com:8443/x?a=1&UTM_Medium=2", "https://example.com:8443/x?a=1"),
        ("https://example.com", "https://example.com/"),
        (
            "https://example.com/x?gclid=1&igshid=2&mc_cid=3&mc_eid=4&ref_src=5",
            "https://example.com/x",
        ),
        ("https://example.com/x?z=1&a=2&m=3", "https://example.com/x?z=1&a=2&m=3"),
        ("https://example.com/x?a=1&&b=2&", "https://example.com/x?a=1&b=2"),
        ("https://user:secret@example.com/x", "https://example.com/x"),
        ("https://[2001:db8::1]:443/x", "https://[2001:db8::1]/x"),
        ("  https://example.com/with space  ", "https://example.com/with%20space"),
        ("https://example.com/x#section", "https://example.com/x"),
        ("https://xn--caf-dma.example/menu", "https://xn--caf-dma.example/menu"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<b>x</b>",
        "ftp://example.com/file",
        "mailto:someone@example.com",
        "//example.com/no-scheme",
        "example.com/no-scheme",
        "https://example.com:99999/",
        "https:///no-host",
        "https://exa\u202emple.com/",
        "https://example.com/\x1b[2J",
        "",
    ],
)
def test_canonical_url_rejects(url: str) -> None:
    assert canonical_url(url) is None


# -- Mentions and excerpts -------------------------------------------------------


def test_clean_mention_cleans_every_text_field_in_place() -> None:
    mention = Mention(
        id="demo:1",
        platform="demo",
        text="<p>Hello&nbsp;<i>world</i></p>\x1b[2J",
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        author=Author(
            handle=" jdupont\u202e ",
            name="Jean\nDupont\x07",
            url="HTTPS://Mastodon.Example/@jdupont",
        ),
        url="https://news.example/a?utm_source=rss#top",
        title="  Acme Cloud\n en panne  ",
    )
    result = clean_mention(mention)
    assert result is mention
    assert mention.text == "Hello world"
    assert mention.title == "Acme Cloud en panne"
    assert mention.author.handle == "jdupont"
    assert mention.author.name == "Jean Dupont"
    assert mention.author.url == "https://mastodon.example/@jdupont"
    assert mention.url == "https://news.example/a"


def test_clean_mention_drops_empty_title_and_bad_url() -> None:
    mention = Mention(
        id="demo:2",
        platform="demo",
        text="x",
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        title=" \u200b ",
        url="javascript:alert(1)",
        author=Author(handle="h", name="\x1b[2J"),
    )
    clean_mention(mention)
    assert mention.title is None
    assert mention.url is None
    assert mention.author.name is None


def test_truncate_excerpt() -> None:
    excerpt = truncate_excerpt("bad\x1b[2J line\nnext" + "x" * 500, limit=40)
    assert len(excerpt) == 40
    assert excerpt.endswith("…")
    assert "\n" not in excerpt and "\x1b" not in excerpt
    assert excerpt.startswith("bad\\x1b[2J line\\nnext")
    assert truncate_excerpt({"a": [1, 2]}) == "{'a': [1, 2]}"
    assert truncate_excerpt("Акме Клауд ✓") == "Акме Клауд ✓"
    assert truncate_excerpt("\u202eevil") == "\\u202eevil"


@pytest.mark.parametrize(
    "markup",
    [
        "<p>Hello <b>world</b></p><p>again &amp; again</p>",
        '<a href="https://x.example/?a=1&amp;b=2" title="a > b">link</a> after',
        "line one<br>line two<br/>line three",
        "<ul><li>one</li><li>two &eacute;t&eacute;</li></ul>",
        "<div class='x'>multi\nline\ntext</div>",
        "1 < 2 but <em>3</em> > 2",
        "<p>unclosed <i>italic",
        "<P>Upper</P><BR>case",
    ],
)
def test_fast_html_path_gives_the_parsers_text(markup: str) -> None:
    from ecoute.engine.cleanup import _parse_html, html_to_text

    assert html_to_text(markup) == _parse_html(markup)


@given(
    st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<br>",
                "<a href='q'>",
                "</a>",
                "x",
                " ",
                "&amp;",
                "é",
                "\n",
                "<",
                ">",
                '"',
                "<em>",
                "</em>",
            ]
        ),
        max_size=30,
    )
)
def test_fast_html_path_matches_the_parser_on_generated_markup(parts: list[str]) -> None:
    from ecoute.engine.cleanup import _parse_html, html_to_text

    markup = "".join(parts)
    assert html_to_text(markup) == _parse_html(markup)


@settings(max_examples=600, deadline=None)
@given(
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x7F), max_size=60)
    | st.text(max_size=60)
    | st.lists(
        st.sampled_from(
            [
                "é",
                "e\u0301",
                "Щ",
                "👩\u200d💻",
                "\u00a0",
                "\u00ad",
                "a",
                " ",
                "<b>",
                "&amp;",
                "\u202e",
                "\n",
            ]
        ),
        max_size=12,
    ).map("".join)
)
def test_the_plain_text_fast_path_gives_what_the_full_clean_up_gives(text: str) -> None:
    from ecoute.engine.cleanup import _clean_text_fully

    assert clean_text(text) == (_clean_text_fully(text) if text else "")
