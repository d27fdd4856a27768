"""A bounded least-recently-used cache of sentiment predictions, keyed by text."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Prediction


class PredictionCache:
    """A bounded least-recently-used map from text to prediction."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Prediction | None] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, text: str) -> tuple[bool, Prediction | None]:
        """(found, prediction); a found ``None`` means "Flair gives no label for this"."""
        if text in self._items:
            self._items.move_to_end(text)
            self.hits += 1
            return True, self._items[text]
        self.misses += 1
        return False, None

    def put(self, text: str, prediction: Prediction | None) -> None:
        """Remember a prediction, forgetting the least recently used beyond ``size``."""
        if self.size <= 0:
            return
        self._items[text] = prediction
        self._items.move_to_end(text)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
