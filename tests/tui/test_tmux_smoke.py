"""Smoke test in a real terminal: `ecoute demo` in tmux shows rows, selects one, quits on q."""

from __future__ import annotations

import os
import re
import select
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

TMUX = shutil.which("tmux")
ROW = re.compile(r"^\d\d:\d\d:\d\d\s+\S+", re.MULTILINE)
# The demo loads the bundled sentiment model before its first batch is stored.
FIRST_ROWS_SECONDS = 120.0

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        TMUX is None, reason="tmux is not installed (apt-get install tmux); CI must install it"
    ),
]


class Terminal:
    """A private tmux server running one command in a 160x45 window."""

    def __init__(self, folder: Path) -> None:
        self.socket = str(folder / "tmux.sock")
        self.fifo = folder / "pane.fifo"
        os.mkfifo(self.fifo)
        self._fd = -1

    def tmux(self, *args: str, timeout: float = 30) -> str:
        assert TMUX is not None
        result = subprocess.run(
            [TMUX, "-S", self.socket, *args], capture_output=True, text=True, timeout=timeout
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self, command: str) -> None:
        """Start ``command`` once its output is piped to us (nothing is missed)."""
        self.tmux(
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            "160",
            "-y",
            "45",
            f"{TMUX} -S {self.socket} wait-for go; {command}; sleep 600",
        )
        self.tmux("pipe-pane", "-o", "-t", "t", f"cat >> {shlex.quote(str(self.fifo))}")
        # Read-write, so that the pipe never reports end-of-file between writes.
        self._fd = os.open(self.fifo, os.O_RDWR | os.O_NONBLOCK)
        self.tmux("wait-for", "-S", "go")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, ready: Callable[[str], bool], seconds: float) -> str:
        """Wake on each output of the program (no sleeping) until ``ready(screen)``."""
        deadline = time.monotonic() + seconds
        screen = self.screen()
        while not ready(screen):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out; the screen shows:\n{screen}")
            readable, _, _ = select.select([self._fd], [], [], remaining)
            if readable:
                os.read(self._fd, 1 << 16)
            screen = self.screen()
        return screen

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
        subprocess.run([str(TMUX), "-S", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal(tmp_path)
    yield term
    term.close()


def test_demo_in_a_real_terminal(terminal: Terminal, tmp_path: Path) -> None:
    data = tmp_path / "data"
    rc = tmp_path / "rc"
    env = f"XDG_DATA_HOME={shlex.quote(str(data))} XDG_CONFIG_HOME={shlex.quote(str(tmp_path))}"
    command = (
        f"cd {shlex.quote(str(REPO))} && env {env} {shlex.quote(sys.executable)} -m ecoute "
        f"demo --rate 20; echo $? > {rc}; "
        f"{TMUX} -S {terminal.socket} wait-for -S done"
    )
    terminal.start(command)
    terminal.wait_for(lambda s: all(x in s for x in ("PLATFORM", " live ", "1 when", "? keys")), 30)
    # Rows may come before the first health reading (every 2 s): wait for both.
    terminal.wait_for(
        lambda s: len(ROW.findall(s)) >= 5 and "sources ● demo" in s, FIRST_ROWS_SECONDS
    )
    terminal.tmux("send-keys", "-t", "t", "j")
    terminal.wait_for(lambda s: "published" in s and "followers" in s, 30)
    terminal.tmux("send-keys", "-t", "t", "q")
    terminal.tmux("wait-for", "done", timeout=90)
    after = terminal.screen()  # the TUI left the alternate screen: the shell's output
    assert rc.read_text().strip() == "0", after
    assert re.search(r"ecoute demo: \d+ mentions stored", after), after
    store = data / "ecoute" / "demo" / "ecoute.db"
    with sqlite3.connect(store) as conn:
        state = conn.execute("SELECT state FROM health WHERE component = 'source:demo'")
        assert state.fetchone()[0] == "stopped"
        assert conn.execute("SELECT count(*) FROM mentions").fetchone()[0] >= 5
