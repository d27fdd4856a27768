"""Shared state of one CLI invocation: where the config is, the loaded config and plugins."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ecoute.engine.cleanup import neutralise
from ecoute.engine.config import Config, load_config
from ecoute.engine.paths import default_config_path
from ecoute.engine.plugins import Plugins, create_plugin_manager


@dataclass
class AppContext:
    """Lazily loads the config and the plugin manager for commands.

    ``config_path`` is the file given by ``--config`` or ``ECOUTE_CONFIG`` or the
    platformdirs default; ``explicit`` says whether the user named it.
    """

    config_path: Path
    explicit: bool = False
    store_override: Path | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    _config: Config | None = None
    _plugins: Plugins | None = None

    def config(self, *, must_exist: bool = False) -> Config:
        """The loaded config (defaults when the default file does not exist)."""
        if self._config is None:
            self._config = load_config(
                self.config_path, must_exist=must_exist or self.explicit, environ=self.environ
            )
        elif must_exist and self._config.path is None:
            load_config(self.config_path, must_exist=True)
        # Plugins load (and so read the config) before --store is parsed.
        if self.store_override is not None:
            self._config.engine.store = self.store_override
        return self._config

    def use_config(self, config: Config) -> None:
        """Run the next commands on ``config`` instead of the file (``ecoute demo``)."""
        self._config = config

    def plugins(self) -> Plugins:
        """The plugin manager, honouring the config's disabled and required plugins."""
        if self._plugins is None:
            config = self.config()
            self._plugins = create_plugin_manager(
                disabled=config.disabled_plugins, required=config.plugins, environ=self.environ
            )
        return self._plugins


def resolve_config_path(argv: list[str], environ: Mapping[str, str]) -> tuple[Path, bool]:
    """Find ``--config`` in raw argv before click parses it (plugins load first)."""
    for index, arg in enumerate(argv):
        if arg == "--config" and index + 1 < len(argv):
            return Path(argv[index + 1]).expanduser(), True
        if arg.startswith("--config="):
            return Path(arg.split("=", 1)[1]).expanduser(), True
    explicit = bool(environ.get("ECOUTE_CONFIG"))
    return default_config_path(environ), explicit


class _Formatter(logging.Formatter):
    """``ecoute: [level: ]message``, with whatever the message quotes made safe to print.

    Log messages carry server replies, file lines and plugin text: escapes and
    control characters go, and a line break indents what follows so that a
    message cannot pass for a line of its own.
    """

    def format(self, record: logging.LogRecord) -> str:
        """The record as one safe entry (continuation lines indented)."""
        level = record.levelname.lower()
        prefix = "ecoute: " if record.levelno == logging.INFO else f"ecoute: {level}: "
        if record.levelno == logging.DEBUG:
            prefix += f"{record.name}: "
        try:
            message = record.getMessage()
        except Exception:  # a bad format string in a plugin must not lose the line
            message = f"{record.msg} {record.args}"
        text = neutralise(prefix + message, newlines=True).strip("\n")
        return text.replace("\n", "\n  ")


def setup_logging(level: str) -> None:
    """Diagnostics go to stderr, one line each, prefixed with ``ecoute:``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    root = logging.getLogger("ecoute")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
