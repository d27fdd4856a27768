"""The topics scorer, ``ecoute match``, and topics from a config annotating demo mentions."""

from __future__ import annotations

import json
import logging
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecoute.engine import Author, ComponentContext, ConfigError, Mention, Topic
from ecoute.engine.plugins import create_plugin_manager
from ecoute.plugins.scorers.topics import TopicsScorer
from ecoute.plugins.sources.demo import DemoStream
from tests.engine.helpers import run_once

TOPICS = """
[[topics]]
name = "Acme Cloud"
query = '''
"acme cloud" OR @acme_support OR "akme cloud"  <<< names and typos >>>
OR "акме клауд*"                                <<< Russian, any case ending >>>
'''

[[topics]]
name = "Nimbus Drive"
query = '"nimbus drive" OR nimbus'

[[topics]]
name = "Stratus Box"
query = '"stratus box"'
"""


def ecoute(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecoute", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def scorer(*topics: tuple[str, str], cache_size: int = 100) -> TopicsScorer:
    context = ComponentContext(
        "topics",
        {"cache_size": cache_size},
        logging.getLogger("test.topics"),
        topics=tuple(Topic(name, query) for name, query in topics),
    )
    return TopicsScorer(context)


def mention(text: str, **fields: object) -> Mention:
    return Mention(
        id=f"x:{abs(hash(text))}",
        platform=str(fields.pop("platform", "forum")),
        text=text,
        created_at=datetime(2026, 11, 1, tzinfo=UTC),
        **fields,  # type: ignore[arg-type]
    )


# -- the scorer ----------------------------------------------------------------


def test_the_scorer_is_a_builtin_running_first_after_language() -> None:
    plugins = create_plugin_manager(load_entry_points=False)
    scorers = plugins.scorers()
    assert scorers["topics"] is TopicsScorer
    assert scorers["language"].order < TopicsScorer.order < 50
    assert plugins.provider("scorers", "topics") == "scorers.topics"


def test_the_scorer_annotates_each_mention_with_its_topics_and_matches() -> None:
    topics = scorer(("Acme", '"acme cloud" OR @acme_support'), ("Nimbus", "nimbus"))
    batch = [
        mention("Acme Clowd is down again, @acme_support help"),
        mention("Nothing about any brand", title="Nimbus news"),
        mention("acne cream works"),
    ]
    first, second, third = topics.score(batch)
    assert first is not None and second is not None and third is not None
    assert [
        (m.topic, m.term, m.found, m.start, m.distance, m.kind) for m in first.topics or []
    ] == [
        ("Acme", '"acme cloud"', "Acme Clowd", 0, 1, "phrase"),
        ("Acme", "@acme_support", "@acme_support", 26, 0, "handle"),
    ]
    assert [(m.topic, m.field, m.found) for m in second.topics or []] == [
        ("Nimbus", "title", "Nimbus")
    ]
    assert third.topics == []  # matches no topic: an empty list, so later steps can tell


def test_without_topics_the_scorer_leaves_mentions_alone() -> None:
    batch = [mention("acme cloud")]
    assert scorer().score(batch) == [None]


def test_author_and_platform_fields_read_the_mention() -> None:
    topics = scorer(("Support", "author:acme_support OR (platform:forum acme)"))
    batch = [
        mention("we fixed it", author=Author(handle="acme_support"), platform="mastodon"),
        mention("acme rocks", platform="forum"),
        mention("acme rocks", platform="reddit"),
    ]
    results = topics.score(batch)
    assert [bool(r and r.topics) for r in results] == [True, True, False]


def test_an_invalid_topic_query_is_a_config_error_naming_the_topic() -> None:
    with pytest.raises(ConfigError) as caught:
        scorer(("Good", "acme"), ("Bad", "acme AND"))
    assert caught.value.key == "topics[1].query"
    assert "topic 'Bad'" in str(caught.value) and "^" in str(caught.value)


# -- end to end: a config file, the demo source, the store --------------------


def truth_about_acme(payload: dict[str, object], text: str) -> bool:
    """Ground truth of the demo generator, plus what it leaves out: quoted posts and tags."""
    truth = payload["truth"]
    assert isinstance(truth, dict)
    return (
        "acme" in truth["about"]
        or truth["role"] == "burst-quote"
        or "#acmecloud" in text.casefold()
    )


def demo_payload_file(tmp_path: Path, count: int, seed: int) -> Path:
    """Raw demo payloads, one a line, as the demo source generates them."""
    stream = DemoStream(seed=seed)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    path = tmp_path / "demo.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for index in range(count):
            payload = stream.payload(index, start + timedelta(seconds=index))
            handle.write(json.dumps(payload, ensure_ascii=False) + "\n")
    return path


def test_topics_from_a_config_file_annotate_demo_mentions_in_the_store(tmp_path: Path) -> None:
    payloads = demo_payload_file(tmp_path, 600, seed=11)
    config = tmp_path / "config.toml"
    config.write_text(
        '[engine]\nstore = "store.db"\nbatch_size = 100\nbatch_wait = 0.05\n'
        f'{TOPICS}\n[[sources]]\ntype = "jsonl"\nname = "demo-file"\n'
        f'path = "{payloads}"\nplatform = "demo"\n'
        # Topics are the subject here: loading the sentiment model would only add seconds.
        "[scorers.sentiment]\nenabled = false\n",
        encoding="utf-8",
    )
    report = run_once(config)
    assert report.stored == 600
    store = tmp_path / "store.db"
    with sqlite3.connect(store) as connection:
        connection.row_factory = sqlite3.Row
        mentions = {row["seq"]: row for row in connection.execute("SELECT * FROM mentions")}
        matches = list(connection.execute("SELECT * FROM mention_topics"))
    assert matches, "no topic matched at all"
    by_mention: dict[int, set[str]] = {}
    for row in matches:
        by_mention.setdefault(row["mention_seq"], set()).add(row["topic"])
        stored = mentions[row["mention_seq"]]
        source = stored["text"] if row["field"] == "text" else stored["title"]
        assert source[row["start"] : row["end"]] == row["found"]  # spans survive the store
        assert row["kind"] in ("exact", "fuzzy", "phrase", "hashtag", "handle", "wildcard")
        assert row["kind"] != "fuzzy" or row["distance"] > 0
    outcomes: Counter[str] = Counter()
    for seq, row in mentions.items():
        names = by_mention.get(seq, set())
        assert sorted(json.loads(row["topics"])) == sorted(names)  # the denormalised column
        payload = json.loads(row["raw"])
        expected = truth_about_acme(payload, row["text"] + " " + (row["title"] or ""))
        got = "Acme Cloud" in names
        outcomes[f"{'t' if got == expected else 'f'}{'p' if got else 'n'}"] += 1
        if payload["truth"]["kind"] == "noise":
            assert not names, row["text"]  # acne cream, ACME cartoons, clouds in the sky
    recall = outcomes["tp"] / (outcomes["tp"] + outcomes["fn"])
    precision = outcomes["tp"] / (outcomes["tp"] + outcomes["fp"])
    assert recall >= 0.95, outcomes
    assert precision >= 0.98, outcomes
    fuzzy = [row for row in matches if row["distance"] > 0]
    assert fuzzy, "the demo's typos (acme clowd, akme cloud) should be caught"


# -- ecoute match ---------------------------------------------------------------


@pytest.mark.slow
def test_match_writes_one_json_object_per_line_in_order(tmp_path: Path) -> None:
    lines = ["I love acmee cloud", "", "nothing here", "Acme Cloud and #AcmeCloud"]
    result = ecoute("match", '"acme cloud" OR acme~1', stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["matched"] for o in out] == [True, False, False, True]
    assert out[0]["terms"] == [
        {
            "term": "acme~1",
            "found": "acmee",
            "start": 7,
            "end": 12,
            "distance": 1,
            "kind": "fuzzy",
            "field": "text",
        },
    ]  # "acme" has 4 letters: inside the phrase it takes no typo
    assert [(t["found"], t["kind"]) for t in out[3]["terms"]] == [
        ("Acme", "exact"),
        ("Acme Cloud", "phrase"),
        ("#AcmeCloud", "hashtag"),  # the phrase, as a hashtag
        ("Acme", "hashtag"),  # acme~1, inside the hashtag
    ]


@pytest.mark.slow
def test_match_reads_a_file_and_jsonl_passes_fields_through(tmp_path: Path) -> None:
    source = tmp_path / "posts.jsonl"
    rows = [
        {"id": 1, "text": "Сбербанкк опять лежит", "lang": "ru"},
        {"id": 2, "text": "fine", "title": "Сбербанк news", "platform": "news"},
        "not an object",
        {"id": 4, "body": "no text field"},
    ]
    source.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{oops\n", encoding="utf-8"
    )
    result = ecoute("match", "--jsonl", "сбербанк", str(source))
    assert result.returncode == 1  # some lines could not be read
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 5
    assert out[0]["id"] == 1 and out[0]["matched"] and out[0]["terms"][0]["distance"] == 1
    assert out[1]["platform"] == "news" and out[1]["terms"][0]["field"] == "title"
    assert out[2]["line"] == 3 and "not a JSON object" in out[2]["error"]
    assert out[3]["line"] == 4 and "text" in out[3]["error"]
    assert out[4]["line"] == 5 and "not JSON" in out[4]["error"]
    assert "line 3: not a JSON object" in result.stderr and "3 line(s)" in result.stderr


@pytest.mark.slow
def test_match_with_an_invalid_query_exits_2_with_the_caret_message() -> None:
    result = ecoute("match", "acme OR (cloud", stdin="acme\n")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "this '(' is not closed (column 9)" in result.stderr
    assert "    acme OR (cloud\n            ^" in result.stderr


@pytest.mark.slow
def test_match_never_lets_text_steer_the_terminal() -> None:
    hostile = "acme \x1b[31mred\x1b[0m \u009b2J \u202eevil"
    result = ecoute("match", "acme", stdin=hostile + "\n")
    assert result.returncode == 0
    assert "\x1b" not in result.stdout and "\u009b" not in result.stdout
    assert "\u202e" not in result.stdout
    (out,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert out["matched"] and out["terms"][0]["found"] == "acme"


@pytest.mark.slow
def test_match_lang_option_applies_the_common_word_guard_of_that_language() -> None:
    english = ecoute("match", "--lang", "en", "cloud", stdin="Acme Clou\n")
    french = ecoute("match", "--lang", "fr", "cloud", stdin="Acme Clou\n")
    assert json.loads(english.stdout)["matched"] is True
    assert json.loads(french.stdout)["matched"] is False


@pytest.mark.slow
def test_match_is_listed_in_help() -> None:
    result = ecoute("--help")
    assert "match" in result.stdout
