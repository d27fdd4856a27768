"""Reading and validating the TOML configuration file.

Loading checks the file's structure; :func:`resolve_components` then checks each
source, scorer and sink against the options its plugin declares.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .options import Option, OptionProblem, validate_options
from .paths import default_store_path

ENGINE_OPTIONS: tuple[Option, ...] = (
    Option("store", str, None, help="path of the SQLite store (default: the user data folder)"),
    Option("batch_size", int, 200, minimum=1, help="mentions per micro-batch"),
    Option("batch_wait", float, 0.5, minimum=0.0, help="seconds to wait before a partial batch"),
    Option("queue_size", int, 16, minimum=1, help="batches buffered between stages"),
    Option("log_level", str, "info", choices=("debug", "info", "warning", "error")),
)
TOP_LEVEL_KEYS = ("engine", "topics", "sources", "scorers", "sinks", "disabled_plugins", "plugins")
SOURCE_RESERVED = ("type", "name", "interval", "enabled", "require_topic", "deadline")
SINK_RESERVED = ("type", "name", "enabled", "deadline")
SCORER_RESERVED = ("enabled", "deadline")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


@dataclass(slots=True)
class EngineSettings:
    """The ``[engine]`` table."""

    store: Path
    batch_size: int = 200
    batch_wait: float = 0.5
    queue_size: int = 16
    log_level: str = "info"


@dataclass(slots=True)
class TopicConfig:
    """One ``[[topics]]`` entry: a name and its query."""

    name: str
    query: str
    key: str = ""


@dataclass(slots=True)
class ComponentConfig:
    """One ``[[sources]]`` or ``[[sinks]]`` entry, or one ``[scorers.<name>]`` table.

    ``settings`` are the plugin's own keys, not yet validated; ``key`` locates the
    entry in the file (``sources[2]``) for error messages.
    """

    type: str
    name: str
    settings: dict[str, Any]
    key: str
    enabled: bool = True
    interval: float | None = None
    require_topic: bool = False  # sources only: drop mentions that match no topic
    # Seconds one call (a fetch, a batch's scoring, a sink write) may take before the
    # component is reported stuck; None for the kind's default.
    deadline: float | None = None


@dataclass(slots=True)
class Config:
    """A loaded configuration file (or the defaults when there is none)."""

    path: Path | None
    text: str
    engine: EngineSettings
    topics: list[TopicConfig] = field(default_factory=list)
    sources: list[ComponentConfig] = field(default_factory=list)
    sinks: list[ComponentConfig] = field(default_factory=list)
    scorers: dict[str, ComponentConfig] = field(default_factory=dict)
    disabled_plugins: list[str] = field(default_factory=list)
    plugins: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    def error(self, key: str, message: str, hint: str | None = None) -> ConfigError:
        """A ConfigError for ``key`` (dotted, ``sources[1].rate``) in this file."""
        return ConfigError(
            message,
            path=str(self.path) if self.path else None,
            key=key,
            line=locate_key(self.text, key),
            hint=hint,
        )


def load_config(
    path: Path | None, *, must_exist: bool = False, environ: Mapping[str, str] | None = None
) -> Config:
    """Read and structurally validate a config file.

    A missing file gives the defaults unless ``must_exist``.

    Raises:
        ConfigError: unreadable file, TOML syntax error, or a structural problem.
    """
    if path is None or not path.exists():
        if must_exist:
            raise ConfigError(
                "no configuration file here",
                path=str(path) if path else None,
                hint="create one with `ecoute config init` (or pass --config FILE)",
            )
        return Config(path=None, text="", engine=EngineSettings(store=default_store_path(environ)))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the file: {exc}", path=str(path)) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.14 adds exc.lineno; older versions only say it in the message.
        found = re.search(r"at line (\d+)", str(exc))
        line = getattr(exc, "lineno", None) or (int(found.group(1)) if found else None)
        raise ConfigError(
            f"not valid TOML: {exc}",
            path=str(path),
            line=line,
            hint="check quotes, brackets and that each key is written once",
        ) from exc
    return parse_config(data, path=path, text=text, environ=environ)


def parse_config(
    data: dict[str, Any],
    *,
    path: Path | None = None,
    text: str = "",
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Validate the structure of already-parsed TOML data."""
    config = Config(path=path, text=text, engine=EngineSettings(store=Path()), raw=data)
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise config.error(key, "unknown top-level key", _suggest(key, TOP_LEVEL_KEYS))
    config.engine = _engine(config, data.get("engine", {}), environ)
    config.topics = _topics(config, data.get("topics", []))
    config.sources = _components(config, data.get("sources", []), "sources", SOURCE_RESERVED)
    config.sinks = _components(config, data.get("sinks", []), "sinks", SINK_RESERVED)
    config.scorers = _scorers(config, data.get("scorers", {}))
    config.disabled_plugins = _names(config, data.get("disabled_plugins", []), "disabled_plugins")
    config.plugins = _names(config, data.get("plugins", []), "plugins")
    return config


