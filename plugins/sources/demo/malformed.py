"""Broken demo payloads, as a buggy platform API would send them (``malformed_rate``)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

# How a payload can be broken; the normaliser must name the field each time.
BREAKAGES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "missing post_id": lambda p: p.pop("post_id"),
    "body not a string": lambda p: p.__setitem__("body", 12345),
    "bad posted_at": lambda p: p.__setitem__("posted_at", "sometime yesterday"),
    "user not an object": lambda p: p.__setitem__("user", "jdupont"),
    "missing user.handle": lambda p: p["user"].pop("handle"),
    "stats not an object": lambda p: p.__setitem__("stats", [1, 2, 3]),
    "stat not a number": lambda p: p.__setitem__("stats", {"likes": "many"}),
    "missing network": lambda p: p.__setitem__("network", None),
}


def break_payload(payload: dict[str, Any], rng: random.Random) -> Any:
    """``payload`` with one wrong type or missing field (or not an object at all)."""
    how = rng.choice([*BREAKAGES, "not an object"])
    if how == "not an object":
        return [payload["post_id"], payload["body"]]
    BREAKAGES[how](payload)
    return payload
