"""Tests of the demo source and its normaliser: content, determinism, timing, bursts, cursors."""

from __future__ import annotations

import asyncio
import copy
import logging
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from ecoute.engine import (
    ComponentContext,
    ConfigError,
    FetchResult,
    MalformedItem,
    Mention,
    RawItem,
)
from ecoute.engine.plugins import create_plugin_manager
from ecoute.plugins.sources.demo import DemoNormaliser, DemoSource, DemoStream
from tests.conftest import FakeClock

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BRANDS = ("acme cloud", "acmecloud", "akme cloud", "acme clowd", "акме клауд", "акмеклауд")


def make_source(clock: FakeClock, **options: Any) -> DemoSource:
    context = ComponentContext(
        name="demo", options=options, logger=logging.getLogger("test.demo"), clock=clock
    )
    return DemoSource(context)


def fetch(source: DemoSource, cursor: str | None) -> FetchResult:
    return asyncio.run(source.fetch(cursor))


def drain(source: DemoSource, clock: FakeClock, seconds: int, step: float = 1.0) -> list[RawItem]:
    """Fetch every ``step`` seconds for ``seconds``, following the cursor."""
    items: list[RawItem] = []
    cursor = None
    for _ in range(int(seconds / step)):
        result = fetch(source, cursor)
        items += result.items
        cursor = result.cursor
        clock.advance(step)
    return items


def index_of(item: RawItem) -> int:
    return int(item.payload["post_id"].rsplit("-", 1)[1])


def without_time(payload: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if key != "posted_at"}


@pytest.fixture(scope="module")
def sample() -> list[dict[str, Any]]:
    stream = DemoStream(seed=42)
    return [stream.payload(i, NOW) for i in range(2000)]


# -- content -----------------------------------------------------------------------


def test_same_seed_and_index_give_the_same_payload() -> None:
    first, second = DemoStream(seed=7), DemoStream(seed=7)
    for i in (0, 1, 5, 250, 999, 123_456):
        assert first.payload(i, NOW) == second.payload(i, NOW)
    # Order of generation does not matter either.
    backwards = DemoStream(seed=7)
    assert [backwards.payload(i, NOW) for i in reversed(range(50))][::-1] == [
        first.payload(i, NOW) for i in range(50)
    ]


def test_different_seeds_give_different_streams() -> None:
    a = [DemoStream(seed=1).payload(i, NOW)["body"] for i in range(30)]
    b = [DemoStream(seed=2).payload(i, NOW)["body"] for i in range(30)]
    assert a != b


def test_language_mix(sample: list[dict[str, Any]]) -> None:
    langs = Counter(p["lang"] for p in sample if p["lang"] is not None)
    total = sum(langs.values())
    assert set(langs) == {"fr", "en", "ru"}
    assert 0.32 < langs["fr"] / total < 0.48
    assert 0.32 < langs["en"] / total < 0.48
    assert 0.12 < langs["ru"] / total < 0.28


def test_platform_mix(sample: list[dict[str, Any]]) -> None:
    platforms = Counter(p["network"] for p in sample)
    expected = {"mastodon", "reddit", "bluesky", "hackernews", "news", "forum", "blog"}
    assert set(platforms) == expected
    assert all(count / len(sample) > 0.03 for count in platforms.values())


def test_titles_and_html_by_platform(sample: list[dict[str, Any]]) -> None:
    for payload in sample:
        network = payload["network"]
        is_reply = payload["in_reply_to"] is not None
        if network in ("news", "blog") or (network in ("reddit", "forum") and not is_reply):
            assert payload["headline"], payload
        if network in ("mastodon", "bluesky", "hackernews"):
            assert payload["headline"] is None
            assert len(payload["body"]) < 400
    html_bodies = [p["body"] for p in sample if p["network"] in ("news", "blog")]
    assert all(body.startswith("<p>") for body in html_bodies)
    assert any("&nbsp;" in body for body in html_bodies)


