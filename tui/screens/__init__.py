"""The TUI's screens: the feed, and the dialogs it opens."""
