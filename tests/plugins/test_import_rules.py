"""Plugins use only the public engine API: ``ecoute.engine`` and ``ecoute.engine.query``."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import REPO

PLUGINS = REPO / "plugins"


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in ``path``, relative ones resolved."""
    package = "ecoute." + ".".join(path.relative_to(REPO).parent.parts)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:
                # ``from ecoute.engine import store`` reaches a submodule too.
                yield node.lineno, f"{module}.{alias.name}"


def breaks_the_rule(module: str) -> bool:
    """Whether importing ``module`` reaches past the public engine API or into the UI."""
    parts = module.split(".")
    if parts[:2] in (["ecoute", "tui"], ["ecoute", "cli"]):
        return True
    if parts[:2] != ["ecoute", "engine"] or len(parts) == 2 or parts[2] == "query":
        return False
    # ``from ecoute.engine import Scorer`` yields ``ecoute.engine.Scorer``: a public name.
    return len(parts) > 3 or _is_engine_module(parts[2])


def _is_engine_module(name: str) -> bool:
    engine = REPO / "engine"
    return (engine / f"{name}.py").is_file() or (engine / name / "__init__.py").is_file()


def test_plugins_import_only_the_public_engine_api() -> None:
    offences: dict[str, str] = {}
    for path in sorted(PLUGINS.rglob("*.py")):
        for line, module in imported_modules(path):
            if breaks_the_rule(module):
                offences.setdefault(f"{path.relative_to(REPO)}:{line}", module)
    listing = "\n".join(f"{where}: imports {module}" for where, module in offences.items())
    assert not offences, f"plugins may import only ecoute.engine[.query]:\n{listing}"


def test_the_rule_catches_what_it_should() -> None:
    assert breaks_the_rule("ecoute.engine.cleanup")
    assert breaks_the_rule("ecoute.engine.store.schema")
    assert breaks_the_rule("ecoute.engine.errors")  # as ``from ecoute.engine import errors``
    assert breaks_the_rule("ecoute.tui")
    assert breaks_the_rule("ecoute.tui.app")
    assert breaks_the_rule("ecoute.cli.main")
    assert not breaks_the_rule("ecoute.engine")
    assert not breaks_the_rule("ecoute.engine.Scorer")
    assert not breaks_the_rule("ecoute.engine.query")
    assert not breaks_the_rule("ecoute.engine.query.explain")
    assert not breaks_the_rule("ecoute.plugins.sources.http")
    assert not breaks_the_rule("ecoute.tuition")
