"""The ``demo`` source plugin: a deterministic multilingual stream of posts about Acme Cloud.

The stream (:mod:`.stream`) plans each item, the composer (:mod:`.composer`) writes
it from the phrase tables, the source (:mod:`.source`) paces it, and the normaliser
(:mod:`.normaliser`) reads it back as a mention.
"""

from __future__ import annotations

from ..registration import source_hooks
from .normaliser import DemoNormaliser
from .source import DemoSource
from .stream import DemoStream

__all__ = ["DemoNormaliser", "DemoSource", "DemoStream"]

register_sources, register_normalisers = source_hooks(DemoSource, DemoNormaliser)
