"""The plugin host: builds a pluggy manager, loads plugins, and collects their components.

Only this module calls ``pm.hook.*``; the rest of ecoute asks :class:`Plugins`.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from types import ModuleType
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import pluggy

from . import hookspecs
from .contracts import Normaliser, Scorer, Sink, Source, describe_options
from .errors import PluginError

if TYPE_CHECKING:
    import click

    from .hookspecs import EngineInfo
    from .records import Mention

log = logging.getLogger("ecoute.plugins")

ENTRY_POINT_GROUP = "ecoute"

# Built-in plugins: registered exactly like third-party ones, under these names,
# and blocked the same way (``disabled_plugins = ["sinks.stdout"]``).
DEFAULT_PLUGINS: dict[str, str] = {
    "sources.demo": "ecoute.plugins.sources.demo",
    "sources.jsonl": "ecoute.plugins.sources.jsonl",
    "sources.rss": "ecoute.plugins.sources.rss",
    "sources.mastodon": "ecoute.plugins.sources.mastodon",
    "sources.hackernews": "ecoute.plugins.sources.hackernews",
    "scorers.language": "ecoute.plugins.scorers.language",
    "scorers.topics": "ecoute.plugins.scorers.topics",
    "scorers.sentiment": "ecoute.plugins.scorers.sentiment",
    "sinks.jsonl": "ecoute.plugins.sinks.jsonl",
    "sinks.stdout": "ecoute.plugins.sinks.stdout",
}

COMPONENT_KINDS = ("sources", "normalisers", "scorers", "sinks")

T = TypeVar("T")


@dataclass(slots=True)
class PluginInfo:
    """One loaded plugin: where it came from and what it registered."""

    name: str
    version: str
    origin: str  # "builtin" or "entry point"
    module: str
    hooks: list[str] = field(default_factory=list)
    registered: dict[str, list[str]] = field(default_factory=dict)


@dataclass(slots=True)
class LoadFailure:
    """A plugin that could not be imported; the others still load."""

    name: str
    origin: str
    error: str


@dataclass(slots=True)
class _Registry:
    sources: dict[str, type[Source]] = field(default_factory=dict)
    normalisers: dict[str, Normaliser] = field(default_factory=dict)
    scorers: dict[str, type[Scorer]] = field(default_factory=dict)
    sinks: dict[str, type[Sink]] = field(default_factory=dict)
    provider: dict[tuple[str, str], str] = field(default_factory=dict)


class Plugins:
    """A plugin manager plus typed access to the components its plugins registered.

    Build one with :func:`create_plugin_manager`; components are collected
    lazily, the first time one kind is asked for.
    """

    def __init__(
        self,
        pm: pluggy.PluginManager,
        infos: dict[str, PluginInfo],
        failures: list[LoadFailure],
    ) -> None:
        self.pm = pm
        self.infos = infos
        self.failures = failures
        self._registry = _Registry()
        self._collected: set[str] = set()
        self._callers: dict[str, list[tuple[str, Callable[..., Any]]]] = {}
        self.hook_errors: dict[str, int] = {}

    # -- typed getters --------------------------------------------------------

    def sources(self) -> dict[str, type[Source]]:
        """Source classes by ``type`` name."""
        self._collect("sources")
        return dict(self._registry.sources)

    def normalisers(self) -> dict[str, Normaliser]:
        """Normalisers by the raw payload platform they read."""
        self._collect("normalisers")
        return dict(self._registry.normalisers)

    def scorers(self) -> dict[str, type[Scorer]]:
        """Scorer classes by name."""
        self._collect("scorers")
        return dict(self._registry.scorers)

    def sinks(self) -> dict[str, type[Sink]]:
        """Sink classes by ``type`` name."""
        self._collect("sinks")
        return dict(self._registry.sinks)

    def provider(self, kind: str, name: str) -> str:
        """Which plugin registered component ``name`` of ``kind`` (e.g. "sources")."""
        self._collect(kind)
        return self._registry.provider[(kind, name)]

    def collect_all(self) -> None:
        """Run every registration hook now (``ecoute plugins``, ``config check``)."""
        for kind in COMPONENT_KINDS:
            self._collect(kind)

    # -- hook calls -----------------------------------------------------------

    def add_commands(self, cli: click.Group) -> None:
        """Let plugins add CLI commands; a plugin that raises is reported and skipped."""
        self._call_each("register_commands", cli=cli)

    def startup(self, engine: EngineInfo) -> None:
        """Call every ``startup`` implementation, isolating failures."""
        self._call_each("startup", engine=engine)

    def shutdown(self, engine: EngineInfo) -> None:
        """Call every ``shutdown`` implementation, isolating failures."""
        self._call_each("shutdown", engine=engine)

    def mentions_stored(self, mentions: Sequence[Mention]) -> None:
        """Tell plugins a batch was committed, isolating failures."""
        self._call_each("mentions_stored", mentions=mentions)

    def describe(self) -> list[dict[str, Any]]:
        """Plugins, versions and registrations as plain data (``ecoute plugins``)."""
        self.collect_all()
        rows: list[dict[str, Any]] = [
            {
                "name": info.name,
                "version": info.version,
                "origin": info.origin,
                "module": info.module,
                "hooks": sorted(info.hooks),
                "registered": {k: sorted(v) for k, v in info.registered.items() if v},
                "options": self._options_of(info),
                "error": None,
            }
            for info in sorted(self.infos.values(), key=lambda i: (i.origin != "builtin", i.name))
        ]
        rows += [
            {
                "name": failure.name,
                "version": None,
                "origin": failure.origin,
                "module": None,
                "hooks": [],
                "registered": {},
                "error": failure.error,
            }
            for failure in self.failures
        ]
        return rows

    # -- internals ------------------------------------------------------------

    def _options_of(self, info: PluginInfo) -> dict[str, Any]:
        """The declared config options of each source, scorer and sink a plugin gave."""
        tables: dict[str, dict[str, type[Any]]] = {
            "sources": self._registry.sources,
            "scorers": self._registry.scorers,
            "sinks": self._registry.sinks,
        }
        return {
            f"{kind}.{name}": describe_options(tables[kind][name].options)
            for kind, names in sorted(info.registered.items())
            if kind in tables
            for name in sorted(names)
        }

    def _callers_for(self, hook_name: str) -> list[tuple[str, Callable[..., Any]]]:
        # One caller per implementing plugin, so each call knows (and isolates)
        # its plugin while still going through pluggy (and its tracing).
        if hook_name not in self._callers:
            hook = getattr(self.pm.hook, hook_name)
            names = [impl.plugin_name for impl in hook.get_hookimpls()]
            callers: list[tuple[str, Callable[..., Any]]] = []
            for plugin_name in names:
                others = [self.pm.get_plugin(other) for other in names if other != plugin_name]
                callers.append(
                    (plugin_name, self.pm.subset_hook_caller(hook_name, remove_plugins=others))
                )
            self._callers[hook_name] = callers
        return self._callers[hook_name]

    def _call_each(self, hook_name: str, **kwargs: Any) -> None:
        for plugin_name, caller in self._callers_for(hook_name):
            try:
                caller(**kwargs)
            except Exception as exc:  # a plugin's bug must not stop the engine
                self.hook_errors[plugin_name] = self.hook_errors.get(plugin_name, 0) + 1
                log.error(
                    "plugin %s failed in %s: %s: %s",
                    plugin_name,
                    hook_name,
                    type(exc).__name__,
                    exc,
                )

    def _collect(self, kind: str) -> None:
        if kind in self._collected:
            return
        self._collected.add(kind)
        hook_name = f"register_{kind}"
        for plugin_name, caller in self._callers_for(hook_name):
            register = self._make_register(kind, plugin_name)
            try:
                caller(register=register)
            except PluginError:
                raise
            except Exception as exc:
                self.hook_errors[plugin_name] = self.hook_errors.get(plugin_name, 0) + 1
                print(
                    f"ecoute: warning: plugin {plugin_name} failed in {hook_name}: "
                    f"{type(exc).__name__}: {exc}",
                    file=sys.stderr,
                )

    def _make_register(self, kind: str, plugin_name: str) -> Callable[[Any], None]:
        registry = self._registry

        def register(component: Any) -> None:
            key = _component_key(kind, component, plugin_name)
            table: dict[str, Any] = getattr(registry, kind)
            if key in table:
                other = registry.provider[(kind, key)]
                raise PluginError(
                    f"plugin {plugin_name} registers {kind[:-1]} '{key}', which plugin "
                    f"{other} already registered; disable one of them with "
                    f'disabled_plugins = ["{plugin_name}"] (or ["{other}"])'
                )
            table[key] = component
            registry.provider[(kind, key)] = plugin_name
            if plugin_name in self.infos:
                self.infos[plugin_name].registered.setdefault(kind, []).append(key)

        return register


_EXPECTED: dict[str, tuple[type, bool, str]] = {
    # kind: (base class, expects a class (True) or an instance (False), name attribute)
    "sources": (Source, True, "type"),
    "normalisers": (Normaliser, False, "platform"),
    "scorers": (Scorer, True, "name"),
    "sinks": (Sink, True, "type"),
}


def _component_key(kind: str, component: Any, plugin_name: str) -> str:
    base, wants_class, attribute = _EXPECTED[kind]
    if wants_class:
        ok = isinstance(component, type) and issubclass(component, base)
        what = f"a subclass of {base.__name__}"
    else:
        ok = isinstance(component, base)
        what = f"an instance of {base.__name__}"
    if not ok:
        raise PluginError(
            f"plugin {plugin_name} registered {component!r} as a {kind[:-1]}; expected {what}"
        )
    key = getattr(component, attribute, None)
    if not isinstance(key, str) or not key:
        raise PluginError(
            f"plugin {plugin_name}: {component!r} has no '{attribute}' name (a non-empty string)"
        )
    return key


def create_plugin_manager(
    *,
    disabled: Iterable[str] = (),
    required: Iterable[str] = (),
    builtins: Mapping[str, str] | None = None,
    load_entry_points: bool = True,
    extra: Mapping[str, ModuleType | object] | None = None,
    environ: Mapping[str, str] | None = None,
    stderr: TextIO | None = None,
) -> Plugins:
    """Build a fresh plugin manager with built-in and installed plugins.

    Args:
        disabled: plugin names to block (built-ins included), from config.
        required: plugin names the config needs; missing ones are an error.
        builtins: name -> module path of built-in plugins (default DEFAULT_PLUGINS).
        load_entry_points: load third-party plugins from the ``ecoute`` group.
        extra: plugins to register directly (name -> module or object), for tests
            and embedding.
        environ: where ``ECOUTE_LOAD_PLUGINS`` and ``ECOUTE_TRACE_PLUGINS`` are read.
        stderr: where import failures are reported.
    Raises:
        PluginError: a disabled or required plugin is not installed.
    """
    environ = os.environ if environ is None else environ
    stderr = sys.stderr if stderr is None else stderr
    builtins = DEFAULT_PLUGINS if builtins is None else builtins
    extra = extra or {}

    pm = pluggy.PluginManager("ecoute")
    pm.add_hookspecs(hookspecs)
    if environ.get("ECOUTE_TRACE_PLUGINS", "") not in ("", "0"):
        pm.trace.root.setwriter(stderr.write)
        pm.enable_tracing()

    entry_points = list(metadata.entry_points(group=ENTRY_POINT_GROUP)) if load_entry_points else []
    load_only = _load_only(environ)
    installed = sorted({*builtins, *extra, *(ep.name for ep in entry_points)})
    disabled = set(disabled)
    for name in sorted(disabled | set(required) | (load_only or set())):
        if name not in installed:
            raise PluginError(
                f"plugin '{name}' is named in the configuration but is not installed; "
                f"installed plugins: {', '.join(installed)}"
            )
    for name in disabled:
        pm.set_blocked(name)

    infos: dict[str, PluginInfo] = {}
    failures: list[LoadFailure] = []
    from ecoute import __version__

    for name, module_path in builtins.items():
        if name in disabled:
            continue
        module = importlib.import_module(module_path)
        pm.register(module, name=name)
        infos[name] = PluginInfo(name, __version__, "builtin", module_path)

    for name, plugin in extra.items():
        if name in disabled:
            continue
        pm.register(plugin, name=name)
        module_name = getattr(plugin, "__name__", type(plugin).__name__)
        infos[name] = PluginInfo(name, "", "direct", module_name)

    for ep in entry_points:
        if ep.name in disabled or (load_only is not None and ep.name not in load_only):
            continue
        if pm.has_plugin(ep.name) or pm.is_blocked(ep.name):
            continue
        version = ep.dist.version if ep.dist is not None else ""
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
        except Exception as exc:  # a broken third-party plugin must not stop ecoute
            failures.append(LoadFailure(ep.name, "entry point", f"{type(exc).__name__}: {exc}"))
            print(
                f"ecoute: warning: plugin {ep.name} ({ep.value}) failed to load and was "
                f"skipped: {type(exc).__name__}: {exc}",
                file=stderr,
            )
            continue
        infos[ep.name] = PluginInfo(ep.name, version, "entry point", ep.value)

    for name, info in infos.items():
        plugin = pm.get_plugin(name)
        info.hooks = [caller.name for caller in pm.get_hookcallers(plugin) or []]
    return Plugins(pm, infos, failures)


def _load_only(environ: Mapping[str, str]) -> set[str] | None:
    if "ECOUTE_LOAD_PLUGINS" not in environ:
        return None
    return {name.strip() for name in environ["ECOUTE_LOAD_PLUGINS"].split(",") if name.strip()}
