"""Built-in sinks: copies of what the store committed, to JSONL files and standard output."""
