"""HTTP for the built-in web sources: one client set-up, and platform replies mapped to errors.

httpx is imported inside the functions: built-in plugin modules load at every CLI start.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ecoute import __version__
from ecoute.engine import (
    AuthFailed,
    ConfigError,
    Gone,
    RateLimited,
    SourceError,
    neutralise,
    truncate_excerpt,
)

from .rate_limits import parse_reset, retry_after_seconds

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"ecoute/{__version__} (open-source social listening engine; python-httpx)"


def user_agent(contact: str | None) -> str:
    """The User-Agent header: ecoute's name and version, plus the user's contact if given."""
    return f"{USER_AGENT} contact: {contact}" if contact else USER_AGENT


def make_client(
    *, timeout: float, contact: str | None = None, follow_redirects: bool = True
) -> httpx.AsyncClient:
    """An httpx client with ecoute's User-Agent and one timeout for connect, read and write."""
    import httpx

    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": user_agent(contact)},
        follow_redirects=follow_redirects,
    )


def check_url(value: str, key: str) -> str:
    """``value`` stripped of spaces; ConfigError unless it is an http(s) URL."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"must be an http:// or https:// URL, got {value!r}",
            key=key,
            hint='write the full address, for example "https://mastodon.social"',
        )
    return value.strip()


def check_base_url(value: str, key: str) -> str:
    """An API root: :func:`check_url`, without a trailing slash (paths are appended)."""
    return check_url(value, key).rstrip("/")


@contextlib.contextmanager
def transport_errors(what: str) -> Iterator[None]:
    """Turn timeouts and connection failures inside the block into SourceError naming ``what``."""
    import httpx

    try:
        yield
    except httpx.TimeoutException as exc:
        raise SourceError(f"{what}: timed out ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise SourceError(f"{what}: {type(exc).__name__}: {neutralise(exc)}") from exc


async def get(
    client: httpx.AsyncClient,
    url: str,
    *,
    what: str,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """GET ``url``; timeouts and connection failures become SourceError naming ``what``."""
    with transport_errors(what):
        return await client.get(url, params=params, headers=headers)


def raise_for_status(response: httpx.Response, now: datetime, what: str) -> None:
    """Map an error reply to the engine's errors; return quietly for 1xx-3xx.

    429 is RateLimited (``Retry-After``, else the quota reset); 401 and 403 are
    AuthFailed; 410 is Gone; 5xx and other 4xx are SourceError (with ``Retry-After``
    where the server gave one, as on 503).
    """
    status = response.status_code
    if status < 400:
        return
    retry_after = retry_after_seconds(response.headers.get("retry-after"), now)
    # The reason phrase and the body are the server's words: never raw on a terminal.
    reason = neutralise(response.reason_phrase)[:80]
    message = f"{what}: HTTP {status} {reason}".rstrip() + _detail(response)
    if status == 429:
        if retry_after is None:
            retry_after = parse_reset(response.headers.get("x-ratelimit-reset", ""), now)
        raise RateLimited(message, retry_after=retry_after)
    if status in (401, 403):
        raise AuthFailed(message)
    if status == 410:
        raise Gone(message)
    raise SourceError(message, retry_after=retry_after)


def _detail(response: httpx.Response) -> str:
    # Error bodies come from the server: one short printable line, never markup.
    import httpx

    try:
        body = response.json()
    except (ValueError, httpx.ResponseNotRead):
        return ""
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return f" ({truncate_excerpt(body['error'], 120)})"
    return ""


def json_body(response: httpx.Response, what: str) -> Any:
    """The decoded JSON of a reply; SourceError naming what came instead (an HTML page, ...)."""
    try:
        return response.json()
    except ValueError:
        text = response.text
        kind = "an HTML page" if _looks_like_html(response, text) else "malformed JSON"
        raise SourceError(
            f"{what}: expected JSON, got {kind} (HTTP {response.status_code}): "
            f"{truncate_excerpt(text.strip(), 120)}"
        ) from None


def _looks_like_html(response: httpx.Response, text: str) -> bool:
    content_type = response.headers.get("content-type", "").lower()
    return "html" in content_type or text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))


def same_origin(url: str, base: str) -> bool:
    """Whether ``url`` is on the scheme, host and port of ``base`` (pagination links)."""
    a, b = urlsplit(url), urlsplit(base)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)
