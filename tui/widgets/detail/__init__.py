"""The detail pane: the selected mention in full, and how it is rendered."""
