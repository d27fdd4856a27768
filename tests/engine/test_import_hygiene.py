"""Heavy or UI libraries stay out of the engine and of ``ecoute --help``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("textual", "flair", "torch", "transformers", "httpx")

PROBE = """
import json, sys
{action}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def loaded_after(action: str) -> list[str]:
    code = PROBE.format(action=action, heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.slow
def test_importing_the_engine_loads_nothing_heavy() -> None:
    assert loaded_after("import ecoute.engine") == []


@pytest.mark.slow
def test_help_loads_nothing_heavy() -> None:
    action = (
        "from ecoute.cli.main import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert loaded_after(action) == []


@pytest.mark.slow
def test_plugin_manager_and_builtin_plugins_load_nothing_heavy() -> None:
    action = (
        "from ecoute.engine.plugins import create_plugin_manager\n"
        "p = create_plugin_manager()\np.collect_all()"
    )
    assert loaded_after(action) == []