def _engine(config: Config, table: Any, environ: Mapping[str, str] | None) -> EngineSettings:
    if not isinstance(table, dict):
        raise config.error("engine", "must be a table", "write it as [engine] followed by keys")
    try:
        values, _ = validate_options(ENGINE_OPTIONS, table)
    except OptionProblem as problem:
        raise config.error(f"engine.{problem.key}", str(problem), problem.hint) from None
    store = values.pop("store")
    if store:
        store_path = Path(store).expanduser()
        if not store_path.is_absolute() and config.path is not None:
            store_path = config.path.parent / store_path
    else:
        store_path = default_store_path(environ)
    return EngineSettings(store=store_path, **values)


def check_store_path(config: Config, key: str = "engine.store") -> None:
    """Check that the store path can be a store file, before anything opens it.

    ``key`` names where the path came from (``engine.store``, or ``--store``).

    Raises:
        ConfigError: the path is a folder, or a folder on its way is a file.
    """
    store = config.engine.store
    problem, hint = None, None
    if store.is_dir():
        problem = f"the store {store} is a folder, not a file"
        hint = f'name a file, for example "{store / "ecoute.db"}"'
    else:
        parent = next((p for p in store.parents if p.exists()), None)
        if parent is not None and not parent.is_dir():
            problem = f"the store {store} cannot be created: {parent} is a file, not a folder"
            hint = "choose a store path inside a folder"
    if problem is None:
        return
    if key.startswith("engine.") and config.path is not None:
        raise config.error(key, problem, hint)
    raise ConfigError(problem, key=key, hint=hint)


def _topics(config: Config, entries: Any) -> list[TopicConfig]:
    if not isinstance(entries, list):
        raise config.error("topics", "must be an array of tables", "write each as [[topics]]")
    topics: list[TopicConfig] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        key = f"topics[{index}]"
        if not isinstance(entry, dict):
            raise config.error(key, "must be a table", "write each topic as [[topics]]")
        for field_name in entry:
            if field_name not in ("name", "query", "description"):
                raise config.error(
                    f"{key}.{field_name}",
                    "unknown key in a topic",
                    "a topic has name, query and an optional description",
                )
        name, query = entry.get("name"), entry.get("query")
        if not isinstance(name, str) or not name.strip():
            raise config.error(f"{key}.name", "missing or empty", 'add name = "My brand"')
        if not isinstance(query, str) or not query.strip():
            raise config.error(
                f"{key}.query", "missing or empty", 'add query = "acme OR acmecloud"'
            )
        if name in seen:
            raise config.error(f"{key}.name", f"topic '{name}' is defined twice", "rename one")
        seen.add(name)
        _check_query(config, f"{key}.query", name, query)
        topics.append(TopicConfig(name=name, query=query, key=key))
    return topics


def _check_query(config: Config, key: str, name: str, query: str) -> None:
    """Raise a ConfigError with the caret message when a topic's query is invalid."""
    from .query.errors import QueryError
    from .query.parser import parse

    try:
        parse(query)
    except QueryError as exc:
        raise config.error(
            key,
            f"the query of topic '{name}' is invalid: {exc}",
            "see docs/query-language.md (`ecoute match QUERY` tries a query on text)",
        ) from None


