"""``ecoute run``, ``ecoute import`` and ``ecoute demo``: the commands that run the engine."""

from __future__ import annotations

import asyncio
import logging
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import click

from ecoute.engine.components import Component
from ecoute.engine.config import ComponentConfig, load_config
from ecoute.engine.errors import ConfigError
from ecoute.engine.paths import demo_dir
from ecoute.engine.records import Reject
from ecoute.engine.runtime import Engine, RunReport
from ecoute.engine.runtime.batching import Batch

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
    engine = Engine(config, app.plugins(), once=once, environ=app.environ)
    _summarise(asyncio.run(engine.run()), "run")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--platform",
    default="mention",
    show_default=True,
    help="Normaliser of the lines: 'mention' for ecoute's own JSONL, or a "
    "platform name for its raw API payloads (see `ecoute plugins`).",
)
@click.pass_obj
def import_command(app: AppContext, file: Path, platform: str) -> None:
    """Import a JSONL file (one mention or one raw payload per line) into the store."""
    config = app.config()
    plugins = app.plugins()
    normalisers = plugins.normalisers()
    if platform not in normalisers:
        raise ConfigError(
            f"no normaliser for platform '{platform}'",
            key="--platform",
            hint=f"known platforms: {', '.join(sorted(normalisers))}",
        )
    sources = plugins.sources()
    if "jsonl" not in sources:
        raise ConfigError("the built-in 'jsonl' source is disabled", key="disabled_plugins")
    entry = ComponentConfig(type="jsonl", name=f"import:{file.name}", settings={}, key="import")
    component = Component(
        kind="source",
        config=entry,
        cls=sources["jsonl"],
        plugin=plugins.provider("sources", "jsonl"),
        options={"path": str(file), "platform": platform, "batch_lines": 1000},
    )
    total = _count_lines(file)
    advance, finish = _progress(total)
    rejects: list[Reject] = []

    def on_commit(batch: Batch) -> None:
        if batch.completes:  # sentiment filled in later for mentions counted already
            return
        rejects.extend(batch.rejects)
        advance(batch)

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
    finish()
    for reject in rejects[:MAX_REJECTS_SHOWN]:
        click.echo(
            f"ecoute import: {one_line(reject.context) or file}: {one_line(reject.reason, 300)}",
            err=True,
        )
    if len(rejects) > MAX_REJECTS_SHOWN:
        click.echo(
            f"ecoute import: ... and {len(rejects) - MAX_REJECTS_SHOWN} more "
            "(`ecoute sources --rejects`)",
            err=True,
        )
    _summarise(report, "import")
    if report.rejected:
        sys.exit(1)


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
        _summarise(asyncio.run(engine.run()), "demo")
        return
    from .tui_cmd import launch

    click.echo(f"ecoute demo: workspace {workspace}", err=True)
    engine = Engine(config, app.plugins(), environ=app.environ, handle_signals=False)
    topics = [topic.name for topic in config.topics]
    report = launch(config.engine.store, topics, engine, f"demo · {workspace}")
    if report is not None:
        _summarise(report, "demo")


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


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def _progress(total: int) -> tuple[Callable[[Batch], None], Callable[[], None]]:
    """A progress bar on a terminal's stderr; nothing when stderr is piped."""
    if not sys.stderr.isatty() or total < 1000:
        return (lambda batch: None), (lambda: None)
    bar = click.progressbar(length=total, label="importing", file=sys.stderr)
    bar.__enter__()

    def advance(batch: Batch) -> None:
        bar.update(len(batch.mentions) + len(batch.rejects))

    def finish() -> None:
        bar.__exit__(None, None, None)

    return advance, finish


def _summarise(report: RunReport, what: str) -> None:
    parts = [f"{report.stored} mentions stored"]
    if report.rejected:
        parts.append(f"{report.rejected} rejected (see `ecoute sources --rejects`)")
    click.echo(f"ecoute {what}: {', '.join(parts)}", err=True)
