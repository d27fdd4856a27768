"""RSS, Mastodon and Hacker News together: ``ecoute run --once`` against local stand-ins."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from tests.conftest import FakeClock
from tests.engine.helpers import run_once
from tests.plugins.web_fakes import (
    FIXTURES,
    FakeAlgolia,
    FakeFeed,
    FakeMastodon,
    rss_document,
    running_server,
)

LUCIE = "mastodon:https://toot.example.fr/users/lucie/statuses/1135{:014d}"
ATOM_IDS = {
    "rss:tag:blog.example.net,2026-11-21:/migration-acme",
    "rss:tag:blog.example.net,2026-11-19:/nimbus-facture",
}


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    yield from running_server()


class World:
    """Every platform's stand-in on one local server, and a config pointing at them."""

    def __init__(self, server: HTTPServer, folder: Path) -> None:
        self.folder = folder
        self.news = FakeFeed(server, "/feeds/news.xml", rss_document([("a", "A"), ("b", "B")]))
        self.blog = FakeFeed(
            server,
            "/feeds/blog.xml",
            (FIXTURES / "rss" / "atom_acme.xml").read_bytes(),
            "application/atom+xml",
        )
        self.gone = FakeFeed(server, "/feeds/gone.xml", b"")
        self.gone.fail_next.append(Response("Gone", status=410))
        self.mastodon = FakeMastodon(server, reset_at=datetime.now(UTC) + timedelta(minutes=5))
        for n in (1, 2, 3):
            self.mastodon.post(n)
        self.mastodon.post(4, tag="other")
        self.algolia = FakeAlgolia(server, prefix="/hn/api/v1")
        now = int(time.time())
        self.algolia.add(100, now - 30 * 3600, kind="story")  # before the first look-back
        self.algolia.add(101, now - 3600, kind="story")
        self.algolia.add(102, now - 1800, kind="comment")
        self.config = folder / "config.toml"
        self.config.write_text(
            f"""[engine]
store = "store.db"
batch_wait = 0.05

[[sources]]
type = "rss"
name = "feeds"
feeds = ["{self.news.url}", "{self.blog.url}", "{self.gone.url}"]

[[sources]]
type = "mastodon"
name = "fediverse"
instance = "{self.mastodon.base}"
tags = ["acmecloud"]
token_env = "E2E_MASTODON_TOKEN"

[[sources]]
type = "hackernews"
name = "hn"
queries = ["acme cloud"]
base_url = "{self.algolia.base}"

# Sources are the subject here: loading the sentiment model would only add seconds.
[scorers.sentiment]
enabled = false
""",
            encoding="utf-8",
        )

    def ecoute(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "E2E_MASTODON_TOKEN": "s3cret"}
        command = [sys.executable, "-m", "ecoute", "--config", str(self.config), *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)

    def stored(self) -> list[str]:
        with sqlite3.connect(self.folder / "store.db") as connection:
            return [row[0] for row in connection.execute("SELECT id FROM mentions ORDER BY seq")]


@pytest.mark.slow
def test_run_once_stores_exactly_the_expected_mentions_and_resumes(
    server: HTTPServer, tmp_path: Path
) -> None:
    world = World(server, tmp_path)
    check = world.ecoute("config", "check")
    assert check.returncode == 0, check.stderr

    first = world.ecoute("run", "--once")
    assert first.returncode == 0, first.stderr
    expected = {
        "rss:https://news.example.org/a",
        "rss:https://news.example.org/b",
        *ATOM_IDS,
        *(LUCIE.format(n) for n in (1, 2, 3)),
        "hn:101",
        "hn:102",
    }
    ids = world.stored()
    assert set(ids) == expected and len(ids) == len(expected)
    assert all("Authorization" not in r for r in world.news.requests)
    assert world.mastodon.requests[0]["path"] == "/api/v1/timelines/tag/acmecloud"

    sources = world.ecoute("sources", "--json")
    health = {s["name"]: s["health"] for s in json.loads(sources.stdout)["sources"]}
    assert f"feed {world.gone.url}" in health["feeds"]["reason"]
    assert "410" in health["feeds"]["reason"]
    assert health["feeds"]["items"] == 4 and health["hn"]["items"] == 2

    second = world.ecoute("run", "--once")
    assert second.returncode == 0, second.stderr
    assert world.stored() == ids  # nothing repeated
    assert world.news.requests[-1]["If-None-Match"] == '"v1"'  # conditional GET: a 304
    assert len(world.gone.requests) == 1  # the gone feed is not asked again

    world.news.update(rss_document([("c", "C"), ("a", "A"), ("b", "B")]))
    world.mastodon.post(5)
    world.algolia.add(103, int(time.time()) - 60, kind="comment")
    third = world.ecoute("run", "--once")
    assert third.returncode == 0, third.stderr
    new = world.stored()[len(ids) :]
    assert sorted(new) == sorted(["rss:https://news.example.org/c", LUCIE.format(5), "hn:103"])


