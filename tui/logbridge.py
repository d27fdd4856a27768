"""Engine and plugin log records, kept for the log screen instead of written over the UI."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from ecoute.engine.records import utcnow

from .safe_text import safe_line

KEEP_LINES = 1000


@dataclass(frozen=True, slots=True)
class LogLine:
    """One log record, cleaned for display."""

    at: datetime
    level: int
    logger: str
    message: str


class LogBridge(logging.Handler):
    """A logging handler that keeps the last lines and hands each one to ``deliver``.

    ``deliver`` is called in the thread that logged (engine, scorer or UI thread);
    the app passes ``post_message``, which is thread-safe.
    """

    def __init__(self, deliver: Callable[[LogLine], None], keep: int = KEEP_LINES) -> None:
        super().__init__(logging.DEBUG)
        self.deliver = deliver
        self.lines: deque[LogLine] = deque(maxlen=keep)

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record as a cleaned line and deliver it."""
        try:
            message = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                message += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
            line = LogLine(utcnow(), record.levelno, record.name, safe_line(message, 2000))
            self.lines.append(line)
            self.deliver(line)
        except Exception:
            self.handleError(record)


@contextmanager
def captured_logs(deliver: Callable[[LogLine], None]) -> Iterator[LogBridge]:
    """Route the ``ecoute`` loggers to a :class:`LogBridge` while the block runs.

    Their stderr handler holds the real terminal, which the TUI owns meanwhile.
    """
    bridge = LogBridge(deliver)
    root = logging.getLogger("ecoute")
    saved = root.handlers[:]
    root.handlers[:] = [bridge]
    try:
        yield bridge
    finally:
        root.handlers[:] = saved
