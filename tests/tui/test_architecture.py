"""The TUI's structure, checked statically: what it imports, where screens live, how the app talks.

Reads the modules' source (their ASTs); imports nothing of the TUI but its location.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import ecoute.engine
import ecoute.tui

TUI = Path(ecoute.tui.__file__).resolve().parent
ENGINE = Path(ecoute.engine.__file__).resolve().parent
# The engine modules the TUI may use; everything else of the engine is internal to it.
ENGINE_API = {
    "ecoute.engine",
    "ecoute.engine.store",
    "ecoute.engine.records",
    "ecoute.engine.health",
    "ecoute.engine.errors",
    "ecoute.engine.timeparse",
    "ecoute.engine.cleanup",
    "ecoute.engine.runtime",
    "ecoute.engine.runtime.batching",
}


def modules() -> Iterator[tuple[str, Path]]:
    """(dotted name, path) of every module of the TUI."""
    for path in sorted(TUI.rglob("*.py")):
        parts = path.relative_to(TUI).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(("ecoute", "tui", *parts)), path


def imported(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every module ``name`` imports (relative imports resolved), with its line.

    For ``from M import N``, ``M.N`` is listed too when ``N`` is a module of the engine
    or of the plugins (``from ecoute.engine import store`` imports a module).
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield base, node.lineno
            for alias in node.names:
                if is_module(f"{base}.{alias.name}"):
                    yield f"{base}.{alias.name}", node.lineno


def is_module(name: str) -> bool:
    """Whether ``name`` is a module or package of the engine or the plugins (on disk)."""
    roots = {"ecoute.engine": ENGINE, "ecoute.plugins": ENGINE.parent / "plugins"}
    for prefix, folder in roots.items():
        if name.startswith(prefix + "."):
            path = folder.joinpath(*name[len(prefix) + 1 :].split("."))
            return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()
    return False


ALL = list(modules())


def test_the_checks_see_the_imports() -> None:
    names = {target for name, path in ALL for target, _ in imported(name, path)}
    assert "ecoute.engine.store" in names and "ecoute.tui.messages" in names
    assert len(ALL) > 30


def test_no_tui_module_imports_a_plugin() -> None:
    found = [
        f"{name} line {line}: {target}"
        for name, path in ALL
        for target, line in imported(name, path)
        if target == "ecoute.plugins" or target.startswith("ecoute.plugins.")
    ]
    assert not found, f"the TUI imports plugin code: {found}"


def test_tui_modules_use_only_the_engine_api() -> None:
    found = [
        f"{name} line {line}: {target}"
        for name, path in ALL
        for target, line in imported(name, path)
        if (target == "ecoute.engine" or target.startswith("ecoute.engine."))
        and target not in ENGINE_API
    ]
    assert not found, f"the TUI imports engine internals: {found}"


def test_screens_holds_only_screens() -> None:
    for name, path in ALL:
        if ".screens." not in name:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bases = {
            ast.unparse(base)
            for node in tree.body
            if isinstance(node, ast.ClassDef)
            for base in node.bases
        }
        assert any("Screen" in base for base in bases), f"{name} defines no screen"


def test_the_app_talks_to_its_screen_only_by_messages() -> None:
    tree = ast.parse((TUI / "app.py").read_text(encoding="utf-8"))
    uses = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "feed_screen"
    }
    assert uses == {"post_message"}


def test_nothing_reaches_back_with_getattr() -> None:
    owners = {"self.app", "self.screen", "self.parent", "app", "screen"}
    found = [
        f"{name} line {node.lineno}: {ast.unparse(node)}"
        for name, path in ALL
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and ast.unparse(node.func) in ("getattr", "hasattr")
        and node.args
        and ast.unparse(node.args[0]) in owners
    ]
    assert not found, f"the app or a screen is looked up by name: {found}"


def test_no_component_is_named_in_the_tui() -> None:
    # Components report their own state (health.detail); the TUI knows none by name.
    found = [
        f"{name} line {node.lineno}: {node.value!r}"
        for name, path in ALL
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith(("source:", "scorer:", "sink:"))
    ]
    assert not found, f"components named in the TUI: {found}"
