"""EcouteApp: the Textual application; thin wiring of the feed screen, engine and logs."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen

from ecoute.engine.runtime import RunReport
from ecoute.engine.runtime.batching import Batch

from .engine_host import EngineHost
from .keymap import bindings, palette_entries
from .logbridge import KEEP_LINES, LogLine
from .messages import EngineCommitted, EngineStopped, LogRecorded
from .options import TuiOptions
from .safe_text import safe_line
from .screens.feed import FeedScreen
from .screens.help import HelpScreen
from .store_threads import StoreThreads

NOTIFY_LEVEL = logging.WARNING  # warnings and errors also pop up as notifications


class EcouteApp(App[None]):
    """The ecoute terminal UI on one store, optionally with the engine in-process."""

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
        self.feed_screen = FeedScreen(
            self.threads,
            options.clock,
            options.topics,
            window_rows=options.window_rows,
            engine_running=options.engine is not None,
        )

    def on_mount(self) -> None:
        """Show the feed; start the timers; start the engine once the screen is up."""
        self.push_screen(self.feed_screen)
        screen, options = self.feed_screen, self.options
        if options.live_interval:
            self.set_interval(options.live_interval, screen.poll_live, name="live")
        if options.stats_interval:
            self.set_interval(options.stats_interval, screen.load_stats, name="stats")
        if options.choices_interval:
            self.set_interval(options.choices_interval, screen.load_choices, name="choices")
        if self.engine_host is not None:
            # After the first paint: nothing the engine loads may delay the screen.
            self.call_after_refresh(self._start_engine)

    def _start_engine(self) -> None:
        host = self.engine_host
        if host is not None and not host.running and not host.finished:
            host.start(self._engine_finished)

    # -- engine -----------------------------------------------------------------------

    def _committed(self, batch: Batch) -> None:
        # In the engine's thread: post_message is thread-safe, and bursts collapse.
        if batch.mentions:
            self.post_message(EngineCommitted())

    def _engine_finished(self, report: RunReport | None, error: BaseException | None) -> None:
        stored = report.stored if report is not None else 0
        reason = None if error is None else f"{type(error).__name__}: {error}"
        self.post_message(EngineStopped(stored, reason))

    def on_engine_committed(self, message: EngineCommitted) -> None:
        """New mentions were stored: show them now rather than at the next poll."""
        self.feed_screen.poll_live()

    def on_engine_stopped(self, message: EngineStopped) -> None:
        """Quit if we were stopping; otherwise say the engine stopped and go on reading."""
        self.feed_screen.engine_running = False
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
        self.feed_screen.status.set_parts(live="stopping")
        self.notify("Stopping the engine: finishing in-flight batches (q again to leave now).")
        host.stop()

    # -- logs, links, help, palette -----------------------------------------------------

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

    def open_link(self, url: str) -> None:
        """Open a (checked) web link with the configured opener or the terminal's."""
        opener = self.options.url_opener or self.open_url
        opener(url)

    def action_help(self) -> None:
        """Show every key."""
        self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette lists every action of the feed, the saved views, and Textual's own."""
        feed = self.feed_screen
        if screen is feed:
            for key in palette_entries():
                action = key.action

                def run(action: str = action, scope: str = key.scope) -> None:
                    target = self if scope == "app" else feed
                    self.call_later(target.run_action, action)

                yield SystemCommand(key.description, f"key: {key.shown_keys}", run)
            for view in feed.views:

                def recall(name: str = view.name) -> None:
                    feed.apply_view(name)

                yield SystemCommand(f"View: {safe_line(view.name, 60)}", "saved view", recall)
        yield from super().get_system_commands(screen)
