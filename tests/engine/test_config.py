"""Configuration: structure, plugin options, secrets, and error messages with file/key/line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecoute.engine import ConfigError, FetchResult, Option, Source, hookimpl
from ecoute.engine.components import build, check_secrets, resolve_components
from ecoute.engine.config import load_config, locate_key
from ecoute.engine.plugins import create_plugin_manager


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def resolve(path: Path):  # type: ignore[no-untyped-def]
    config = load_config(path)
    plugins = create_plugin_manager(load_entry_points=False, disabled=config.disabled_plugins)
    return config, resolve_components(config, plugins)


def test_full_config_loads(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[engine]
store = "data/mentions.db"
batch_size = 50

[[topics]]
name = "Acme"
query = "acme OR acmecloud"

[[sources]]
type = "demo"
rate = 5
interval = 2

[[sources]]
type = "jsonl"
name = "archive"
path = "in.jsonl"

[[sinks]]
type = "jsonl"
path = "out.jsonl"
""",
    )
    config, components = resolve(path)
    assert config.engine.store == tmp_path / "data" / "mentions.db"
    assert config.engine.batch_size == 50
    assert [t.name for t in config.topics] == ["Acme"]
    assert [s.name for s in components.sources] == ["demo", "archive"]
    assert components.sources[0].options["rate"] == 5.0  # int accepted as float
    assert components.sources[0].config.interval == 2.0
    assert [s.name for s in components.sinks] == ["jsonl"]


def test_missing_default_config_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")
    assert config.path is None and config.sources == []
    with pytest.raises(ConfigError, match="config init"):
        load_config(tmp_path / "absent.toml", must_exist=True)


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[engine]\nbatch_size = 10\nlog_level = "info\n')
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert f"{path}:3" in message
    assert "not valid TOML" in message


@pytest.mark.parametrize(
    ("text", "key", "line", "fragment"),
    [
        ("[engine]\nbatch_sise = 10\n", "engine.batch_sise", 2, "did you mean 'batch_size'"),
        ('[engine]\nbatch_size = "ten"\n', "engine.batch_size", 2, "must be an integer"),
        ('[engine]\nlog_level = "loud"\n', "engine.log_level", 2, "is not one of"),
        ('[[topics]]\nname = "A"\n', "topics[0].query", 1, "add query ="),
        ('[[sources]]\nname = "x"\n', "sources[0].type", 1, 'add type = "..."'),
        (
            '[[sources]]\ntype = "demo"\n\n[[sources]]\ntype = "demo"\n',
            "sources[1].name",
            4,
            "already used",
        ),
        ("wat = 1\n", "wat", 1, "known keys"),
        ('[[sources]]\ntype = "demo"\ninterval = -1\n', "sources[0].interval", 3, "positive"),
    ],
)
def test_structural_errors_name_key_line_and_fix(
    tmp_path: Path, text: str, key: str, line: int, fragment: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert f"{path}:{line}" in message, message
    assert f"key '{key}'" in message, message
    assert fragment in message, message


def test_unknown_source_type_lists_known_types(tmp_path: Path) -> None:
    path = write(tmp_path, '[[sources]]\ntype = "twiter"\n')
    with pytest.raises(ConfigError) as error:
        resolve(path)
    message = str(error.value)
    assert "unknown source type 'twiter'" in message
    assert "demo" in message and "jsonl" in message
    assert f"{path}:2" in message


def test_plugin_options_are_validated(tmp_path: Path) -> None:
    path = write(tmp_path, '[[sources]]\ntype = "demo"\nrat = 3\n')
    with pytest.raises(ConfigError) as error:
        resolve(path)
    assert "key 'sources[0].rat'" in str(error.value)
    assert "did you mean 'rate'" in str(error.value)
    assert f"{path}:3" in str(error.value)
    path = write(tmp_path, '[[sinks]]\ntype = "jsonl"\n')
    with pytest.raises(ConfigError, match=r"sinks\[0\]\.path.*missing"):
        resolve(path)


def test_unknown_scorer_table_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, '[scorers.sentimint]\nmodel = "bundled"\n')
    with pytest.raises(ConfigError, match="no scorer named 'sentimint'"):
        resolve(path)


def test_a_primary_sink_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = write(tmp_path, '[[sinks]]\ntype = "jsonl"\npath = "o.jsonl"\nprimary = true\n')
    with pytest.raises(ConfigError, match="primary record is always the engine's store") as info:
        resolve(path)
    assert info.value.key == "sinks[0].primary"
    assert "[engine] store" in str(info.value)


def test_locate_key_handles_tables_arrays_and_top_level() -> None:
    text = (
        'a = 1\n[engine]\nstore = "x"\n\n[[sources]]\ntype = "demo"\n[[sources]]\n'
        'type = "jsonl"\npath = "p"\n[scorers.sentiment]\nmodel = "m"\n'
    )
    assert locate_key(text, "a") == 1
    assert locate_key(text, "engine.store") == 3
    assert locate_key(text, "sources[1].path") == 9
    assert locate_key(text, "sources[1]") == 7
    assert locate_key(text, "scorers.sentiment.model") == 11
    assert locate_key(text, "sources[5].type") is None


class VaultSource(Source):
    """A source with a secret option, as a platform API plugin would declare it."""

    type = "vault"
    options = (Option("token", str, required=True, secret=True),)

    async def fetch(self, cursor: str | None) -> FetchResult:
        raise NotImplementedError


class _SecretSourcePlugin:
    @hookimpl
    def register_sources(self, register):  # type: ignore[no-untyped-def]
        register(VaultSource)


def _secret_setup(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = write(tmp_path, text)
    config = load_config(path)
    plugins = create_plugin_manager(load_entry_points=False, extra={"vault": _SecretSourcePlugin()})
    return config, plugins


def test_secrets_are_never_written_in_the_file(tmp_path: Path) -> None:
    config, plugins = _secret_setup(tmp_path, '[[sources]]\ntype = "vault"\ntoken = "s3cr3t"\n')
    with pytest.raises(ConfigError) as error:
        resolve_components(config, plugins)
    assert "never written in the config file" in str(error.value)
    assert "token_env" in str(error.value)
    assert "s3cr3t" not in str(error.value)


def test_secrets_come_from_the_named_environment_variable(tmp_path: Path) -> None:
    config, plugins = _secret_setup(
        tmp_path, '[[sources]]\ntype = "vault"\ntoken_env = "VAULT_TOKEN"\n'
    )
    component = resolve_components(config, plugins).sources[0]
    with pytest.raises(ConfigError, match="VAULT_TOKEN is not set"):
        check_secrets(config, component, {})
    source = build(component, config, environ={"VAULT_TOKEN": "abc"})
    assert source.context.secrets == {"token": "abc"}
    assert "token" not in source.context.options
