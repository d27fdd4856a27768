"""Built-in sources: one module per platform, each with its normaliser."""
