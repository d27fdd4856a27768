"""Built-in sentiment plugin: the ``sentiment`` scorer and the ``ecoute sentiment`` commands.

This module is imported at every ecoute start, so it imports neither Flair nor
torch: the scorer loads its model in ``prepare()`` (or on first use) and the commands
import lazily. The ``training`` subpackage (trainer, data, evaluation) is imported
only by ``ecoute sentiment train|eval``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ecoute.engine import Scorer, hookimpl

from .scorer import SentimentScorer

if TYPE_CHECKING:
    import click


@hookimpl
def register_scorers(register: Callable[[type[Scorer]], None]) -> None:
    """Give ecoute the sentiment scorer."""
    register(SentimentScorer)


@hookimpl
def register_commands(cli: click.Group) -> None:
    """Add ``ecoute sentiment predict|eval|info|train``."""
    from .cli import sentiment_group

    cli.add_command(sentiment_group)
