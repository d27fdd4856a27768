"""The import contracts of pyproject.toml hold, and would catch a violating import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
FOLDERS = {"cli": REPO / "ecoute" / "cli", "engine": REPO / "engine"}
FOLDERS |= {"plugins": REPO / "plugins", "tui": REPO / "tui"}


def package_tree(root: Path) -> Path:
    """The installed layout (ecoute/engine, ecoute/plugins, ...), Python files only."""
    package = root / "ecoute"
    package.mkdir(parents=True)
    shutil.copy(REPO / "ecoute" / "__init__.py", package / "__init__.py")
    for name, folder in FOLDERS.items():
        shutil.copytree(
            folder, package / name, ignore=shutil.ignore_patterns("__pycache__", "*.pt", "model")
        )
    return root


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(REPO / "pyproject.toml")],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def contract_names() -> dict[str, str]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c["name"] for c in data["tool"]["importlinter"]["contracts"]}


@pytest.mark.slow
def test_the_code_keeps_every_contract_and_each_violation_breaks_one(tmp_path: Path) -> None:
    tree = package_tree(tmp_path / "clean")
    result = lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    names = contract_names()
    assert all(f"{name} KEPT" in " ".join(result.stdout.split()) for name in names.values())

    bad = package_tree(tmp_path / "bad")
    violations = {
        "engine-alone": ("engine/sneaky.py", "import textual\n"),
        "tui-no-plugins": ("tui/sneaky.py", "import ecoute.plugins.sources.rss\n"),
        "plugins-public-api": ("plugins/sneaky.py", "import ecoute.tui\n"),
        "engine-internals": ("plugins/sneaky2.py", "from ecoute.engine.store import Store\n"),
        "sql-in-the-store": ("engine/runtime/sneaky.py", "import sqlite3\n"),
    }
    assert set(violations) == set(names), "every contract has a violation to prove it"
    for relative, line in violations.values():
        (bad / "ecoute" / relative).write_text(line, encoding="utf-8")
    result = lint(bad)
    assert result.returncode == 1
    report = " ".join(result.stdout.split())
    for contract_id in violations:
        assert f"{names[contract_id]} BROKEN" in report, contract_id


def test_engine_internals_list_covers_every_engine_module() -> None:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = {c["id"]: c for c in data["tool"]["importlinter"]["contracts"]}
    protected = set(contracts["engine-internals"]["protected_modules"])
    public = {"ecoute.engine.query"}  # the topic language, for scorers
    modules = {
        f"ecoute.engine.{path.stem if path.is_file() else path.name}"
        for path in (REPO / "engine").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__")
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert modules - public == protected, "a new engine module must be listed as internal"
