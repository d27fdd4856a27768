"""What every ``ecoute sentiment`` command shares: the model options and the configured model."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ecoute.engine import EcouteError

if TYPE_CHECKING:
    from .model import SentimentModel

F = TypeVar("F", bound=Callable[..., Any])
DEVICES = click.Choice(["auto", "cpu", "cuda"])


def model_options(command: F) -> F:
    """Add ``--model``, ``--device`` and ``--batch-size`` to a command."""
    command = click.option(
        "--model",
        "model_spec",
        help='"bundled", a Flair model name, a hub id or a .pt file '
        "(default: [scorers.sentiment] model, else bundled).",
    )(command)
    command = click.option("--device", type=DEVICES, help="auto, cpu or cuda.")(command)
    return click.option("--batch-size", type=click.IntRange(min=1), help="Texts per batch.")(
        command
    )


def configured_settings() -> dict[str, Any]:
    """The ``[scorers.sentiment]`` table of the active config (empty when there is none)."""
    app = click.get_current_context().find_root().obj
    config_of = getattr(app, "config", None)
    if config_of is None:
        return {}
    config = config_of()
    entry = config.scorers.get("sentiment")
    return dict(entry.settings) if entry is not None else {}


def load_configured_model(
    settings: dict[str, Any], model_spec: str | None, device: str | None
) -> SentimentModel:
    """The model ``--model`` names, else the configured one, else the bundled one.

    Raises:
        EcouteError: the configured languages are not a list, or the model cannot load.
    """
    from .model import load_model

    spec = model_spec or str(settings.get("model", "bundled"))
    languages = settings.get("languages") or []
    if not isinstance(languages, list):
        raise EcouteError("[scorers.sentiment] languages must be a list of language codes")
    return load_model(
        spec,
        device=device or str(settings.get("device", "auto")),
        threads=int(settings.get("threads", 1)),
        languages=[str(code).lower() for code in languages],
    )
