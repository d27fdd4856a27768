"""Filling the templates of one demo post: each slot keeps one value across title and body."""

from __future__ import annotations

import random

from .slots import COMMON_SLOTS, SLOTS

_BRAND_SLOTS = frozenset({"brand", "brand_poss", "brand_gen", "brand_ins", "brand_prep", "support"})


class PostWriter:
    """Fills templates for one post; a slot keeps one value across title and body."""

    def __init__(self, lang: str, rng: random.Random, **extra: str) -> None:
        self.lang = lang
        self._rng = rng
        self._values: dict[str, str] = dict(extra)

    def write(self, template: str) -> str:
        """``template`` with its ``{slots}`` filled for this post's language."""
        return template.format_map(_SlotLookup(self)).strip()

    def value(self, key: str) -> str:
        """The value of slot ``key``, drawn on first use."""
        if key not in self._values:
            table = SLOTS[self.lang].get(key) or COMMON_SLOTS.get(key)
            if table is None:
                raise KeyError(f"demo corpus: no slot {key!r} for language {self.lang}")
            texts = [text for text, _ in table]
            self._values[key] = self._rng.choices(texts, [w for _, w in table])[0]
        return self._values[key]

    def used(self, key: str) -> str | None:
        """The value slot ``key`` took in this post, or ``None`` if no template used it."""
        return self._values.get(key)

    def about(self) -> list[str]:
        """The brands this post names (its ground truth): "acme", "nimbus", "stratus"."""
        used = self._values
        found = ["acme"] if _BRAND_SLOTS & used.keys() else []
        competitors = " ".join(used.get(k, "") for k in ("competitor", "nimbus", "stratus"))
        found += [name for name in ("nimbus", "stratus") if name in competitors.lower()]
        return found


class _SlotLookup(dict[str, str]):
    # str.format_map calls __missing__ for each field not in the dict.
    def __init__(self, writer: PostWriter) -> None:
        super().__init__()
        self._writer = writer

    def __missing__(self, key: str) -> str:
        return self._writer.value(key)
