"""``ecoute plugins`` and ``ecoute sources``: what is installed and how sources are doing."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from ecoute.engine.errors import ConfigError
from ecoute.engine.health import Health
from ecoute.engine.records import format_time
from ecoute.engine.store import open_store

from .app import AppContext
from .render import local_time, one_line, table


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def plugins_command(app: AppContext, as_json: bool) -> None:
    """List plugins, their versions and what each registered."""
    rows = app.plugins().describe()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    lines = []
    for row in rows:
        if row["error"]:
            lines.append([row["name"], "-", row["origin"], f"FAILED: {row['error']}"])
            continue
        registered = "; ".join(
            f"{kind}: {', '.join(names)}" for kind, names in row["registered"].items()
        )
        lines.append([row["name"], row["version"] or "-", row["origin"], registered or "-"])
    click.echo(table(["plugin", "version", "origin", "registered"], lines))


@click.command("sources")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--rejects", "show_rejects", is_flag=True, help="Also list recent rejected items.")
@click.option(
    "--retry",
    "retry",
    metavar="NAME",
    multiple=True,
    help="Ask the running engine to fetch this source now (ends its backoff or wait).",
)
@click.pass_obj
def sources_command(
    app: AppContext, as_json: bool, show_rejects: bool, retry: tuple[str, ...]
) -> None:
    """Show each configured source and its health as the last run saw it."""
    config = app.config()
    store_path = config.engine.store
    if retry:
        _ask_retry(config.engine.store, [s.name for s in config.sources], retry)
        return
    health: dict[str, Health] = {}
    rejects = []
    if store_path.exists():
        with open_store(store_path, readonly=True) as store:
            health = {h.component: h for h in store.load_health()}
            if show_rejects:
                rejects = store.rejects(limit=50)
    configured = [(s.name, s.type, s.enabled) for s in config.sources]
    names = {name for name, _, _ in configured}
    configured += [
        (h.component.split(":", 1)[1], "?", True)
        for h in health.values()
        if h.kind == "source" and h.component.split(":", 1)[1] not in names
    ]
    if as_json:
        data = []
        for name, type_name, enabled in configured:
            state = health.get(f"source:{name}")
            item = {"name": name, "type": type_name, "enabled": enabled}
            item["health"] = _health_json(state) if state else None
            data.append(item)
        click.echo(
            json.dumps(
                {
                    "sources": data,
                    "components": [_health_json(h) for h in health.values() if h.kind != "source"],
                },
                indent=2,
            )
        )
        return
    rows = []
    for raw_name, raw_type, enabled in configured:
        state = health.get(f"source:{raw_name}")
        # Names come from the config or from a store another process wrote: never raw.
        name, type_name = one_line(raw_name), one_line(raw_type)
        if not enabled:
            rows.append([name, type_name, "disabled", "-", "-", "-", ""])
        elif state is None:
            rows.append([name, type_name, "never run", "-", "-", "-", ""])
        else:
            rows.append(
                [
                    name,
                    type_name,
                    one_line(state.state),
                    local_time(state.last_ok),
                    str(state.items),
                    str(state.errors + state.rejects),
                    one_line(state.reason),
                ]
            )
    if not rows:
        click.echo("no sources configured (see `ecoute config init`)", err=True)
    else:
        click.echo(table(["source", "type", "state", "last ok", "items", "errors", "reason"], rows))
    others = [
        [
            one_line(h.component),
            one_line(h.state),
            one_line(h.detail) or "-",
            str(h.items),
            str(h.errors),
            str(h.pending) if h.pending else "-",
            one_line(h.reason),
        ]
        for h in health.values()
        if h.kind not in ("source", "normaliser")
    ]
    if others:
        click.echo("")
        click.echo(
            table(["component", "state", "detail", "items", "errors", "pending", "reason"], others)
        )
    for reject in rejects:
        click.echo(
            f"rejected {local_time(reject.at)} {one_line(reject.source)} "
            f"{one_line(reject.context)}: {one_line(reject.reason, 200)}"
        )


def _ask_retry(store_path: Path, configured: list[str], names: tuple[str, ...]) -> None:
    unknown = [name for name in names if name not in configured]
    if unknown:
        raise ConfigError(
            f"no configured source named {', '.join(repr(one_line(n)) for n in unknown)}",
            key="--retry",
            hint=f"configured sources: {', '.join(configured) or '(none)'}",
        )
    with open_store(store_path) as store:
        for name in names:
            store.request_retry(f"source:{name}")
    click.echo(
        f"ecoute sources: asked the engine to retry {', '.join(names)} now "
        "(a running `ecoute run` or `ecoute tui --engine` picks it up within 2 s)",
        err=True,
    )


def _health_json(health: Health) -> dict[str, object]:
    data = asdict(health)
    for key in ("last_ok", "last_error", "next_attempt", "updated_at"):
        if data[key] is not None:
            data[key] = format_time(data[key])
    return data
