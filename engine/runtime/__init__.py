"""The headless pipeline: sources -> normalise -> scorers -> sinks, on one asyncio loop."""

from .engine import Engine, RunReport

__all__ = ["Engine", "RunReport"]
