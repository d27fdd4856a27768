"""The plugin host: built-ins, entry points, broken plugins, clashes, blocking, tracing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecoute.engine import PluginError, Source, hookimpl
from ecoute.engine.plugins import DEFAULT_PLUGINS, create_plugin_manager
from tests.engine.plugin_dist import ACME_PLUGIN, forget_modules, make_distribution


@pytest.fixture
def acme_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A third-party distribution 'ecoute-acme' 1.2.3 with entry point 'acme'."""
    root = make_distribution(
        tmp_path / "site",
        "ecoute-acme",
        "1.2.3",
        {"acme": "acme_plugin"},
        {"acme_plugin": ACME_PLUGIN},
    )
    monkeypatch.syspath_prepend(str(root))
    yield root
    forget_modules("acme_plugin")


def test_fresh_manager_has_builtin_components() -> None:
    plugins = create_plugin_manager(load_entry_points=False)
    assert {"demo", "jsonl"} <= set(plugins.sources())
    assert {"jsonl", "stdout"} <= set(plugins.sinks())
    assert {"demo", "mention"} <= set(plugins.normalisers())
    assert plugins.provider("sources", "demo") == "sources.demo"
    assert set(plugins.infos) == set(DEFAULT_PLUGINS)


def test_each_call_builds_an_independent_manager() -> None:
    first = create_plugin_manager(load_entry_points=False)
    second = create_plugin_manager(load_entry_points=False, disabled=["sinks.stdout"])
    assert "stdout" in first.sinks()
    assert "stdout" not in second.sinks()


def test_third_party_plugin_loads_through_its_entry_point(acme_installed: Path) -> None:
    plugins = create_plugin_manager()
    assert "weather" in plugins.sources()
    assert plugins.provider("sources", "weather") == "acme"
    assert plugins.provider("scorers", "shout") == "acme"
    described = {row["name"]: row for row in plugins.describe()}
    assert described["acme"]["version"] == "1.2.3"
    assert described["acme"]["origin"] == "entry point"
    assert described["acme"]["registered"] == {"scorers": ["shout"], "sources": ["weather"]}
    assert "register_sources" in described["acme"]["hooks"]


def test_load_plugins_variable_limits_third_party_plugins(acme_installed: Path) -> None:
    none = create_plugin_manager(environ={"ECOUTE_LOAD_PLUGINS": ""})
    assert "weather" not in none.sources()
    assert "demo" in none.sources()  # built-ins are not third-party plugins
    only = create_plugin_manager(environ={"ECOUTE_LOAD_PLUGINS": "acme"})
    assert "weather" in only.sources()


def test_broken_plugin_warns_and_the_rest_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, acme_installed: Path
) -> None:
    root = make_distribution(
        tmp_path / "broken",
        "ecoute-broken",
        "0.1",
        {"broken": "broken_plugin"},
        {"broken_plugin": "import module_that_does_not_exist\n"},
    )
    monkeypatch.syspath_prepend(str(root))
    stderr = io.StringIO()
    plugins = create_plugin_manager(stderr=stderr)
    assert "plugin broken" in stderr.getvalue()
    assert "module_that_does_not_exist" in stderr.getvalue()
    assert "weather" in plugins.sources()
    failed = [row for row in plugins.describe() if row["error"]]
    assert [row["name"] for row in failed] == ["broken"]
    forget_modules("broken_plugin")


def test_disabled_plugins_block_builtins_and_third_parties(acme_installed: Path) -> None:
    plugins = create_plugin_manager(disabled=["acme", "sources.demo"])
    assert "weather" not in plugins.sources()
    assert "demo" not in plugins.sources()
    assert "jsonl" in plugins.sources()


def test_unknown_plugin_named_in_config_is_a_clear_error() -> None:
    with pytest.raises(PluginError) as error:
        create_plugin_manager(load_entry_points=False, required=["ecoute-reddit"])
    message = str(error.value)
    assert "ecoute-reddit" in message
    assert "installed plugins:" in message and "sources.demo" in message
    with pytest.raises(PluginError, match=r"sinks\.stdot"):
        create_plugin_manager(load_entry_points=False, disabled=["sinks.stdot"])


class _DemoClash:
    class ClashingSource(Source):
        type = "demo"

        async def fetch(self, cursor: str | None):  # type: ignore[no-untyped-def]
            raise NotImplementedError

    @hookimpl
    def register_sources(self, register):  # type: ignore[no-untyped-def]
        register(self.ClashingSource)


def test_name_clash_names_both_plugins() -> None:
    plugins = create_plugin_manager(load_entry_points=False, extra={"clasher": _DemoClash()})
    with pytest.raises(PluginError) as error:
        plugins.sources()
    assert "clasher" in str(error.value) and "sources.demo" in str(error.value)
    assert "disabled_plugins" in str(error.value)


class _WrongType:
    @hookimpl
    def register_sinks(self, register):  # type: ignore[no-untyped-def]
        register(object)


def test_registering_a_wrong_type_is_refused() -> None:
    plugins = create_plugin_manager(load_entry_points=False, extra={"wrong": _WrongType()})
    with pytest.raises(PluginError, match="expected a subclass of Sink"):
        plugins.sinks()


class _RaisesInRegister:
    @hookimpl
    def register_scorers(self, register):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")


def test_plugin_raising_in_a_register_hook_is_isolated(capsys: pytest.CaptureFixture[str]) -> None:
    plugins = create_plugin_manager(load_entry_points=False, extra={"raiser": _RaisesInRegister()})
    assert "raiser" not in {plugins.provider("scorers", name) for name in plugins.scorers()}
    assert "language" in plugins.scorers()  # the built-ins still registered
    assert "plugin raiser failed in register_scorers" in capsys.readouterr().err
    assert plugins.hook_errors == {"raiser": 1}


def test_trace_variable_traces_hook_calls(acme_installed: Path) -> None:
    stderr = io.StringIO()
    plugins = create_plugin_manager(environ={"ECOUTE_TRACE_PLUGINS": "1"}, stderr=stderr)
    plugins.sources()
    assert "register_sources" in stderr.getvalue()
