"""The CLI entry points of the TUI: `ecoute`, `ecoute tui`, `ecoute demo`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # each test runs the CLI in a new process


def ecoute(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecoute", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def test_help_lists_the_tui_and_says_it_is_the_default() -> None:
    result = ecoute("--help")
    assert result.returncode == 0
    assert "tui" in result.stdout and "Without a command, opens the terminal UI" in result.stdout
    tui = ecoute("tui", "--help")
    assert tui.returncode == 0 and "--engine" in tui.stdout


def test_without_a_terminal_the_tui_explains_what_to_run_instead() -> None:
    for args, command in (((), "tui"), (("tui",), "tui"), (("demo",), "demo")):
        result = ecoute(*args)
        assert result.returncode == 2, result.stderr
        assert f"`ecoute {command}` opens the terminal UI, which needs a terminal" in result.stderr
        assert "ecoute run" in result.stderr


def test_tui_help_imports_no_textual() -> None:
    code = (
        "import json, sys\n"
        "from ecoute.cli.main import main\n"
        "try:\n    main(['tui', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(m for m in ('textual', 'flair', 'torch') if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
