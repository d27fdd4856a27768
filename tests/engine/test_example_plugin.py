"""The example plugin in docs/ installs with pip and works as documented."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.engine.helpers import demo_config


@pytest.mark.slow
def test_example_plugin_installs_registers_and_scores(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(REPO / "docs" / "plugins" / "ecoute-shout"),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    listed = subprocess.run(
        [sys.executable, "-m", "ecoute", "plugins", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert rows["shout"]["version"] == "0.1.0"
    assert rows["shout"]["registered"] == {"scorers": ["shout"], "sinks": ["shout-count"]}

    counts = tmp_path / "counts.json"
    config = demo_config(
        tmp_path,
        limit=10,
        extra=(
            "[scorers.shout]\nthreshold = 0.0\n\n"
            f'[[sinks]]\ntype = "shout-count"\npath = "{counts}"\n'
        ),
    )
    run = subprocess.run(
        [sys.executable, "-m", "ecoute", "--config", str(config), "run", "--once"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 0, run.stderr
    found = subprocess.run(
        [
            sys.executable,
            "-m",
            "ecoute",
            "--config",
            str(config),
            "search",
            "--format",
            "jsonl",
            "--limit",
            "100",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    flags = [json.loads(line)["flags"] for line in found.stdout.splitlines()]
    assert len(flags) == 10 and all("shouting" in f for f in flags)  # threshold 0: all shout
    assert json.loads(counts.read_text(encoding="utf-8")) == {"seen": 10, "shouting": 10}

    disabled = subprocess.run(
        [sys.executable, "-m", "ecoute", "plugins", "--json"],
        capture_output=True,
        text=True,
        env={**env, "ECOUTE_LOAD_PLUGINS": ""},
        check=True,
    )
    assert "shout" not in {row["name"] for row in json.loads(disabled.stdout)}
