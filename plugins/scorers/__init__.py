"""Built-in scorers: topic matching, language, sentiment, priority."""
