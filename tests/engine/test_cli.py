"""The command line as a user meets it: exit codes, stdout for data, stderr for diagnostics."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine.helpers import demo_config, run_once


def ecoute(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecoute", *args], capture_output=True, text=True, cwd=cwd
    )


@pytest.mark.slow
def test_help_lists_the_commands() -> None:
    result = ecoute("--help")
    assert result.returncode == 0
    for command in ("run", "import", "search", "sources", "plugins", "config", "demo"):
        assert command in result.stdout


@pytest.mark.slow
def test_config_init_writes_a_starter_that_checks_clean(isolated_home: Path) -> None:
    path = ecoute("config", "path").stdout.strip()
    assert path.startswith(str(isolated_home))
    init = ecoute("config", "init")
    assert init.returncode == 0, init.stderr
    assert init.stdout.strip() == path
    text = Path(path).read_text()
    assert '# type = "demo"' in text  # demo shown as a commented example only
    assert "\n[[sources]]" not in text
    check = ecoute("config", "check")
    assert check.returncode == 0, check.stderr
    assert "ok" in check.stderr
    again = ecoute("config", "init")
    assert again.returncode != 0 and "already exists" in again.stderr


@pytest.mark.slow
def test_bad_config_exits_2_with_file_key_line_and_no_traceback(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[[sources]]\ntype = "demo"\nrate = "fast"\n')
    result = ecoute("--config", str(config), "config", "check")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{config}:3" in result.stderr
    assert "sources[0].rate" in result.stderr and "must be a number" in result.stderr
    run = ecoute("--config", str(config), "run", "--once")
    assert run.returncode == 2 and "Traceback" not in run.stderr


@pytest.mark.slow
def test_run_without_a_config_file_says_how_to_make_one(tmp_path: Path) -> None:
    result = ecoute("--config", str(tmp_path / "none.toml"), "run")
    assert result.returncode == 2
    assert "ecoute config init" in result.stderr


@pytest.mark.slow
def test_config_show_masks_secrets(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[[sinks]]\ntype = "jsonl"\npath = "x.jsonl"\napi_token = "hunter2"\n')
    result = ecoute("--config", str(config), "config", "show", "--json")
    assert result.returncode == 0, result.stderr
    assert "hunter2" not in result.stdout
    assert json.loads(result.stdout)["sinks"][0]["api_token"] == "***"


@pytest.mark.slow
def test_plugins_json_lists_builtins_with_registrations() -> None:
    result = ecoute("plugins", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["sources.demo"]["registered"] == {"normalisers": ["demo"], "sources": ["demo"]}
    assert rows["sinks.jsonl"]["origin"] == "builtin"
    rate = next(o for o in rows["sources.demo"]["options"]["sources.demo"] if o["name"] == "rate")
    assert rate["type"] == "float" and rate["default"] == 2.0
    table = ecoute("plugins")
    assert "sources.demo" in table.stdout


@pytest.fixture
def filled_store(tmp_path: Path) -> Path:
    config = demo_config(tmp_path, limit=10, sentiment=True)
    run_once(config)
    return config


@pytest.mark.slow
def test_sources_shows_health_after_a_run(filled_store: Path) -> None:
    result = ecoute("--config", str(filled_store), "sources", "--json")
    assert result.returncode == 0, result.stderr
    (source,) = json.loads(result.stdout)["sources"]
    assert source["name"] == "demo"
    assert source["health"]["items"] == 10
    assert source["health"]["last_ok"] is not None
    components = {c["component"]: c for c in json.loads(result.stdout)["components"]}
    assert components["store"]["items"] == 10
    assert components["scorer:sentiment"]["detail"] == "ready"
    assert components["scorer:sentiment"]["pending"] == 0
    table = ecoute("--config", str(filled_store), "sources")
    assert "demo" in table.stdout and "stopped" in table.stdout
    assert re.search(r"^scorer:sentiment +stopped +ready ", table.stdout, re.M)


@pytest.mark.slow
def test_search_formats(filled_store: Path) -> None:
    jsonl = ecoute("--config", str(filled_store), "search", "--limit", "3", "--format", "jsonl")
    assert jsonl.returncode == 0, jsonl.stderr
    rows = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert len(rows) == 3
    times = [row["created_at"] for row in rows]
    assert times == sorted(times, reverse=True)
    csv_out = ecoute("--config", str(filled_store), "search", "--format", "csv")
    assert csv_out.stdout.splitlines()[0].startswith("id,created_at,platform")
    assert len(csv_out.stdout.splitlines()) >= 11  # header + 10 rows (texts may wrap lines)
    table = ecoute("--config", str(filled_store), "search", "--platform", "nowhere")
    assert table.returncode == 0 and table.stdout == ""
    assert "0 mentions" in table.stderr


@pytest.mark.slow
def test_search_rejects_a_bad_time_with_a_clear_message(filled_store: Path) -> None:
    result = ecoute("--config", str(filled_store), "search", "--since", "last tuesday")
    assert result.returncode == 2
    assert "use a duration like" in result.stderr


def test_csv_cells_cannot_smuggle_formulas() -> None:
    from ecoute.cli.search_cmd import csv_cell

    assert csv_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert csv_cell("+1") == "'+1" and csv_cell("plain") == "plain"


@pytest.mark.slow
def test_sources_retry_asks_the_engine_through_the_store(filled_store: Path) -> None:
    asked = ecoute("--config", str(filled_store), "sources", "--retry", "demo")
    assert asked.returncode == 0, asked.stderr
    assert "asked the engine to retry demo now" in asked.stderr
    store = filled_store.parent / "store.db"
    with sqlite3.connect(store) as connection:
        assert connection.execute("SELECT component FROM retry_requests").fetchall() == [
            ("source:demo",)
        ]
    wrong = ecoute("--config", str(filled_store), "sources", "--retry", "nope")
    assert wrong.returncode == 2
    assert "no configured source named 'nope'" in wrong.stderr
    assert "configured sources: demo" in wrong.stderr
