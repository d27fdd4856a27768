"""Built-in scorers: topic matching, language and sentiment."""
