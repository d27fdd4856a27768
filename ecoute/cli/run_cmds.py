"""``ecoute run``, ``ecoute import`` and ``ecoute demo``: the commands that run the engine."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import stat
import sys
import time
from pathlib import Path
from typing import Any

import click

from ecoute.engine.components import Component
from ecoute.engine.config import ComponentConfig, check_store_path, load_config
from ecoute.engine.errors import ConfigError
from ecoute.engine.health import Health
from ecoute.engine.paths import demo_dir
from ecoute.engine.records import Reject
from ecoute.engine.runtime import Engine, RunReport
from ecoute.engine.runtime.batching import Batch
from ecoute.plugins.sources.jsonl import JsonlCursor

from .app import AppContext
from .config_cmds import write_config
from .render import one_line

MAX_REJECTS_SHOWN = 20


@click.command("run")
@click.option("--once", is_flag=True, help="Fetch each source until it has nothing new, then exit.")
@click.pass_obj
def run_command(app: AppContext, once: bool) -> None:
    """Run the engine headless until Ctrl-C or SIGTERM."""
    config = app.config(must_exist=True)
    check_store_path(config, _store_key(app))
    engine = Engine(config, app.plugins(), once=once, environ=app.environ)
    report = asyncio.run(engine.run())
    _summarise(report, "run")
    leave_if_threads_linger(report)


@click.command("import")
@click.argument(
    "file", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path)
)
@click.option(
    "--platform",
    default="mention",
    show_default=True,
    help="Normaliser of the lines: 'mention' for ecoute's own JSONL, or a "
    "platform name for its raw API payloads (see `ecoute plugins`).",
)
@click.pass_obj
def import_command(app: AppContext, file: Path, platform: str) -> None:
    """Import a JSONL file (one mention or one raw payload per line) into the store.

    FILE may be `-` (standard input) or a pipe: it is read once, as it comes.
    """
    config = app.config()
    check_store_path(config, _store_key(app))
    plugins = app.plugins()
    normalisers = plugins.normalisers()
    if platform not in normalisers:
        raise ConfigError(
            f"no normaliser for platform '{one_line(platform)}'",
            key="--platform",
            hint=f"known platforms: {', '.join(sorted(normalisers))}",
        )
    sources = plugins.sources()
    if "jsonl" not in sources:
        raise ConfigError("the built-in 'jsonl' source is disabled", key="disabled_plugins")
    shown = "standard input" if str(file) == "-" else one_line(str(file))
    entry = ComponentConfig(
        type="jsonl", name=f"import:{_import_name(file)}", settings={}, key="import"
    )
    component = Component(
        kind="source",
        config=entry,
        cls=sources["jsonl"],
        plugin=plugins.provider("sources", "jsonl"),
        options={
            "path": str(file),
            "platform": platform,
            "batch_lines": 1000,
            "partial_line_wait": 0.0,  # the file is complete: its last line needs no newline
        },
    )
    progress = ImportProgress(entry.name, _regular_size(file))
    rejects: list[Reject] = []

    def on_commit(batch: Batch) -> None:
        if batch.completes:  # sentiment filled in later for mentions counted already
            return
        rejects.extend(batch.rejects)
        progress.advance(batch)

    # import reports rejects itself, once each, after the progress bar.
    logging.getLogger("ecoute.rejects").setLevel(logging.ERROR)
    engine = Engine(
        config,
        plugins,
        once=True,
        sources=[component],
        resume=False,
        environ=app.environ,
        on_commit=on_commit,
    )
    report = asyncio.run(engine.run())
    progress.finish()
    for reject in rejects[:MAX_REJECTS_SHOWN]:
        click.echo(
            f"ecoute import: {one_line(reject.context) or shown}: {one_line(reject.reason, 300)}",
            err=True,
        )
    if len(rejects) > MAX_REJECTS_SHOWN:
        click.echo(
            f"ecoute import: ... and {len(rejects) - MAX_REJECTS_SHOWN} more "
            "(`ecoute sources --rejects`)",
            err=True,
        )
    _summarise(report, "import")
    problem = import_problem(report, entry.name, shown, progress, rejects)
    if problem is not None:
        click.echo(f"ecoute import: {problem}", err=True)
    if report.rejected or problem is not None:
        leave_if_threads_linger(report, 1)
        sys.exit(1)
    if progress.bytes_read == 0:
        click.echo(f"ecoute import: {shown} is empty: nothing to import", err=True)
    leave_if_threads_linger(report)


@click.command("demo")
@click.option(
    "--headless", is_flag=True, help="Print mentions as lines as they arrive, without the TUI."
)
@click.option("--rate", type=float, default=3.0, show_default=True, help="Mentions per second.")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the generator.")
@click.option("--reset", is_flag=True, help="Start from an empty demo store.")
@click.pass_obj
def demo_command(app: AppContext, headless: bool, rate: float, seed: int, reset: bool) -> None:
    """Open the TUI on a fictional live stream, the engine running in its own workspace."""
    if not headless:
        from .tui_cmd import require_terminal

        require_terminal("demo")
    workspace = demo_dir()
    config_path = workspace / "config.toml"
    if reset and workspace.exists():
        shutil.rmtree(workspace)
    write_config(config_path, demo_config(rate=rate, seed=seed, stdout=headless))
    config = load_config(config_path, must_exist=True)
    app.use_config(config)
    if headless:
        click.echo(f"ecoute demo: workspace {workspace} (Ctrl-C to stop)", err=True)
        engine = Engine(config, app.plugins(), environ=app.environ, stop_when_sink_gone=True)
        report = asyncio.run(engine.run())
        _summarise(report, "demo")
        leave_if_threads_linger(report)
        return
    from .tui_cmd import launch

    click.echo(f"ecoute demo: workspace {workspace}", err=True)
    engine = Engine(config, app.plugins(), environ=app.environ, handle_signals=False)
    topics = [topic.name for topic in config.topics]
    shown = launch(config.engine.store, topics, engine, f"demo · {workspace}")
    if shown is not None:
        _summarise(shown, "demo")
    leave_if_threads_linger(shown)


def demo_config(*, rate: float, seed: int, stdout: bool) -> str:
    """The demo workspace's config: the demo source, its topics, and the store beside it."""
    text = f"""# Generated by `ecoute demo`; rewritten at each start.
[engine]
store = "ecoute.db"
batch_wait = 0.1

[[topics]]
name = "Acme Cloud"
query = '"acme cloud" OR @acme_support OR "акме клауд*"'

[[topics]]
name = "Nimbus Drive"
query = '"nimbus drive"'

[[topics]]
name = "Stratus Box"
query = '"stratus box"'

[[sources]]
type = "demo"
name = "demo"
interval = 1.0
rate = {rate!r}
seed = {seed!r}
"""
    if stdout:
        text += '\n[[sinks]]\ntype = "stdout"\nname = "screen"\n'
    return text


