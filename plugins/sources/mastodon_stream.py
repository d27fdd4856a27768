"""Mastodon streaming: one server-sent-events connection per hashtag, read in the background."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ecoute.engine import AuthFailed, Clock, SourceError, neutralise

from .http import raise_for_status
from .sse import server_events

if TYPE_CHECKING:
    import httpx

StreamState = Literal["down", "connecting", "up"]
RETRY_BASE = 2.0
RETRY_CAP = 300.0


@dataclass(frozen=True, slots=True)
class StreamEvent:
    """What a hashtag stream delivered: a status (``update`` or ``status.update``) or its end."""

    tag: str
    kind: Literal["status", "closed"]
    data: str = ""
    error: SourceError | None = None


@dataclass(slots=True)
class TagStream:
    """One hashtag's connection: its state and, after failures, when to try again."""

    tag: str
    state: StreamState = "down"
    failures: int = 0
    retry_at: float = 0.0
    error: SourceError | None = None
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


class StreamHub:
    """Keeps one SSE connection per hashtag open and queues what they deliver.

    The source reads :attr:`events`. A stream that ends is marked down and puts a
    ``closed`` event; the source then opens it again with :meth:`connect` and fills
    the gap by polling. A stream that cannot connect (or closes without delivering)
    is retried later with exponential backoff, by the injected clock, while the
    source keeps polling.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        base_url: str,
        headers: Mapping[str, str],
        clock: Clock,
        logger: logging.Logger,
        *,
        idle_timeout: float,
    ) -> None:
        self.client = client
        self.base_url = base_url
        self.headers = dict(headers)
        self.clock = clock
        self.logger = logger
        self.idle_timeout = idle_timeout
        self.events: asyncio.Queue[StreamEvent] = asyncio.Queue()
        self.streams: dict[str, TagStream] = {}

    def due(self, tags: list[str]) -> list[str]:
        """Tags whose stream is down and may be (re)connected now."""
        now = self.clock.monotonic()
        return [
            tag
            for tag in tags
            if self.streams.setdefault(tag, TagStream(tag)).state == "down"
            and now >= self.streams[tag].retry_at
        ]

    async def connect(self, tags: list[str], timeout: float) -> AuthFailed | None:
        """Open the streams of ``tags``, wait until each answered; the refusal, if any."""
        for tag in tags:
            stream = self.streams.setdefault(tag, TagStream(tag))
            stream.state = "connecting"
            stream.connected = asyncio.Event()
            stream.task = asyncio.create_task(self._read(stream), name=f"mastodon-stream:{tag}")
        waits = [self.streams[tag].connected.wait() for tag in tags]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*waits), timeout)
        errors = [self.streams[tag].error for tag in tags]
        return next((e for e in errors if isinstance(e, AuthFailed)), None)

    async def _read(self, stream: TagStream) -> None:
        import httpx

        url = f"{self.base_url}/api/v1/streaming/hashtag"
        what = f"mastodon stream #{stream.tag}"
        stream.error = None
        delivered = False
        timeout = httpx.Timeout(self.idle_timeout)
        try:
            async with self.client.stream(
                "GET", url, params={"tag": stream.tag}, headers=self.headers, timeout=timeout
            ) as response:
                if response.status_code >= 400:
                    await response.aread()
                raise_for_status(response, self.clock.now(), what)
                stream.state = "up"
                stream.connected.set()
                async for event in server_events(response.aiter_lines()):
                    if event.event in ("update", "status.update"):
                        delivered = True
                        await self.events.put(StreamEvent(stream.tag, "status", event.data))
            error = SourceError(f"{what}: the server closed the stream")
        except asyncio.CancelledError:
            stream.connected.set()
            raise
        except SourceError as exc:
            error = exc
        except httpx.HTTPError as exc:
            error = SourceError(f"{what}: disconnected ({type(exc).__name__}: {neutralise(exc)})")
        # A stream that never opened, or closed without a post, counts as a failure and
        # is retried later; one that delivered reconnects at once (after a gap-filling poll).
        stream.failures = 0 if delivered else stream.failures + 1
        stream.state = "down"
        stream.error = error
        if stream.failures and not isinstance(error, AuthFailed):
            delay = min(RETRY_CAP, RETRY_BASE * 2 ** (stream.failures - 1))
            stream.retry_at = self.clock.monotonic() + delay
        stream.connected.set()
        self.logger.info("%s", error)
        await self.events.put(StreamEvent(stream.tag, "closed", error=error))

    def pending(self) -> list[StreamEvent]:
        """Everything queued right now, without waiting."""
        out: list[StreamEvent] = []
        while not self.events.empty():
            out.append(self.events.get_nowait())
        return out

    async def wait(self, seconds: float) -> list[StreamEvent]:
        """Queued events, waiting up to ``seconds`` of real time for the first one."""
        if self.events.empty():
            with contextlib.suppress(TimeoutError):
                first = await asyncio.wait_for(self.events.get(), seconds)
                return [first, *self.pending()]
        return self.pending()

    async def aclose(self) -> None:
        """Stop every stream."""
        tasks = [s.task for s in self.streams.values() if s.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for stream in self.streams.values():
            stream.state = "down"
            stream.task = None
