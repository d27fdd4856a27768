"""One line to register a built-in source with the normaliser of its platform.

A source plugin module binds the two hook implementations to the hook names, which
is what pluggy looks for when it registers the module::

    register_sources, register_normalisers = source_hooks(MySource, MyNormaliser)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ecoute.engine import Normaliser, Source, hookimpl

RegisterSource = Callable[[type[Source]], None]
RegisterNormaliser = Callable[[Normaliser], None]


class SourceHooks(NamedTuple):
    """The ``register_sources`` and ``register_normalisers`` implementations of a module."""

    register_sources: Callable[[RegisterSource], None]
    register_normalisers: Callable[[RegisterNormaliser], None]


def source_hooks(source: type[Source], *normalisers: type[Normaliser]) -> SourceHooks:
    """Hook implementations that register ``source`` and one instance of each normaliser."""

    @hookimpl
    def register_sources(register: RegisterSource) -> None:
        register(source)

    @hookimpl
    def register_normalisers(register: RegisterNormaliser) -> None:
        for normaliser in normalisers:
            register(normaliser())

    platforms = ", ".join(f"``{normaliser.platform}``" for normaliser in normalisers)
    register_sources.__doc__ = f"Register the ``{source.type}`` source."
    register_normalisers.__doc__ = f"Register the normaliser of platform {platforms}."
    return SourceHooks(register_sources, register_normalisers)
