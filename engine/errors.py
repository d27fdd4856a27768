"""The one error hierarchy of ecoute; the CLI renders these in a single place."""

from __future__ import annotations


class EcouteError(Exception):
    """Base class of every error ecoute reports to a user without a traceback.

    ``exit_code`` is what the CLI exits with when this error reaches it.
    """

    exit_code = 1


class ConfigError(EcouteError):
    """The configuration file (or an option given on the command line) is wrong.

    The message names the file, the key (and line where known), what is wrong
    and how to fix it.
    """

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        key: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = path
        self.key = key
        self.line = line
        self.hint = hint
        self.problem = message
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.path:
            where.append(self.path if self.line is None else f"{self.path}:{self.line}")
        if self.key:
            where.append(f"key '{self.key}'")
        text = f"{', '.join(where)}: {self.problem}" if where else self.problem
        if self.hint:
            text += f"\n  fix: {self.hint}"
        return text


class PluginError(EcouteError):
    """A plugin is missing, misbehaves at registration, or clashes with another."""

    exit_code = 2


class SourceError(EcouteError):
    """A source could not fetch; the runtime backs off and retries.

    ``retry_after`` (seconds), when set, is the earliest moment to try again.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(SourceError):
    """The platform asked us to slow down (HTTP 429, or quota headers at zero)."""


class AuthFailed(SourceError):
    """Credentials are missing, wrong or revoked; retried only rarely."""


class Gone(SourceError):
    """The resource is permanently gone or blocked (HTTP 410, 403 ban); polling stops."""


class MalformedItem(EcouteError, ValueError):
    """A raw payload could not be turned into a mention; it is counted and skipped."""


class StoreError(EcouteError):
    """The store file cannot be opened, is from a newer ecoute, or is damaged."""
