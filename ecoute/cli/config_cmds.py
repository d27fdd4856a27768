"""``ecoute config``: init, path, show and check."""

from __future__ import annotations

import json
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

import click

from ecoute.engine.cleanup import neutralise_json
from ecoute.engine.components import build, check_secrets, resolve_components
from ecoute.engine.config import check_store_path
from ecoute.engine.runtime.scoring import require_topic_sources

from .app import AppContext
from .render import one_line

_SECRET_KEY = re.compile(r"(token|secret|password|passwd|api_key|apikey|auth)", re.I)


@click.group("config")
def config_group() -> None:
    """Create, locate, show and check the configuration file."""


def starter_config() -> str:
    """The commented starter file ``config init`` writes."""
    return (resources.files("ecoute.engine") / "config_template.toml").read_text("utf-8")


@config_group.command("init")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.pass_obj
def init_command(app: AppContext, force: bool) -> None:
    """Write a commented starter config file."""
    path = app.config_path
    if path.exists() and not force:
        raise click.ClickException(f"{path} already exists (use --force to overwrite it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(starter_config(), encoding="utf-8")
    click.echo(str(path))
    click.echo("wrote a starter config; edit it, then run `ecoute config check`", err=True)


@config_group.command("path")
@click.pass_obj
def path_command(app: AppContext) -> None:
    """Print where the config file is (or would be)."""
    click.echo(str(app.config_path))


@config_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of TOML-like text.")
@click.pass_obj
def show_command(app: AppContext, as_json: bool) -> None:
    """Print the effective configuration, secrets masked."""
    config = app.config()
    data = mask_secrets(dict(config.raw))
    data.setdefault("engine", {})
    data["engine"] = {**data["engine"], "store": str(config.engine.store)}
    if as_json:
        click.echo(neutralise_json(json.dumps(data, indent=2, ensure_ascii=False)))
        return
    click.echo(f"# {one_line(config.path) or 'no config file: defaults'}")
    click.echo(neutralise_json(json.dumps(data, indent=2, ensure_ascii=False)))


def mask_secrets(value: Any, key: str = "") -> Any:
    """Replace values of secret-looking keys with ``***`` (``*_env`` names stay)."""
    if isinstance(value, dict):
        return {k: mask_secrets(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(v, key) for v in value]
    if key and _SECRET_KEY.search(key) and not key.endswith("_env"):
        return "***"
    return value


@config_group.command("check")
@click.pass_obj
def check_command(app: AppContext) -> None:
    """Validate the file, the store path and every source, scorer and sink option."""
    config = app.config(must_exist=True)
    check_store_path(config, "--store" if app.store_override is not None else "engine.store")
    plugins = app.plugins()
    components = resolve_components(config, plugins)
    require_topic_sources(config, components)
    for component in [*components.sources, *components.sinks]:
        check_secrets(config, component, app.environ)
    for component in components.sources:
        build(component, config, environ=app.environ)  # runs each source's own checks
    click.echo(f"{one_line(config.path)}: ok", err=True)
    click.echo(
        f"  {len(config.topics)} topics, {len(components.sources)} sources, "
        f"{len(components.scorers)} scorers, {len(components.sinks) + 1} sinks "
        f"(store: {one_line(config.engine.store)})",
        err=True,
    )


def write_config(path: Path, text: str) -> None:
    """Write a config file, creating its folder (used by ``demo``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
