"""One test per hook: each is called when its docstring says, with what it says."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from ecoute.engine import Mention, Normaliser, PluginError, RawItem, Sink, hookimpl
from ecoute.engine.plugins import create_plugin_manager
from tests.engine.helpers import demo_config, run_once, stored_ids
from tests.engine.plugin_dist import ACME_PLUGIN, forget_modules, make_distribution


@pytest.fixture
def acme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The example third-party plugin, importable and installed with an entry point."""
    root = make_distribution(
        tmp_path / "site",
        "ecoute-acme",
        "1.2.3",
        {"acme": "acme_plugin"},
        {"acme_plugin": ACME_PLUGIN},
    )
    monkeypatch.syspath_prepend(str(root))
    forget_modules("acme_plugin")
    module = importlib.import_module("acme_plugin")
    module.calls.clear()
    yield module
    forget_modules("acme_plugin")


def test_register_sources(acme: ModuleType) -> None:
    plugins = create_plugin_manager(load_entry_points=False, extra={"acme": acme})
    assert plugins.sources()["weather"].type == "weather"
    assert plugins.provider("sources", "weather") == "acme"


class Upper(Normaliser):
    platform = "upper"

    def normalise(self, item: RawItem) -> Mention:
        return Mention.from_dict(item.payload)


class NormaliserPlugin:
    def __init__(self, component: object) -> None:
        self.component = component

    @hookimpl
    def register_normalisers(self, register):  # type: ignore[no-untyped-def]
        register(self.component)


def test_register_normalisers() -> None:
    plugins = create_plugin_manager(
        load_entry_points=False, extra={"upper": NormaliserPlugin(Upper())}
    )
    assert isinstance(plugins.normalisers()["upper"], Upper)
    wrong = create_plugin_manager(load_entry_points=False, extra={"upper": NormaliserPlugin(Upper)})
    with pytest.raises(PluginError, match="instance of Normaliser"):
        wrong.normalisers()


def test_register_scorers(acme: ModuleType) -> None:
    plugins = create_plugin_manager(load_entry_points=False, extra={"acme": acme})
    assert plugins.scorers()["shout"].order == 70


class NullSink(Sink):
    type = "null"

    def write(self, batch: object) -> None:
        pass


class SinkPlugin:
    @hookimpl
    def register_sinks(self, register):  # type: ignore[no-untyped-def]
        register(NullSink)


def test_register_sinks() -> None:
    plugins = create_plugin_manager(load_entry_points=False, extra={"null": SinkPlugin()})
    assert plugins.sinks()["null"] is NullSink
    assert plugins.provider("sinks", "null") == "null"


@pytest.mark.slow
def test_register_commands(acme: ModuleType, tmp_path: Path) -> None:
    env = {
        "PYTHONPATH": str(tmp_path / "site"),
        "PATH": "/usr/bin:/bin",
        "XDG_CONFIG_HOME": str(tmp_path / "cfg"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "ecoute", "weather"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "sunny, from acme"
    listed = subprocess.run(
        [sys.executable, "-m", "ecoute", "--help"], capture_output=True, text=True, env=env
    )
    assert "weather" in listed.stdout


def test_startup(acme: ModuleType, tmp_path: Path) -> None:
    run_once(demo_config(tmp_path, limit=5), extra_plugins={"acme": acme})
    assert acme.calls[0] == ("startup", ("demo",))


def test_shutdown(acme: ModuleType, tmp_path: Path) -> None:
    run_once(demo_config(tmp_path, limit=5), extra_plugins={"acme": acme})
    assert acme.calls[-1] == ("shutdown", ("demo",))


def test_mentions_stored(acme: ModuleType, tmp_path: Path) -> None:
    run_once(demo_config(tmp_path, limit=12), extra_plugins={"acme": acme})
    announced = [i for name, ids in acme.calls if name == "stored" for i in ids]
    assert announced and announced == stored_ids(tmp_path / "store.db")


class ExplodingStored:
    @hookimpl
    def mentions_stored(self, mentions):  # type: ignore[no-untyped-def]
        raise RuntimeError("alerting backend down")


def test_mentions_stored_failure_is_isolated(acme: ModuleType, tmp_path: Path) -> None:
    run_once(
        demo_config(tmp_path, limit=8), extra_plugins={"boom": ExplodingStored(), "acme": acme}
    )
    assert any(name == "stored" for name, _ in acme.calls)
    assert len(stored_ids(tmp_path / "store.db")) == 8
