"""The terminal UI (Textual); the engine never imports this package."""
