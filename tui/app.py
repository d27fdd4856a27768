"""EcouteApp: the Textual application; thin wiring of the feed screen, the engine and logs."""

from __future__ import annotations

import logging
from collections import deque
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel

from ecoute.engine.runtime import RunReport
from ecoute.engine.runtime.batching import Batch

from .engine_host import EngineHost
from .keymap import bindings
from .logbridge import KEEP_LINES, LogLine
from .messages import (
    EngineChanged,
    EngineCommitted,
    EngineStopped,
    LogRecorded,
    OpenLink,
    StoreFailed,
)
from .options import TuiOptions
from .safe_text import safe_line
from .screens.feed import FeedScreen
from .screens.help import HelpScreen
from .screens.log import LogScreen
from .store_threads import StoreThreads

NOTIFY_LEVEL = logging.WARNING  # warnings and errors also pop up as notifications


class EcouteApp(App[None]):
    """The ecoute terminal UI on one store, optionally with the engine in-process.

    It talks to the feed screen only through messages: the engine's commits
    (:class:`EngineCommitted`) and its state (:class:`EngineChanged`).
    """

    CSS_PATH = "app.tcss"
    TITLE = "ecoute"
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings("app"),
        Binding("ctrl+c", "quit", "Quit", show=False),
    ]

    def __init__(self, options: TuiOptions) -> None:
        super().__init__()
        self.options = options
        self.sub_title = options.subtitle
        self.threads = StoreThreads(options.store_path)
        self.log_lines: deque[LogLine] = deque(maxlen=KEEP_LINES)
        self.engine_host = EngineHost(options.engine, self._committed) if options.engine else None
        self.engine_error: str | None = None
        self.quitting = False
        self.feed_screen = FeedScreen(self.threads, options)

    def on_mount(self) -> None:
        """Show the feed; start the engine once the screen is up."""
        self.push_screen(self.feed_screen)
        if self.engine_host is not None:
            # After the first paint: nothing the engine loads may delay the screen.
            self.call_after_refresh(self._start_engine)

    def _start_engine(self) -> None:
        host = self.engine_host
        if host is not None and not host.running and not host.finished:
            host.start(self._engine_finished)
            self.feed_screen.post_message(EngineChanged("running"))

    # -- engine -----------------------------------------------------------------------

    def _committed(self, batch: Batch) -> None:
        # In the engine's thread: post_message is thread-safe, and bursts collapse.
        if batch.mentions:
            self.feed_screen.post_message(EngineCommitted())

    def _engine_finished(self, report: RunReport | None, error: BaseException | None) -> None:
        stored = report.stored if report is not None else 0
        reason = None if error is None else f"{type(error).__name__}: {error}"
        self.post_message(EngineStopped(stored, reason))

    def on_engine_stopped(self, message: EngineStopped) -> None:
        """Quit if we were stopping; otherwise say the engine stopped and go on reading."""
        self.feed_screen.post_message(EngineChanged("stopped"))
        if self.quitting:
            self.exit()
            return
        if message.error:
            self.engine_error = message.error
            self.notify(
                f"The engine stopped: {safe_line(message.error, 300)}. "
                "The feed stays open on the store (L shows the log).",
                severity="error",
                timeout=30,
                markup=False,
            )

    async def action_quit(self) -> None:
        """Stop the in-process engine cleanly, then exit; a second quit exits at once."""
        host = self.engine_host
        if host is None or not host.running or self.quitting:
            self.exit()
            return
        self.quitting = True
        self.feed_screen.post_message(EngineChanged("stopping"))
        self.notify("Stopping the engine: finishing in-flight batches (q again to leave now).")
        host.stop()

    # -- failures, logs, links, help ------------------------------------------------------

    def on_store_failed(self, message: StoreFailed) -> None:
        """Every store failure of every job ends here, as a notification."""
        self.notify(f"{message.what} failed: {message.error}", severity="error", markup=False)

    def record_log(self, line: LogLine) -> None:
        """Deliver a log line from any thread."""
        self.post_message(LogRecorded(line))

    def on_log_recorded(self, message: LogRecorded) -> None:
        """Keep the line; warnings and errors also pop up."""
        line = message.line
        self.log_lines.append(line)
        if line.level >= NOTIFY_LEVEL:
            severity: SeverityLevel = "error" if line.level >= logging.ERROR else "warning"
            self.notify(safe_line(line.message, 300), severity=severity, markup=False)

    def on_open_link(self, message: OpenLink) -> None:
        """Open a (checked) web link with the configured opener or the terminal's."""
        opener = self.options.url_opener or self.open_url
        opener(message.url)

    def action_help(self) -> None:
        """Show every key."""
        self.push_screen(HelpScreen())

    def action_show_log(self) -> None:
        """Show what the engine and plugins logged."""
        self.push_screen(LogScreen(self.log_lines))
