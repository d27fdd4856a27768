"""Turn configured sources, scorers and sinks into checked, ready-to-build components."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .config import ComponentConfig, Config
from .contracts import Clock, ComponentContext, Scorer, Sink, Source, SystemClock, Topic
from .errors import ConfigError
from .options import OptionProblem, resolve_secrets, validate_options
from .paths import data_dir
from .plugins import Plugins


@dataclass(slots=True)
class Component:
    """A configured component with its plugin class and validated options."""

    kind: str  # "source", "scorer" or "sink"
    config: ComponentConfig
    cls: type[Any]
    plugin: str
    options: dict[str, Any]
    secret_envs: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The configured name."""
        return self.config.name


@dataclass(slots=True)
class Components:
    """Everything a run needs, in pipeline order."""

    sources: list[Component]
    scorers: list[Component]
    sinks: list[Component]


def resolve_components(config: Config, plugins: Plugins) -> Components:
    """Check every configured component against its plugin's declared options.

    Raises:
        ConfigError: unknown type (listing the known ones), unknown or bad option.
    """
    source_types = plugins.sources()
    sources = [
        _resolve(config, entry, "source", source_types, plugins, "sources")
        for entry in config.sources
        if entry.enabled
    ]
    scorer_types = plugins.scorers()
    for name, entry in config.scorers.items():
        if name not in scorer_types:
            raise config.error(
                entry.key,
                f"no scorer named '{name}' is installed",
                f"installed scorers: {_listing(scorer_types)}",
            )
    scorers = []
    for name, _cls in sorted(scorer_types.items(), key=lambda item: (item[1].order, item[0])):
        entry = config.scorers.get(name) or ComponentConfig(
            type=name, name=name, settings={}, key=f"scorers.{name}"
        )
        if entry.enabled:
            scorers.append(_resolve(config, entry, "scorer", scorer_types, plugins, "scorers"))
    sink_types = plugins.sinks()
    sinks = [
        _resolve(config, entry, "sink", sink_types, plugins, "sinks")
        for entry in config.sinks
        if entry.enabled
    ]
    return Components(sources=sources, scorers=scorers, sinks=sinks)


def _resolve(
    config: Config,
    entry: ComponentConfig,
    kind: str,
    types: Mapping[str, type[Any]],
    plugins: Plugins,
    plural: str,
) -> Component:
    if entry.type not in types:
        raise config.error(
            f"{entry.key}.type" if kind != "scorer" else entry.key,
            f"unknown {kind} type '{entry.type}'",
            f"known {kind} types: {_listing(types)} (a plugin may provide others)",
        )
    cls = types[entry.type]
    settings = dict(entry.settings)
    if kind == "sink" and "primary" in settings:
        raise config.error(
            f"{entry.key}.primary",
            "sinks are copies; the primary record is always the engine's store",
            'remove primary; choose the store with [engine] store = "..."',
        )
    try:
        options, secret_envs = validate_options(cls.options, settings)
    except OptionProblem as problem:
        raise config.error(f"{entry.key}.{problem.key}", str(problem), problem.hint) from None
    return Component(
        kind=kind,
        config=entry,
        cls=cls,
        plugin=plugins.provider(plural, entry.type),
        options=options,
        secret_envs=secret_envs,
    )


def _listing(types: Mapping[str, Any]) -> str:
    return ", ".join(sorted(types)) or "(none)"


def check_secrets(config: Config, component: Component, environ: Mapping[str, str]) -> None:
    """Raise ConfigError when a secret's environment variable is not set."""
    try:
        resolve_secrets(component.secret_envs, environ)
    except OptionProblem as problem:
        raise config.error(
            f"{component.config.key}.{problem.key}", str(problem), problem.hint
        ) from None


def build(
    component: Component,
    config: Config,
    *,
    environ: Mapping[str, str] | None = None,
    clock: Clock | None = None,
) -> Any:
    """Instantiate a component with its narrow context (options, secrets, logger)."""
    environ = os.environ if environ is None else environ
    check_secrets(config, component, environ)
    secrets = resolve_secrets(component.secret_envs, environ)
    context = ComponentContext(
        name=component.name,
        options=dict(component.options),
        logger=logging.getLogger(f"ecoute.{component.kind}.{component.name}"),
        secrets=secrets,
        data_dir=data_dir() / f"{component.kind}s" / component.name,
        clock=clock or SystemClock(),
        topics=tuple(Topic(t.name, t.query) for t in config.topics),
    )
    try:
        instance = component.cls(context)
    except ConfigError as exc:
        if exc.path is not None:
            raise
        # A component's own check: place it in this config file, under its table.
        key = f"{component.config.key}.{exc.key}" if exc.key else component.config.key
        raise config.error(key, exc.problem, exc.hint) from None
    expected = {"source": Source, "scorer": Scorer, "sink": Sink}[component.kind]
    assert isinstance(instance, expected)
    return instance
