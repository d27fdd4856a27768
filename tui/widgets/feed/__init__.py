"""The feed: its pane, the mention list, rows and their rendering, columns, the window, live."""
