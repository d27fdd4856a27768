"""TuiOptions: what the app needs to start: the store, the clock, the engine, the intervals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ecoute.engine.records import utcnow

if TYPE_CHECKING:
    from ecoute.engine.runtime import Engine


@dataclass
class TuiOptions:
    """How to run the TUI.

    ``store_path`` is the store to show (created if missing); ``topics`` are the
    configured topic names (offered as filters before any mention matched them);
    ``engine``, when given, runs in-process and stops cleanly on quit.
    ``live_interval`` and ``stats_interval`` are the polling periods in seconds
    (``None``: no timer, for tests that poll explicitly); ``url_opener`` replaces
    the terminal's own way of opening links (tests record the calls);
    ``window_rows`` bounds how many feed rows are held in memory.
    """

    store_path: Path
    topics: list[str] = field(default_factory=list)
    clock: Callable[[], datetime] = utcnow
    engine: Engine | None = None
    live_interval: float | None = 0.5
    stats_interval: float | None = 2.0
    choices_interval: float | None = 30.0
    url_opener: Callable[[str], None] | None = None
    subtitle: str = ""
    window_rows: int = 3000
