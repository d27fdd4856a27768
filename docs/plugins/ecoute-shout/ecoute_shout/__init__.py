"""An example third-party ecoute plugin: flags mentions written mostly in capitals,
and counts them in a small JSON file."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from ecoute.engine import Annotations, ComponentContext, Mention, Option, Scorer, Sink, hookimpl


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


class ShoutCountSink(Sink):
    """Counts the mentions it receives and how many of them shout, in a JSON file."""

    type = "shout-count"
    options = (Option("path", str, required=True, help="JSON file to keep the counts in"),)
    description = "counts shouted mentions in a JSON file"

    def __init__(self, context: ComponentContext) -> None:
        super().__init__(context)
        self.path = Path(context.options["path"]).expanduser()
        self.seen = 0
        self.shouting = 0

    def write(self, batch: Sequence[Mention]) -> None:
        """Count the batch and rewrite the file."""
        self.seen += len(batch)
        self.shouting += sum("shouting" in mention.flags for mention in batch)
        counts = {"seen": self.seen, "shouting": self.shouting}
        self.path.write_text(json.dumps(counts) + "\n", encoding="utf-8")


@hookimpl
def register_scorers(register: Callable[[type[Scorer]], None]) -> None:
    """Give ecoute the shout scorer."""
    register(ShoutScorer)


@hookimpl
def register_sinks(register: Callable[[type[Sink]], None]) -> None:
    """Give ecoute the shout-count sink."""
    register(ShoutCountSink)