def test_brand_posts_and_noise_both_occur(sample: list[dict[str, Any]]) -> None:
    noise = [p for p in sample if p["truth"]["kind"] == "noise"]
    assert 0.12 < len(noise) / len(sample) < 0.28
    for payload in noise:
        text = f"{payload['headline'] or ''} {payload['body']}".lower()
        assert not any(brand in text for brand in BRANDS), text
        assert "nimbus drive" not in text and "stratus box" not in text
    noise_text = " ".join(p["body"] for p in noise)
    # Traps for careless queries: acne, ACME the cartoon company, clouds in general.
    assert "acne" in noise_text.lower() and "ACME" in noise_text and "cloud" in noise_text
    about = [p for p in sample if "acme" in p["truth"]["about"]]
    assert len(about) / len(sample) > 0.5
    assert any("nimbus" in p["truth"]["about"] for p in sample)
    assert any("stratus" in p["truth"]["about"] for p in sample)


def test_spelling_variants_occur(sample: list[dict[str, Any]]) -> None:
    text = "\n".join(f"{p['headline'] or ''} {p['body']}" for p in sample)
    for variant in (
        "Acme Cloud",
        "acme cloud",
        "AcmeCloud",
        "#AcmeCloud",
        "#acmecloud",
        "acme clowd",
        "akme cloud",
        "Акме Клауд",
        "Acme Cloud'ом",
        "@acme_support",
    ):
        assert variant in text, variant
    assert "acmecloud's" in text.lower() or "acme cloud's" in text.lower()


def test_kinds_of_content(sample: list[dict[str, Any]]) -> None:
    kinds = Counter(p["truth"]["kind"] for p in sample)
    for kind in (
        "praise",
        "sync",
        "price",
        "outage",
        "support",
        "question",
        "comparison",
        "news",
        "reply",
        "support-reply",
    ):
        assert kinds[kind] > 0, kind
    bodies = [p["body"] for p in sample]
    assert any("comment faire" in b.lower() for b in bodies)
    assert any(b.startswith("Как") or " как " in b for b in bodies)
    assert any("How do I" in b for b in bodies)
    assert len(set(bodies)) > 0.7 * len(bodies)
    originals = [p["body"] for p in sample if p["truth"]["role"] == "post"]
    assert len(set(originals)) > 0.75 * len(originals)


