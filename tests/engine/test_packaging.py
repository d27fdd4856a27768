"""The wheel installs everything under ``ecoute/`` and nothing generic at the top level."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_wheel_contains_only_the_ecoute_namespace(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("ecoute-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/", 1)[0] for name in names}
    assert top == {"ecoute", next(t for t in top if t.endswith(".dist-info"))}
    for expected in (
        "ecoute/engine/hookspecs.py",
        "ecoute/engine/config_template.toml",
        "ecoute/plugins/sources/demo/__init__.py",
        "ecoute/plugins/sinks/jsonl.py",
        "ecoute/tui/__init__.py",
        "ecoute/py.typed",
    ):
        assert expected in names
    assert not any(n.startswith(("engine/", "plugins/", "tui/", "tests/")) for n in names)
    for folder in ("engine", "plugins", "tui"):
        for init in (REPO / folder).rglob("__init__.py"):
            package = init.relative_to(REPO).parent.as_posix()
            assert f"ecoute/{package}/__init__.py" in names, f"{package} is not packaged"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "ecoute = ecoute.cli.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
