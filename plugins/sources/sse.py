"""A reader of server-sent events (the ``text/event-stream`` format) over lines of text."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ServerEvent:
    """One dispatched event: its name (``message`` by default), data and last event id."""

    event: str
    data: str
    id: str | None = None


async def server_events(lines: AsyncIterable[str]) -> AsyncIterator[ServerEvent]:
    """The events in a stream of lines (line endings already removed).

    A blank line dispatches the event gathered so far; lines starting with ``:``
    are comments (Mastodon's ``:thump`` heartbeats); several ``data`` lines join
    with a newline. An event cut off by the end of the stream is dropped, as the
    format requires: its data may be incomplete.
    """
    name, last_id = "", None
    data: list[str] = []
    async for line in lines:
        if not line:
            if data:
                yield ServerEvent(name or "message", "\n".join(data), last_id)
            name, data = "", []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "event":
            name = value
        elif field == "data":
            data.append(value)
        elif field == "id" and "\0" not in value:
            last_id = value
