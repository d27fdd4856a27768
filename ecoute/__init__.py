"""ecoute: a social listening engine with a terminal UI."""

__version__ = "0.1.0"