def _store_key(app: AppContext) -> str:
    return "--store" if app.store_override is not None else "engine.store"


def _import_name(file: Path) -> str:
    return "stdin" if str(file) == "-" else one_line(file.name) or "file"


def _regular_size(file: Path) -> int | None:
    """The size of a regular file; ``None`` for standard input, a FIFO or a device."""
    if str(file) == "-":
        return None
    try:
        status = file.stat()
    except OSError:
        return None
    return status.st_size if stat.S_ISREG(status.st_mode) else None


class ImportProgress:
    """Follows an import through the source's cursors; draws a bar on a terminal's stderr.

    A regular file gets a bar over its size (it is read once: nothing is counted
    beforehand); a pipe or standard input, whose size is unknown, a running count.
    """

    MIN_BAR_BYTES = 1 << 20
    REDRAW_SECONDS = 0.2

    def __init__(self, source: str, size: int | None) -> None:
        self.source = source
        self.size = size
        self.bytes_read = 0
        self.lines_read = 0
        self._terminal = sys.stderr.isatty()
        self._bar: Any = None
        self._drawn_at = 0.0
        if self._terminal and size is not None and size >= self.MIN_BAR_BYTES:
            self._bar = click.progressbar(length=size, label="importing", file=sys.stderr)
            self._bar.__enter__()

    def advance(self, batch: Batch) -> None:
        """Move the bar (or the count) to where the batch's cursor says the source is."""
        cursor = JsonlCursor.parse(batch.cursors.get(self.source))
        if cursor is None:
            return
        if self._bar is not None:
            self._bar.update(cursor.offset - self.bytes_read)
        self.bytes_read, self.lines_read = cursor.offset, cursor.line
        if self._terminal and self.size is None:
            now = time.monotonic()
            if now - self._drawn_at >= self.REDRAW_SECONDS:
                self._drawn_at = now
                click.echo(f"\rimporting: {self.lines_read:,} lines read", err=True, nl=False)

    def finish(self) -> None:
        """Close the bar, or end the running count's line."""
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
        elif self._terminal and self._drawn_at:
            click.echo(f"\rimporting: {self.lines_read:,} lines read", err=True)


def import_problem(
    report: RunReport, source: str, shown: str, progress: ImportProgress, rejects: list[Reject]
) -> str | None:
    """Why an import did not store what its input held, or ``None`` when it did."""
    health = next((h for h in report.health if h.component == f"source:{source}"), None)
    if health is not None and health.errors and _failed_last(health):
        return f"could not read {shown} to its end: {one_line(health.reason, 300)}"
    if report.stored or progress.bytes_read == 0:
        return None
    if not rejects:
        return f"no mentions in {shown}: it holds only blank lines"
    if _looks_like_one_document(rejects[0]):
        return (
            f"no mentions stored: {shown} looks like one JSON document spread over several "
            "lines; import reads JSON Lines, one item per line (`jq -c '.[]' FILE` makes them)"
        )
    return f"no mentions stored: every line of {shown} was rejected (reasons above)"


def _failed_last(health: Health) -> bool:
    return health.last_error is not None and (
        health.last_ok is None or health.last_error >= health.last_ok
    )


def _looks_like_one_document(reject: Reject) -> bool:
    return reject.context.endswith(":1") and reject.excerpt.strip() in ("{", "[")


def leave_if_threads_linger(report: RunReport | None, code: int = 0) -> None:
    """Exit at once when plugin threads still run native code (a model loading).

    A normal interpreter exit would abort in them ("terminate called without an
    active exception"); everything worth keeping is committed and flushed by now.
    """
    if report is not None and report.threads_left:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _summarise(report: RunReport, what: str) -> None:
    parts = [f"{report.stored} mentions stored"]
    if report.rejected:
        parts.append(f"{report.rejected} rejected (see `ecoute sources --rejects`)")
    click.echo(f"ecoute {what}: {', '.join(parts)}", err=True)
