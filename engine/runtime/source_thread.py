"""SourceThread: one source's coroutines on an event loop of their own, in their own thread.

A source that blocks inside ``async fetch`` (a synchronous call by mistake, a
library that never yields) then freezes only itself: the engine's loop goes on
batching, scoring, writing and answering signals, and reports the source stuck.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger("ecoute.runtime")
T = TypeVar("T")


class SourceStuck(Exception):
    """A source's call did not return within its deadline."""


class SourceThread:
    """A daemon thread running an event loop for one source.

    The thread is a daemon so that a source blocked for good can never keep the
    process alive after the engine has stopped.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=f"source-{name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            pending = asyncio.all_tasks(self.loop)
            for task in pending:
                task.cancel()
            if pending:
                self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self.loop.close()

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Start ``coroutine`` on the source's loop; the future completes with its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    async def call(
        self,
        coroutine: Coroutine[Any, Any, T],
        deadline: float,
        on_late: Callable[[], None] | None = None,
    ) -> T:
        """Run ``coroutine`` on the source's loop and wait for it, at most ``deadline`` s.

        Past the deadline ``on_late`` is called and the coroutine cancelled; one
        that cannot be cancelled (it is blocked) is waited for until it ends by
        itself, so a source never has two calls running. :class:`SourceStuck` is
        raised then. Cancelling the caller cancels the call.
        """
        ended: concurrent.futures.Future[None] = concurrent.futures.Future()

        async def tracked() -> T:
            try:
                return await coroutine
            finally:
                ended.set_result(None)

        future = self.submit(tracked())
        waiting = asyncio.wrap_future(future)
        try:
            done, _ = await asyncio.wait({waiting}, timeout=deadline)
            if done:
                return waiting.result()
            if on_late is not None:
                on_late()
            future.cancel()
            await asyncio.wrap_future(ended)
        except asyncio.CancelledError:
            future.cancel()
            raise
        raise SourceStuck(f"took longer than its deadline of {deadline:g} s")

    def stop(self) -> None:
        """Stop the loop (its pending tasks are cancelled); returns at once."""
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
