"""``ecoute tui`` (and ``ecoute`` alone): the terminal UI; Textual loads only here."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ecoute.engine.errors import ConfigError
from ecoute.engine.runtime import Engine, RunReport

from .app import AppContext


def require_terminal(command: str) -> None:
    """Refuse to start the TUI without a terminal, with the headless alternative.

    Raises:
        ConfigError: stdin or stdout is not a terminal.
    """
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ConfigError(
            f"`ecoute {command}` opens the terminal UI, which needs a terminal",
            hint="use `ecoute run` (or `ecoute demo --headless`) to run without one",
        )


def launch(
    store: Path, topics: list[str], engine: Engine | None, subtitle: str
) -> RunReport | None:
    """Run the TUI on ``store`` (with ``engine`` in-process); return the engine's report."""
    from ecoute.tui import TuiOptions
    from ecoute.tui.run import run_tui

    options = TuiOptions(store_path=store, topics=topics, engine=engine, subtitle=subtitle)
    return run_tui(options)


@click.command("tui")
@click.option("--engine", "with_engine", is_flag=True, help="Also run the configured sources.")
@click.pass_obj
def tui_command(app: AppContext, with_engine: bool) -> None:
    """Open the terminal UI on the store (live: shows what `ecoute run` stores)."""
    require_terminal("tui")
    config = app.config(must_exist=with_engine)
    engine = None
    if with_engine:
        engine = Engine(config, app.plugins(), environ=app.environ, handle_signals=False)
    topics = [topic.name for topic in config.topics]
    subtitle = "engine running" if engine else "reading the store"
    report = launch(config.engine.store, topics, engine, f"{config.engine.store} · {subtitle}")
    if report is not None:
        click.echo(f"ecoute tui: {report.stored} mentions stored", err=True)
    from .run_cmds import leave_if_threads_linger

    leave_if_threads_linger(report)
