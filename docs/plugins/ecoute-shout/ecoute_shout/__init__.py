"""An example third-party ecoute plugin: flags mentions written mostly in capitals."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ecoute.engine import Annotations, Mention, Option, Scorer, hookimpl


class ShoutScorer(Scorer):
    """Flags a mention ``shouting`` when most of its letters are capitals."""

    name = "shout"
    order = 60
    options = (Option("threshold", float, 0.7, help="share of capital letters"),)
    description = "flags mentions written mostly in capitals"

    def score(self, batch: Sequence[Mention]) -> list[Annotations | None]:
        threshold = self.context.options["threshold"]
        results: list[Annotations | None] = []
        for mention in batch:
            letters = [ch for ch in mention.text if ch.isalpha()]
            upper = sum(ch.isupper() for ch in letters)
            shouting = len(letters) >= 8 and upper / len(letters) >= threshold
            results.append(Annotations(flags=["shouting"]) if shouting else None)
        return results


@hookimpl
def register_scorers(register: Callable[[type[Scorer]], None]) -> None:
    """Give ecoute the shout scorer."""
    register(ShoutScorer)
