"""The ``ecoute`` command: global options, error rendering, and plugin commands."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

import click

from ecoute.engine.cleanup import neutralise
from ecoute.engine.errors import EcouteError

from .app import AppContext, resolve_config_path, setup_logging
from .lazy import LazyGroup

_CLI = "ecoute.cli."
BUILTIN_COMMANDS = {
    "run": (_CLI + "run_cmds", "run_command", "Run the engine headless until Ctrl-C or SIGTERM."),
    "import": (_CLI + "run_cmds", "import_command", "Import a JSONL file into the store."),
    "demo": (_CLI + "run_cmds", "demo_command", "Run the engine on a fictional live stream."),
    "search": (_CLI + "search_cmd", "search_command", "Search stored mentions, newest first."),
    "sources": (_CLI + "info_cmds", "sources_command", "Show each source and its health."),
    "plugins": (_CLI + "info_cmds", "plugins_command", "List plugins and what they registered."),
    "config": (_CLI + "config_cmds", "config_group", "Create, locate, show and check the config."),
    "tui": (_CLI + "tui_cmd", "tui_command", "Open the terminal UI (the default command)."),
}


@click.group(
    cls=LazyGroup,
    lazy_commands=BUILTIN_COMMANDS,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file (default: $ECOUTE_CONFIG or the user config folder).",
)
@click.option(
    "--store",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite store to use instead of the configured one.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log debug details to stderr.")
@click.version_option(package_name="ecoute", prog_name="ecoute")
@click.pass_context
def cli(ctx: click.Context, config_file: Path | None, store: Path | None, verbose: bool) -> None:
    """ecoute: listen to what people say about your brand, live, from the terminal.

    Without a command, opens the terminal UI (`ecoute tui`).
    """
    app = ctx.ensure_object(AppContext)
    if store is not None:
        app.store_override = store.expanduser()
    setup_logging("debug" if verbose else "info")
    if ctx.invoked_subcommand is None:
        tui = cli.get_command(ctx, "tui")
        assert tui is not None
        ctx.invoke(tui)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script; renders EcouteError without a traceback."""
    args = sys.argv[1:] if argv is None else argv
    environ = dict(os.environ)
    config_path, explicit = resolve_config_path(args, environ)
    app = AppContext(config_path=config_path, explicit=explicit, environ=environ)
    # A broken config is reported properly by the command that needs it.
    with contextlib.suppress(EcouteError):
        app.plugins().add_commands(cli)
    try:
        cli.main(args=args, prog_name="ecoute", obj=app, standalone_mode=False)
    except EcouteError as exc:
        click.echo(f"ecoute: error: {neutralise(str(exc), newlines=True)}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("ecoute: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        shown = io.StringIO()
        exc.show(file=shown)  # usage errors echo what was typed: an escape may hide there
        click.echo(neutralise(shown.getvalue(), newlines=True), err=True, nl=False)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
