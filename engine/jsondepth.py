"""How deeply a JSON value nests, measured without recursion (hostile input is deep)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def json_depth(value: Any, limit: int) -> int:
    """How deeply lists and mappings nest in ``value`` (a scalar is 0), counted up to ``limit``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list | tuple | set | frozenset):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest >= limit:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def nested_deeper_than(value: Any, limit: int, written: str | bytes) -> bool:
    """Whether ``value`` nests more than ``limit`` levels; ``written`` is its JSON text.

    Each level needs a bracket, so a text with few brackets proves a shallow value
    without walking it.
    """
    if isinstance(written, bytes):
        brackets = written.count(b"[") + written.count(b"{")
    else:
        brackets = written.count("[") + written.count("{")
    return brackets > limit and json_depth(value, limit + 1) > limit
