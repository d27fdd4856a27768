"""``require_topic = true`` on a source: mentions matching no topic are dropped after topics."""

from __future__ import annotations

import json
import logging
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ecoute.engine import Annotations, ComponentContext, ConfigError, Mention, Scorer, Topic
from ecoute.engine.config import load_config
from ecoute.engine.health import Health
from ecoute.engine.runtime.scoring import ScorerSlot, ScoringChain
from ecoute.plugins.scorers.topics import TopicsScorer
from tests.conftest import FakeClock
from tests.engine.helpers import run_once

TOPIC = '[[topics]]\nname = "Acme"\nquery = \'"acme cloud" OR acmecloud\'\n'


def write_config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[engine]\nstore = "store.db"\nbatch_wait = 0.05\n\n' + body, encoding="utf-8")
    return path


def mentions_file(tmp_path: Path, name: str, texts: list[str]) -> Path:
    path = tmp_path / name
    rows = [
        {
            "id": f"{name}:{i}",
            "platform": "forum",
            "text": text,
            "created_at": "2026-11-01T10:00:00Z",
        }
        for i, text in enumerate(texts)
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_require_topic_is_a_reserved_boolean_source_key(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[[sources]]\ntype = "demo"\nrequire_topic = "yes"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == "sources[0].require_topic" and caught.value.line == 7
    config = load_config(
        write_config(tmp_path, '[[sources]]\ntype = "demo"\nrequire_topic = true\n')
    )
    assert config.sources[0].require_topic is True
    assert "require_topic" not in config.sources[0].settings  # never passed to the plugin


def test_only_the_requiring_source_loses_its_unmatched_mentions(tmp_path: Path) -> None:
    strict = mentions_file(tmp_path, "strict", ["Acme Cloud is down", "nothing", "acmecloud ok"])
    loose = mentions_file(tmp_path, "loose", ["Acme Cloud rocks", "unrelated"])
    config = write_config(
        tmp_path,
        TOPIC
        + f'[[sources]]\ntype = "jsonl"\nname = "strict"\npath = "{strict}"\nrequire_topic = true\n'
        + f'[[sources]]\ntype = "jsonl"\nname = "loose"\npath = "{loose}"\n',
    )
    run_once(config)
    with sqlite3.connect(tmp_path / "store.db") as connection:
        rows = connection.execute("SELECT id, topics FROM mentions ORDER BY id").fetchall()
    assert rows == [
        ("loose:0", '["Acme"]'),
        ("loose:1", "[]"),
        ("strict:0", '["Acme"]'),
        ("strict:2", '["Acme"]'),
    ]


class Recorder(Scorer):
    """Records what it is given (a later scorer)."""

    name = "recorder"
    order = 20
    seen: list[str]

    def score(self, batch: Sequence[Mention]) -> list[Annotations | None]:
        self.seen.extend(m.id for m in batch)
        return [None] * len(batch)


class BrokenTopics(Scorer):
    """A topics scorer that fails."""

    name = "topics"
    order = 10

    def score(self, batch: Sequence[Mention]) -> list[Annotations | None]:
        raise RuntimeError("boom")


def _mention(number: int, text: str, source: str) -> Mention:
    return Mention(
        id=f"x:{number}",
        platform="x",
        text=text,
        source=source,
        created_at=datetime(2026, 11, 1, tzinfo=UTC),
    )


def _slot(scorer: Scorer) -> ScorerSlot:
    return ScorerSlot(scorer, Health(component=f"scorer:{scorer.name}", kind="scorer"))


def test_unmatched_mentions_are_dropped_before_later_scorers_run() -> None:
    context = ComponentContext(
        "topics", {"cache_size": 10}, logging.getLogger("t"), topics=(Topic("Acme", "acme"),)
    )
    recorder = Recorder(ComponentContext("recorder", {}, logging.getLogger("t")))
    recorder.seen = []
    chain = ScoringChain(
        [_slot(TopicsScorer(context)), _slot(recorder)],
        FakeClock(),
        require_topic=frozenset({"strict"}),
    )
    batch = [
        _mention(1, "acme news", "strict"),
        _mention(2, "other news", "strict"),
        _mention(3, "other news", "loose"),
    ]
    kept, _ = chain.score(batch)
    assert [m.id for m in kept] == ["x:1", "x:3"]
    assert recorder.seen == ["x:1", "x:3"]


def test_a_failing_topic_scorer_drops_nothing() -> None:
    broken = BrokenTopics(ComponentContext("topics", {}, logging.getLogger("t")))
    chain = ScoringChain([_slot(broken)], FakeClock(), require_topic=frozenset({"strict"}))
    kept, _ = chain.score([_mention(1, "other", "strict")])
    assert [m.id for m in kept] == ["x:1"]  # kept: losing mentions to a scorer bug is worse


@pytest.mark.slow
def test_require_topic_without_the_topics_scorer_is_a_config_error(tmp_path: Path) -> None:
    path = write_config(
        tmp_path,
        TOPIC
        + '[[sources]]\ntype = "demo"\nrequire_topic = true\n\n[scorers.topics]\nenabled = false\n',
    )
    result = subprocess.run(
        [sys.executable, "-m", "ecoute", "--config", str(path), "config", "check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "sources[0].require_topic" in result.stderr
    assert "needs the 'topics' scorer" in result.stderr


@pytest.mark.slow
def test_require_topic_without_topics_is_a_config_error(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[[sources]]\ntype = "demo"\nrequire_topic = true\n')
    result = subprocess.run(
        [sys.executable, "-m", "ecoute", "--config", str(path), "run", "--once"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "no [[topics]] are configured" in result.stderr
    assert not (tmp_path / "store.db").exists()  # refused before anything was opened
