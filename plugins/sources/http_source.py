"""The base of the built-in web sources: a lazily opened HTTP client and errors mapped once.

A new web source is then mostly its platform logic: declare ``TIMEOUT_OPTION`` and
``CONTACT_OPTION`` among its options, call :meth:`HttpSource.get_json` (or
:meth:`HttpSource.get`), and register it with :func:`.registration.source_hooks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ecoute.engine import ComponentContext, Option, Source

from .http import get, json_body, make_client, raise_for_status

if TYPE_CHECKING:
    import httpx

TIMEOUT_OPTION = Option(
    "timeout", float, 20.0, help="seconds before a request times out", minimum=0.01
)
CONTACT_OPTION = Option("contact", str, None, help="your URL or e-mail, added to the User-Agent")


class HttpSource(Source):
    """A source that reads a web platform over HTTP.

    It owns one ``httpx.AsyncClient``, opened on first use (httpx is not imported
    before) with ecoute's User-Agent plus the ``contact`` option and the ``timeout``
    option, and closed by :meth:`aclose`. :meth:`get` maps what can go wrong to the
    engine's errors: a timeout or a lost connection is a ``SourceError``; a 429 is
    ``RateLimited``, 401/403 ``AuthFailed``, 410 ``Gone``, any other error reply a
    ``SourceError``. ``follow_redirects`` is False for sources that follow them
    themselves (to remember a feed's new address).
    """

    follow_redirects: ClassVar[bool] = True

    def __init__(self, context: ComponentContext) -> None:
        super().__init__(context)
        self.timeout = float(context.options["timeout"])
        self.contact: str | None = context.options.get("contact")
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        """The HTTP client, opened on first use."""
        if self._client is None:
            self._client = make_client(
                timeout=self.timeout, contact=self.contact, follow_redirects=self.follow_redirects
            )
        return self._client

    async def send(
        self,
        url: str,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """GET ``url`` whatever the reply's status; a transport failure is a SourceError.

        ``what`` names the request in error messages (``"hackernews query 'acme'"``).
        """
        return await get(self.client, url, what=what, params=params, headers=headers)

    async def get(
        self,
        url: str,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """GET ``url``; an error reply raises (see the class docstring).

        Raises:
            RateLimited, AuthFailed, Gone, SourceError: as the class docstring says.
        """
        now = self.context.clock.now()
        response = await self.send(url, what=what, params=params, headers=headers)
        raise_for_status(response, now, what)
        return response

    async def get_json(
        self,
        url: str,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """The decoded JSON reply of :meth:`get`; a page that is not JSON is a SourceError."""
        response = await self.get(url, what=what, params=params, headers=headers)
        return json_body(response, what)

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None
