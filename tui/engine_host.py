"""Runs the engine in its own thread and event loop, so the UI never waits on it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from ecoute.engine.runtime import Engine, RunReport
from ecoute.engine.runtime.batching import Batch


class EngineHost:
    """Owns an in-process :class:`Engine`: run it in a thread, stop it from any thread.

    ``on_commit`` is called in the engine's thread after each committed batch.
    Stopping is the engine's clean stop, as on SIGTERM: fetching stops, in-flight
    batches drain, cursors are saved.
    """

    def __init__(self, engine: Engine, on_commit: Callable[[Batch], None] | None = None) -> None:
        self.engine = engine
        self.report: RunReport | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._stop_requested = False
        self._finished = threading.Event()
        self._thread: threading.Thread | None = None
        if on_commit is not None:
            engine.on_commit = on_commit

    @property
    def running(self) -> bool:
        """Whether the engine has started and not yet returned."""
        return self._loop is not None and not self._finished.is_set()

    @property
    def finished(self) -> bool:
        """Whether the engine has returned (or failed)."""
        return self._finished.is_set()

    def start(self, on_finished: Callable[[RunReport | None, BaseException | None], None]) -> None:
        """Run the engine in a new (non-daemon) thread; ``on_finished`` is called in it.

        The thread is the host's own, not a UI worker's, so that quitting the UI
        never waits on the engine: the caller waits with :meth:`wait` afterwards.
        """

        def main() -> None:
            report: RunReport | None = None
            error: BaseException | None = None
            try:
                report = self.run()
            except BaseException as exc:  # reported to the UI, which stays up without it
                error = exc
            on_finished(report, error)

        self._thread = threading.Thread(target=main, name="ecoute-engine")
        self._thread.start()

    def run(self) -> RunReport:
        """Run the engine until it stops, in the calling thread (with its own loop)."""
        loop = asyncio.new_event_loop()
        with self._lock:
            self._loop = loop
            stop_first = self._stop_requested
        try:
            self.report = loop.run_until_complete(self._main(stop_first))
            return self.report
        finally:
            with self._lock:
                self._loop = None
            loop.close()
            self._finished.set()

    async def _main(self, stop_first: bool) -> RunReport:
        if stop_first:
            self.engine.stop()
        return await self.engine.run()

    def stop(self) -> None:
        """Ask the engine to stop cleanly (thread-safe; harmless if it has stopped)."""
        with self._lock:
            self._stop_requested = True
            loop = self._loop
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(self.engine.stop)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the engine has returned; False if ``timeout`` passed first."""
        return self._finished.wait(timeout)
