"""Every hook ecoute calls, with its contract; plugins implement them with ``@hookimpl``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from .contracts import Normaliser, Scorer, Sink, Source
    from .records import Mention

hookspec = pluggy.HookspecMarker("ecoute")
hookimpl = pluggy.HookimplMarker("ecoute")


@dataclass(frozen=True, slots=True)
class EngineInfo:
    """What a plugin may know about the running engine, given to lifecycle hooks."""

    config_path: Path | None
    store_path: Path
    data_dir: Path
    source_names: tuple[str, ...]


# ---------------------------------------------------------------------------
# Registration: called once per plugin manager, when components are first asked for.
# ---------------------------------------------------------------------------


@hookspec
def register_sources(register: Callable[[type[Source]], None]) -> None:
    """Register source classes.

    Called once, the first time the engine lists source types (``ecoute run``,
    ``config check``, ``plugins``). Call ``register(SourceClass)`` for each
    :class:`~ecoute.engine.Source` subclass; its ``type`` attribute is the name
    users write in ``[[sources]] type = "..."``.

    Args:
        register: checks the class and records which plugin gave it.
    Returns:
        Nothing; the return value is ignored.
    Raises:
        PluginError: raised by ``register`` for a non-Source class or a ``type``
            another plugin already registered. A plugin should not raise itself.
    """


@hookspec
def register_normalisers(register: Callable[[Normaliser], None]) -> None:
    """Register normalisers, one per raw payload format.

    Called once, the first time the engine needs a normaliser. Call
    ``register(normaliser_instance)``; its ``platform`` attribute is the
    ``RawItem.platform`` it reads (and the ``--platform`` of ``ecoute import``).

    Args:
        register: checks the object and records which plugin gave it.
    Returns:
        Nothing; the return value is ignored.
    Raises:
        PluginError: raised by ``register`` for a non-Normaliser or a platform
            that already has a normaliser.
    """


@hookspec
def register_scorers(register: Callable[[type[Scorer]], None]) -> None:
    """Register scorer classes.

    Called once, the first time the engine builds its scoring chain. Call
    ``register(ScorerClass)``; ``name`` is the key of its ``[scorers.<name>]``
    table and ``order`` places it in the chain (lower runs first).

    Args:
        register: checks the class and records which plugin gave it.
    Returns:
        Nothing; the return value is ignored.
    Raises:
        PluginError: raised by ``register`` on a non-Scorer class or a name clash.
    """


@hookspec
def register_sinks(register: Callable[[type[Sink]], None]) -> None:
    """Register sink classes.

    Called once, the first time the engine lists sink types. Call
    ``register(SinkClass)``; ``type`` is what users write in ``[[sinks]] type``.

    Args:
        register: checks the class and records which plugin gave it.
    Returns:
        Nothing; the return value is ignored.
    Raises:
        PluginError: raised by ``register`` on a non-Sink class or a type clash.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the ``ecoute`` command line.

    Called once when the CLI starts, before arguments are parsed, so keep it
    cheap: import heavy libraries inside the command function, never here.

    Args:
        cli: the top-level ``click.Group``; use ``@cli.command()`` or
            ``cli.add_command(...)``.
    Returns:
        Nothing; the return value is ignored.
    Raises:
        Nothing should be raised; an exception here is reported as a broken plugin
        and the CLI goes on without its commands.
    """


# ---------------------------------------------------------------------------
# Lifecycle: called by the runtime around a run (``ecoute run``, ``demo``, ``import``).
# ---------------------------------------------------------------------------


@hookspec
def startup(engine: EngineInfo) -> None:
    """The engine is about to start fetching.

    Called once per run, after the configuration is validated and the store
    opened, before any source is polled.

    Args:
        engine: paths and source names of this run.
    Returns:
        Nothing; the return value is ignored.
    Raises:
        Any exception is logged with the plugin's name and the run goes on.
    """


@hookspec
def shutdown(engine: EngineInfo) -> None:
    """The engine has stopped: batches drained, cursors saved, sinks closed.

    Called once per run, also after a stop by SIGINT or SIGTERM (but not after a
    second signal, which exits at once).

    Args:
        engine: the same object ``startup`` received.
    Returns:
        Nothing; the return value is ignored.
    Raises:
        Any exception is logged with the plugin's name and ignored.
    """


# ---------------------------------------------------------------------------
# Events: called by the runtime as data moves.
# ---------------------------------------------------------------------------


@hookspec
def mentions_stored(mentions: Sequence[Mention]) -> None:
    """A batch of new or updated mentions was committed to the engine's store.

    Called from the runtime's event loop right after each commit, with the
    mentions as stored (scored, deduplicated within the batch), once per
    batch. Mentions stored while a deferrable scorer (the sentiment model)
    was still loading come here at once, without its annotations; they are
    not announced again when those are filled in. Use it for alerts or
    metrics; do not block: hand slow work to a thread or a queue.

    Args:
        mentions: the committed batch; do not mutate it.
    Returns:
        Nothing; the return value is ignored.
    Raises:
        Any exception is logged with the plugin's name, counted, and ignored.
    """
