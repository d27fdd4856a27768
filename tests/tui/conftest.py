"""TUI test fixtures: times shown in UTC whatever the machine's zone."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def utc_display(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC, so shown times and snapshots do not depend on the machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
