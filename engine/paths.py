"""Where ecoute keeps its files by default (platformdirs), and the overrides."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP_NAME = "ecoute"


def default_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$ECOUTE_CONFIG`` or ``<user config dir>/config.toml``."""
    environ = os.environ if environ is None else environ
    if environ.get("ECOUTE_CONFIG"):
        return Path(environ["ECOUTE_CONFIG"]).expanduser()
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def data_dir() -> Path:
    """The user data folder (store, demo workspace, model caches)."""
    return Path(platformdirs.user_data_dir(APP_NAME))


def default_store_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$ECOUTE_STORE`` or ``<user data dir>/ecoute.db``."""
    environ = os.environ if environ is None else environ
    if environ.get("ECOUTE_STORE"):
        return Path(environ["ECOUTE_STORE"]).expanduser()
    return data_dir() / "ecoute.db"


def demo_dir() -> Path:
    """The demo workspace: its own config and store, apart from the user's."""
    return data_dir() / "demo"