def _components(
    config: Config, entries: Any, section: str, reserved: Sequence[str]
) -> list[ComponentConfig]:
    if not isinstance(entries, list):
        raise config.error(section, "must be an array of tables", f"write each as [[{section}]]")
    components: list[ComponentConfig] = []
    seen: dict[str, str] = {}
    for index, entry in enumerate(entries):
        key = f"{section}[{index}]"
        if not isinstance(entry, dict):
            raise config.error(key, "must be a table", f"write each as [[{section}]]")
        type_name = entry.get("type")
        if not isinstance(type_name, str) or not type_name:
            raise config.error(f"{key}.type", "missing", f'add type = "..." to this [[{section}]]')
        name = entry.get("name", type_name)
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise config.error(
                f"{key}.name",
                f"{name!r} is not a valid name",
                "use letters, digits, '.', '_' or '-', starting with a letter or digit",
            )
        if name in seen:
            raise config.error(
                f"{key}.name",
                f"the name '{name}' is already used by {seen[name]}",
                'give each entry its own name = "..."',
            )
        seen[name] = key
        enabled = entry.get("enabled", True)
        if not isinstance(enabled, bool):
            raise config.error(f"{key}.enabled", "must be true or false")
        interval = entry.get("interval")
        if interval is not None and (
            isinstance(interval, bool) or not isinstance(interval, int | float) or interval <= 0
        ):
            raise config.error(f"{key}.interval", "must be a positive number of seconds")
        require_topic = entry.get("require_topic", False) if "require_topic" in reserved else False
        if not isinstance(require_topic, bool):
            raise config.error(
                f"{key}.require_topic",
                "must be true or false",
                "require_topic = true drops this source's mentions that match no topic",
            )
        settings = {k: v for k, v in entry.items() if k not in reserved}
        components.append(
            ComponentConfig(
                type=type_name,
                name=name,
                settings=settings,
                key=key,
                enabled=enabled,
                interval=float(interval) if interval is not None else None,
                require_topic=require_topic,
                deadline=_deadline(config, key, entry),
            )
        )
    return components


def _scorers(config: Config, table: Any) -> dict[str, ComponentConfig]:
    if not isinstance(table, dict):
        raise config.error("scorers", "must be a table", "write [scorers.<name>] tables")
    scorers: dict[str, ComponentConfig] = {}
    for name, entry in table.items():
        key = f"scorers.{name}"
        if not isinstance(entry, dict):
            raise config.error(key, "must be a table", f"write it as [scorers.{name}]")
        enabled = entry.get("enabled", True)
        if not isinstance(enabled, bool):
            raise config.error(f"{key}.enabled", "must be true or false")
        settings = {k: v for k, v in entry.items() if k not in SCORER_RESERVED}
        scorers[name] = ComponentConfig(
            type=name,
            name=name,
            settings=settings,
            key=key,
            enabled=enabled,
            deadline=_deadline(config, key, entry),
        )
    return scorers


def _deadline(config: Config, key: str, entry: dict[str, Any]) -> float | None:
    value = entry.get("deadline")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise config.error(
            f"{key}.deadline",
            "must be a positive number of seconds",
            "deadline = 120 reports the component stuck when one call takes longer",
        )
    return float(value)


def _names(config: Config, value: Any, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise config.error(key, "must be a list of plugin names", f'{key} = ["name", ...]')
    return list(value)


def _suggest(key: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    prefix = f"did you mean '{close[0]}'? " if close else ""
    return f"{prefix}known keys: {', '.join(known)}"


def locate_key(text: str, key: str) -> int | None:
    """Best-effort line number (1-based) of a dotted key like ``sources[1].rate``.

    Handles ``[table]``, ``[[array]]`` headers and ``key = value`` lines; returns
    None when the key is written in a form it does not follow (inline tables).
    """
    if not text:
        return None
    parts = re.findall(r"([^.\[\]]+)(?:\[(\d+)\])?", key)
    if not parts:
        return None
    lines = text.splitlines()
    headers = [
        (number, match.group(1) is not None, match.group(2).strip())
        for number, line in enumerate(lines)
        if (match := re.match(r"^\s*\[(\[)?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$", line))
    ]
    first, index = parts[0]
    start, end = 0, len(lines)
    rest = parts[1:]
    if index:
        hits = [n for n, is_array, name in headers if is_array and name == first]
        if int(index) >= len(hits):
            return None
        start = hits[int(index)]
    elif rest and any(name == f"{first}.{rest[0][0]}" for _, _, name in headers):
        start = next(n for n, _, name in headers if name == f"{first}.{rest[0][0]}")
        rest = rest[1:]
    elif rest and any(name == first for _, _, name in headers):
        start = next(n for n, _, name in headers if name == first)
    elif not rest:
        # A top-level key (or a table header of that name).
        for number, _, name in headers:
            if name == first:
                return number + 1
        end = headers[0][0] if headers else len(lines)
        return _find_assignment(lines, 0, end, first)
    following = [n for n, _, _ in headers if n > start]
    end = following[0] if following else len(lines)
    if not rest:
        return start + 1
    return _find_assignment(lines, start + 1, end, rest[-1][0]) or start + 1


def _find_assignment(lines: list[str], start: int, end: int, name: str) -> int | None:
    pattern = re.compile(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=")
    for number in range(start, end):
        if pattern.match(lines[number]):
            return number + 1
    return None
