"""The ecoute terminal UI (Textual): imported only when the TUI starts, never by the engine."""

from __future__ import annotations

from .options import TuiOptions

__all__ = ["TuiOptions"]
