"""ScorerCatchUp: tells from successive health readings when scorers filled in stored mentions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ecoute.engine.health import Health

# Readings at which rows are read again after a sign of progress: the engine saves
# health on its own clock, so the annotations may be committed a little after.
REREADS = 2


@dataclass(slots=True)
class ScorerCatchUp:
    """Whether scorers have stored mentions to annotate, and when to read those rows again.

    A deferrable scorer (its model still loading) lets mentions be stored without
    its annotations and fills them in later, in place. The feed shows such rows as
    waiting while any scorer has ``pending`` mentions, and reads them again when a
    scorer makes progress: its pending count drops or its own word changes
    (``loading`` to ``ready``).
    """

    pending: int = 0
    words: dict[str, str] = field(default_factory=dict)
    rereads: int = 0

    def read(self, health: Sequence[Health]) -> bool:
        """Take a new reading; True when rows without annotations should be read again."""
        scorers = [h for h in health if h.kind == "scorer"]
        pending = sum(h.pending for h in scorers)
        words = {h.component: h.detail for h in scorers}
        if pending < self.pending or (self.words and words != self.words):
            self.rereads = REREADS
        self.pending, self.words = pending, words
        if not self.rereads:
            return False
        self.rereads -= 1
        return True

    @property
    def waiting(self) -> bool:
        """Whether some scorer has stored mentions still to annotate."""
        return self.pending > 0
