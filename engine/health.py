"""Health of running components (sources, scorers, sinks), as the runtime reports it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args

from .records import utcnow

HealthState = Literal[
    "starting",
    "ok",
    "backing_off",
    "rate_limited",
    "auth_failed",
    "gone",
    "error",
    "stuck",
    "stopped",
]
HEALTH_STATES: tuple[HealthState, ...] = get_args(HealthState)


@dataclass(slots=True)
class Health:
    """The state of one component, with the last error and counters.

    ``component`` is ``"<kind>:<name>"`` (``"source:demo"``); ``items`` counts
    items produced (fetched, scored or written); ``errors`` counts failures;
    ``rejects`` counts malformed items; ``next_attempt`` is set while backing off.
    ``detail`` is the component's own word on its state for status lines
    (``"loading model"``, ``"ready"``); ``pending`` counts stored mentions still
    waiting for this component (a scorer whose model is loading).
    """

    component: str
    kind: str
    state: HealthState = "starting"
    reason: str = ""
    last_ok: datetime | None = None
    last_error: datetime | None = None
    errors: int = 0
    items: int = 0
    rejects: int = 0
    next_attempt: datetime | None = None
    updated_at: datetime = field(default_factory=utcnow)
    detail: str = ""
    pending: int = 0
