"""Built-in sinks: the SQLite store, JSONL files, standard output."""
