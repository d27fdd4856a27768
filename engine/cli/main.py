"""The ``ecoute`` command: global options, error rendering, and plugin commands."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from ..errors import EcouteError
from .app import AppContext, resolve_config_path, setup_logging
from .config_cmds import config_group
from .info_cmds import plugins_command, sources_command
from .run_cmds import demo_command, import_command, run_command
from .search_cmd import search_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    """ecoute: listen to what people say about your brand, live, from the terminal."""
    app = ctx.ensure_object(AppContext)
    if store is not None:
        app.store_override = store.expanduser()
    setup_logging("debug" if verbose else "info")


for command in (
    run_command,
    import_command,
    demo_command,
    search_command,
    sources_command,
    plugins_command,
    config_group,
):
    cli.add_command(command)


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
        click.echo(f"ecoute: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("ecoute: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