def test_authors_are_a_pool_with_heavy_tailed_followers(sample: list[dict[str, Any]]) -> None:
    by_platform: dict[str, set[str]] = {}
    followers = []
    for payload in sample:
        by_platform.setdefault(payload["network"], set()).add(payload["user"]["handle"])
        if payload["user"]["followers"] is not None:
            followers.append(payload["user"]["followers"])
    assert len(by_platform["mastodon"]) > 100
    # Some authors post more than once.
    assert len(by_platform["mastodon"]) < sum(p["network"] == "mastodon" for p in sample)
    followers.sort()
    median = followers[len(followers) // 2]
    assert followers[-1] > 100 * median
    stream = DemoStream(seed=42)
    pool = [stream.author("mastodon", "fr", n).handle for n in range(240)]
    assert len(set(pool)) == 240


def test_engagement_grows_with_followers(sample: list[dict[str, Any]]) -> None:
    pairs = [
        (p["user"]["followers"], p["stats"]["likes"])
        for p in sample
        if p["network"] in ("mastodon", "bluesky") and p["user"]["followers"] is not None
    ]
    small = [likes for followers, likes in pairs if followers < 100]
    big = [likes for followers, likes in pairs if followers > 5000]
    assert small and big
    assert sum(big) / len(big) > 5 * sum(small) / len(small)


def test_replies_point_to_earlier_posts_on_the_same_platform(sample: list[dict[str, Any]]) -> None:
    replies = [p for p in sample if p["in_reply_to"]]
    assert len(replies) > 100
    by_id = {p["post_id"]: p for p in sample}
    for reply in replies:
        parent = by_id[reply["in_reply_to"]]
        assert parent["network"] == reply["network"]
        assert index_of_id(parent["post_id"]) < index_of_id(reply["post_id"])
        assert parent["in_reply_to"] is None


def index_of_id(post_id: str) -> int:
    return int(post_id.rsplit("-", 1)[1])


def test_languages_option_restricts_the_stream() -> None:
    stream = DemoStream(seed=3, languages=("ru",))
    assert {stream.payload(i, NOW)["lang"] for i in range(300)} <= {"ru", None}


# -- bursts ------------------------------------------------------------------------


def test_a_burst_happens_early_with_a_viral_post_and_many_replies(
    sample: list[dict[str, Any]],
) -> None:
    stream = DemoStream(seed=42)
    bursts = {stream.burst_at(i) for i in range(2000)} - {None}
    assert len(bursts) == 1
    burst = bursts.pop()
    assert burst is not None and burst.start < 300
    viral = sample[burst.start]
    assert viral["truth"]["role"] == "viral"
    assert viral["stats"]["likes"] > 20 * sorted(p["stats"].get("likes", 0) for p in sample)[1000]
    replies = [p for p in sample if p["in_reply_to"] == viral["post_id"]]
    assert len(replies) > 100
    assert stream.rate_factor(burst.start + 1) == pytest.approx(6.0)
    assert stream.rate_factor(burst.start - 1) == 1.0
    assert stream.rate_factor(burst.end) == 1.0


def test_bursts_recur_over_a_long_stream() -> None:
    stream = DemoStream(seed=42)
    starts = {b.start for i in range(0, 40_000, 50) if (b := stream.burst_at(i)) is not None}
    assert 6 <= len(starts) <= 20


def test_items_arrive_faster_during_a_burst(clock: FakeClock) -> None:
    source = make_source(clock, rate=2.0, seed=42)
    burst = source.stream.burst_at(300) or source.stream.burst_at(250)
    assert burst is not None
    fetch(source, str(burst.start))  # first fetch: the backlog
    clock.advance(1.0)
    in_burst = fetch(source, str(burst.start + 10))
    assert len(in_burst.items) == 12  # 2 per second × 6
    clock.advance(1.0)
    calm = fetch(source, str(burst.end + 10))
    assert len(calm.items) == 2


# -- fetching, cursors and limits ---------------------------------------------------


def test_first_fetch_gives_a_backlog_then_the_rate(clock: FakeClock) -> None:
    source = make_source(clock, rate=2.0)
    first = fetch(source, None)
    assert len(first.items) == 10
    assert first.cursor == "10"
    assert [index_of(i) for i in first.items] == list(range(10))
    assert all(i.platform == "demo" and i.source == "demo" for i in first.items)
    assert first.items[0].payload["post_id"] == "demo-42-0"
    assert fetch(source, first.cursor).items == []  # no time passed
    clock.advance(5.0)
    second = fetch(source, first.cursor)
    assert [index_of(i) for i in second.items] == list(range(10, 20))
    assert second.more is False


def test_fetches_are_capped_and_ask_for_more(clock: FakeClock) -> None:
    source = make_source(clock, rate=2.0)
    cursor = fetch(source, None).cursor
    clock.advance(3600)
    capped = fetch(source, cursor)
    assert len(capped.items) == 500
    assert capped.more is True
    following = fetch(source, capped.cursor)
    assert index_of(following.items[0]) == index_of(capped.items[-1]) + 1


def test_resuming_from_a_cursor_has_no_gap_and_no_duplicate(clock: FakeClock) -> None:
    first = make_source(clock, rate=3.0)
    cursor = None
    seen: list[int] = []
    for _ in range(4):
        result = fetch(first, cursor)
        seen += [index_of(i) for i in result.items]
        cursor = result.cursor
        clock.advance(2.0)
    # A new process picks the stored cursor up.
    second = make_source(clock, rate=3.0)
    for _ in range(4):
        result = fetch(second, cursor)
        seen += [index_of(i) for i in result.items]
        cursor = result.cursor
        clock.advance(2.0)
    assert seen == list(range(len(seen)))
    assert int(cursor or 0) == len(seen)


def test_content_does_not_depend_on_fetch_timing() -> None:
    slow_clock, fast_clock = FakeClock(), FakeClock()
    slow = drain(make_source(slow_clock, rate=1.0, seed=9), slow_clock, 200, step=1.0)
    fast = drain(make_source(fast_clock, rate=5.0, seed=9), fast_clock, 280, step=7.0)
    count = min(len(slow), len(fast))
    assert count > 150
    assert [without_time(i.payload) for i in slow[:count]] == [
        without_time(i.payload) for i in fast[:count]
    ]


def test_limit_stops_the_stream(clock: FakeClock) -> None:
    source = make_source(clock, rate=10.0, limit=25)
    items = drain(source, clock, 10)
    assert len(items) == 25
    result = fetch(source, "25")
    assert result.items == [] and result.more is False and result.cursor == "25"


def test_bad_cursor_starts_over(clock: FakeClock) -> None:
    source = make_source(clock)
    assert index_of(fetch(source, "not-a-number").items[0]) == 0


def test_created_at_is_recent_and_replies_follow_their_parent(clock: FakeClock) -> None:
    source = make_source(clock, rate=4.0, seed=5)
    items = drain(source, clock, 400)
    normaliser = DemoNormaliser()
    mentions = {m.id: m for m in (normaliser.normalise(i) for i in items)}
    replies = 0
    for mention in mentions.values():
        assert mention.created_at <= clock.now()
        if mention.parent_id in mentions:
            replies += 1
            assert mention.created_at > mentions[mention.parent_id].created_at
    assert replies > 100


@pytest.mark.parametrize(
    "options",
    [{"languages": []}, {"languages": ["fr", "de"]}, {"languages": [1]}, {"malformed_rate": 1.5}],
)
def test_bad_options_are_config_errors(clock: FakeClock, options: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        make_source(clock, **options)


# -- malformed payloads and the normaliser -----------------------------------------


def test_malformed_payloads_are_rejected_by_the_normaliser(clock: FakeClock) -> None:
    source = make_source(clock, rate=50.0, malformed_rate=0.3, seed=11)
    items = drain(source, clock, 20)
    normaliser = DemoNormaliser()
    bad = 0
    reasons = set()
    for item in items:
        try:
            normaliser.normalise(item)
        except MalformedItem as exc:
            bad += 1
            reasons.add(str(exc).split(" ")[0])
    assert 0.2 < bad / len(items) < 0.4
    assert len(reasons) >= 3
    # Good items are the same as without breakage.
    clean_stream = DemoStream(seed=11)
    stream = DemoStream(seed=11, malformed_rate=0.3)
    same = [i for i in range(200) if isinstance(stream.payload(i, NOW), dict)]
    assert any(stream.payload(i, NOW) == clean_stream.payload(i, NOW) for i in same)


def test_every_item_is_malformed_at_rate_one() -> None:
    stream = DemoStream(seed=4, malformed_rate=1.0)
    normaliser = DemoNormaliser()
    for i in range(100):
        with pytest.raises(MalformedItem):
            normaliser.normalise(RawItem("demo", stream.payload(i, NOW)))


def good_payload() -> dict[str, Any]:
    return {
        "network": "reddit",
        "post_id": "demo-42-17",
        "user": {
            "handle": "jdupont",
            "display_name": "Jean Dupont",
            "followers": 321,
            "profile": "https://reddit.example/user/jdupont",
        },
        "body": "Mon #AcmeCloud ne synchronise plus",
        "headline": "Acme Cloud en panne ?",
        "posted_at": "2026-03-01T11:59:30.250+00:00",
        "stats": {"likes": 12, "replies": 3},
        "in_reply_to": "demo-42-3",
        "link": "https://reddit.example/r/france/comments/demo-42-3/comment/demo-42-17/",
        "lang": "fr",
        "truth": {"kind": "reply", "role": "reply", "about": [], "sentiment": None},
    }


def test_normaliser_maps_every_field() -> None:
    payload = good_payload()
    mention = DemoNormaliser().normalise(RawItem("demo", payload, source="my-demo"))
    assert isinstance(mention, Mention)
    assert mention.id == "reddit:demo-42-17"
    assert mention.platform == "reddit"
    assert mention.source == "my-demo"
    assert mention.text == "Mon #AcmeCloud ne synchronise plus"
    assert mention.title == "Acme Cloud en panne ?"
    assert mention.lang == "fr"
    assert mention.created_at == datetime(2026, 3, 1, 11, 59, 30, 250000, tzinfo=UTC)
    assert mention.author.handle == "jdupont"
    assert mention.author.name == "Jean Dupont"
    assert mention.author.followers == 321
    assert mention.author.url == "https://reddit.example/user/jdupont"
    assert mention.url == payload["link"]
    assert (mention.likes, mention.shares, mention.replies, mention.views) == (12, None, 3, None)
    assert mention.parent_id == "reddit:demo-42-3"
    assert mention.raw is payload


def test_normaliser_reads_a_whole_stream() -> None:
    stream = DemoStream(seed=42)
    normaliser = DemoNormaliser()
    for i in range(500):
        mention = normaliser.normalise(RawItem("demo", stream.payload(i, NOW)))
        assert mention.id.endswith(f":demo-42-{i}")
        assert mention.text and mention.author.handle and mention.url


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda p: p.pop("post_id"), "missing field 'post_id'"),
        (lambda p: p.update(network=None), "missing field 'network'"),
        (lambda p: p.update(body=12345), "field 'body' must be a string, got int"),
        (lambda p: p.update(posted_at="yesterday"), "field 'posted_at' is not an ISO 8601 time"),
        (lambda p: p.pop("posted_at"), "missing field 'posted_at'"),
        (lambda p: p.update(user="jdupont"), "field 'user' must be an object, got str"),
        (lambda p: p["user"].pop("handle"), "missing field 'user.handle'"),
        (lambda p: p["user"].update(followers="many"), "field 'user.followers' must be an integer"),
        (lambda p: p.update(stats=[1, 2]), "field 'stats' must be an object, got list"),
        (lambda p: p["stats"].update(likes="12"), "field 'stats.likes' must be an integer"),
        (lambda p: p.update(headline=["x"]), "field 'headline' must be a string"),
        (lambda p: p.update(lang=5), "field 'lang' must be a string"),
    ],
)
def test_normaliser_names_the_bad_field(breakage: Any, message: str) -> None:
    payload = copy.deepcopy(good_payload())
    breakage(payload)
    with pytest.raises(MalformedItem, match="^" + message.replace("(", r"\(")):
        DemoNormaliser().normalise(RawItem("demo", payload))


def test_normaliser_rejects_a_non_object() -> None:
    with pytest.raises(MalformedItem, match="must be an object, got list"):
        DemoNormaliser().normalise(RawItem("demo", ["demo-1", "text"]))


def test_plugin_registers_the_source_and_normaliser() -> None:
    plugins = create_plugin_manager(
        builtins={"sources.demo": "ecoute.plugins.sources.demo"}, load_entry_points=False
    )
    assert plugins.sources()["demo"] is DemoSource
    assert isinstance(plugins.normalisers()["demo"], DemoNormaliser)
    assert DemoSource.default_interval == 1.0
    names = {option.name for option in DemoSource.options}
    assert names == {"rate", "seed", "burst_factor", "malformed_rate", "limit", "languages"}
