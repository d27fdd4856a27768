"""Build tiny installed distributions (a module plus ``*.dist-info``) for plugin tests."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path


def make_distribution(
    root: Path, dist: str, version: str, entry_points: dict[str, str], modules: dict[str, str]
) -> Path:
    """Write modules and a dist-info with ``[ecoute]`` entry points under ``root``.

    Putting ``root`` on ``sys.path`` makes ``importlib.metadata`` find it exactly
    as it finds a pip-installed plugin.
    """
    root.mkdir(parents=True, exist_ok=True)
    for name, source in modules.items():
        (root / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = ["[ecoute]", *(f"{name} = {target}" for name, target in entry_points.items())]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def forget_modules(*names: str) -> None:
    """Drop test plugin modules from sys.modules so each test imports them afresh."""
    for name in names:
        sys.modules.pop(name, None)


ACME_PLUGIN = '''
"""A third-party plugin, as an outside author would write it."""
from ecoute.engine import FetchResult, Option, RawItem, Scorer, Annotations, Source, hookimpl

calls = []


class WeatherSource(Source):
    """Fetches nothing real: one raw demo-shaped item per fetch."""

    type = "weather"
    options = (Option("city", str, required=True, help="which city"),)
    default_interval = 60.0

    async def fetch(self, cursor):
        n = int(cursor or 0)
        return FetchResult(items=[], cursor=str(n + 1))


class ShoutScorer(Scorer):
    """Flags mentions written in capitals."""

    name = "shout"
    order = 70

    def score(self, batch):
        return [Annotations(flags=["shout"]) if m.text.isupper() else None for m in batch]


@hookimpl
def register_sources(register):
    register(WeatherSource)


@hookimpl
def register_scorers(register):
    register(ShoutScorer)


@hookimpl
def register_commands(cli):
    import click

    @cli.command("weather")
    def weather():
        """Say hello from a plugin."""
        click.echo("sunny, from acme")


@hookimpl
def startup(engine):
    calls.append(("startup", engine.source_names))


@hookimpl
def shutdown(engine):
    calls.append(("shutdown", engine.source_names))


@hookimpl
def mentions_stored(mentions):
    calls.append(("stored", [m.id for m in mentions]))
'''
