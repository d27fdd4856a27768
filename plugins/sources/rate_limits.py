"""Rate limits of web APIs: ``Retry-After`` and quota headers, and a per-host hold."""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from ecoute.engine import RateLimited

if TYPE_CHECKING:
    import httpx

# A server asking for more than this is capped: a typo in a header must not stop a source
# for a week. The runtime retries after it and the server can ask again.
MAX_RETRY_AFTER = 6 * 3600.0


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """A ``Retry-After`` value (seconds, or an HTTP date) as seconds from ``now``."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    return min(MAX_RETRY_AFTER, max(0.0, seconds))


def parse_reset(value: str, now: datetime) -> float | None:
    """Seconds until a rate-limit reset given as an ISO 8601 time (Mastodon's form)."""
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(MAX_RETRY_AFTER, max(0.0, (when - now).total_seconds()))


def quota_wait(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds to wait when ``X-RateLimit-Remaining`` is spent, until ``X-RateLimit-Reset``."""
    remaining, reset = headers.get("x-ratelimit-remaining"), headers.get("x-ratelimit-reset")
    if remaining is None or reset is None:
        return None
    try:
        left = float(remaining)
    except ValueError:
        return None
    return parse_reset(reset, now) if left < 1 else None


@dataclass(slots=True)
class RateLimiter:
    """Remembers when a host said to come back, so no request goes out before then."""

    not_before: datetime | None = None

    def hold(self, seconds: float | None, now: datetime) -> None:
        """No request before ``now + seconds`` (a later hold wins over an earlier one)."""
        if seconds is None:
            return
        until = now + timedelta(seconds=seconds)
        if self.not_before is None or until > self.not_before:
            self.not_before = until

    def wait(self, now: datetime) -> float:
        """Seconds left before the next request may go out (0 when it may go now)."""
        if self.not_before is None:
            return 0.0
        left = (self.not_before - now).total_seconds()
        if left <= 0:
            self.not_before = None
            return 0.0
        return left

    def check(self, now: datetime, what: str) -> None:
        """Raise RateLimited while a hold lasts."""
        left = self.wait(now)
        if left > 0:
            raise RateLimited(
                f"{what}: rate limited, next request in {left:.0f} s", retry_after=left
            )

    def observe(self, response: httpx.Response, now: datetime) -> None:
        """Take the quota headers of any response into account."""
        self.hold(quota_wait(response.headers, now), now)