@pytest.mark.slow
def test_saved_raw_payloads_import_through_the_same_normalisers(
    server: HTTPServer, tmp_path: Path
) -> None:
    world = World(server, tmp_path)
    assert world.ecoute("run", "--once").returncode == 0
    with sqlite3.connect(tmp_path / "store.db") as connection:
        rows = connection.execute("SELECT id, platform, raw FROM mentions ORDER BY seq").fetchall()
    for platform in ("rss", "mastodon", "hackernews"):
        saved = tmp_path / f"{platform}.jsonl"
        lines = [raw for _, p, raw in rows if p == platform]
        saved.write_text("\n".join([*lines, '{"truncated": ']) + "\n", encoding="utf-8")
        store = tmp_path / f"import-{platform}.db"
        result = world.ecoute("--store", str(store), "import", str(saved), "--platform", platform)
        assert result.returncode == 1, result.stderr  # the truncated line is reported
        assert f"{saved}:{len(lines) + 1}" in result.stderr
        with sqlite3.connect(store) as connection:
            imported = {row[0] for row in connection.execute("SELECT id FROM mentions")}
        assert imported == {i for i, p, _ in rows if p == platform}


def test_the_runtime_waits_out_rate_limits_and_errors_on_the_injected_clock(
    server: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = World(server, tmp_path)
    world.mastodon.fail_next.append(Response("{}", status=429, headers={"Retry-After": "45"}))
    world.algolia.fail_next += [Response("down", status=503), Response("down", status=503)]
    monkeypatch.setenv("E2E_MASTODON_TOKEN", "s3cret")
    clock = FakeClock(datetime.now(UTC))
    report = run_once(world.config, clock=clock)
    assert report.stored == 9
    assert 45.0 in clock.sleeps  # Retry-After, on the fake clock: nothing really slept
    backoffs = [s for s in clock.sleeps if s != 45.0]
    assert len(backoffs) == 2 and backoffs[1] > backoffs[0]  # exponential, with jitter
    health = {h.component: h for h in report.health}
    assert health["source:fediverse"].errors == 1 and health["source:hn"].errors == 2


@pytest.mark.slow
def test_config_check_names_the_file_key_and_fix_of_a_bad_source_option(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[[sources]]\ntype = "hackernews"\nqueries = ["acme"]\n\n'
        '[[sources]]\ntype = "mastodon"\ninstance = "toot.example.fr"\ntags = ["acme"]\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "ecoute", "--config", str(config), "config", "check"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"{config}:7, key 'sources[1].instance'" in result.stderr
    assert "must be an http:// or https:// URL" in result.stderr and "fix:" in result.stderr
    config.write_text(
        '[[sources]]\ntype = "mastodon"\ninstance = "https://toot.example.fr"\n'
        'tags = ["acme"]\nstream = true\ntoken_env = "NOT_SET_ANYWHERE"\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k != "NOT_SET_ANYWHERE"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 2
    assert "environment variable NOT_SET_ANYWHERE is not set" in result.stderr
