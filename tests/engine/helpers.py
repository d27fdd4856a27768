"""Helpers for engine tests: configs on disk, running the engine, reading the store."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ecoute.engine.config import load_config
from ecoute.engine.plugins import create_plugin_manager
from ecoute.engine.runtime import Engine, RunReport

DEMO_ID = re.compile(r"^[a-z]+:demo-(\d+)-(\d+)$")


def demo_config(
    tmp_path: Path, *, extra: str = "", sentiment: bool = False, **demo_options: Any
) -> Path:
    """A config file with the demo source (and ``extra`` TOML appended).

    The sentiment scorer (a ~6 s Flair import on first use) is off unless asked for.
    """
    options = {"rate": 50.0, "seed": 7, **demo_options}
    lines = [
        f"{key} = {value!r}" if not isinstance(value, str) else f'{key} = "{value}"'
        for key, value in options.items()
    ]
    text = (
        '[engine]\nstore = "store.db"\nbatch_size = 25\nbatch_wait = 0.05\n\n'
        '[[sources]]\ntype = "demo"\nname = "demo"\ninterval = 0.05\n'
        + "\n".join(lines).replace("True", "true").replace("False", "false")
        + "\n\n"
        + extra
        + ("" if sentiment else "\n[scorers.sentiment]\nenabled = false\n")
    )
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_once(
    config_path: Path,
    *,
    extra_plugins: Mapping[str, object] | None = None,
    clock: Any = None,
    **engine_args: Any,
) -> RunReport:
    """Run the engine once through on a config file, in this process."""
    config = load_config(config_path, must_exist=True)
    plugins = create_plugin_manager(
        load_entry_points=False, extra=extra_plugins, disabled=config.disabled_plugins
    )
    engine = Engine(config, plugins, once=True, clock=clock, handle_signals=False, **engine_args)
    return asyncio.run(engine.run())


def stored_ids(store: Path) -> list[str]:
    """Mention ids in the store, in insertion order (plain sqlite3: the stable schema)."""
    with sqlite3.connect(store) as connection:
        return [row[0] for row in connection.execute("SELECT id FROM mentions ORDER BY seq")]


def demo_indexes(ids: list[str]) -> list[int]:
    """The generator index of each demo mention id."""
    indexes = []
    for mention_id in ids:
        match = DEMO_ID.match(mention_id)
        assert match, mention_id
        indexes.append(int(match.group(2)))
    return indexes
