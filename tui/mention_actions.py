"""MentionActions: what the analyst does to one mention: status, sentiment, tags, notes, links."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from textual.widget import Widget

from ecoute.engine.records import SENTIMENT_LABELS
from ecoute.engine.store import Store

from . import jobs
from .messages import OpenLink
from .safe_text import safe_line
from .screens.pick_one import PickOneScreen
from .screens.prompt import PromptScreen
from .store_threads import StoreThreads
from .widgets.feed.rows import FeedRow

MODEL_LABEL = "model"
STATUS_WORDS = {
    "needs-reply": "Marked needs reply",
    "handled": "Marked handled",
    "ignored": "Marked ignored",
    "new": "Marked new",
}


def web_link(url: str | None) -> str | None:
    """``url`` if it is a plain http(s) link safe to hand to a browser, else ``None``."""
    if not url or len(url) > 4000 or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


class MentionActions:
    """Actions on one mention (a feed row); every change is saved in the store at once.

    Dialogs open, notifications show and store writes run on ``node`` (the feed
    screen); each write posts :class:`~ecoute.tui.messages.ActionDone` to it, or
    :class:`~ecoute.tui.messages.StoreFailed`. Links are opened by posting
    :class:`OpenLink` (the app knows how).
    """

    def __init__(self, node: Widget, threads: StoreThreads) -> None:
        self.node = node
        self.threads = threads

    def _save(self, mention_id: str, done: str, change: Callable[[Store], Any]) -> None:
        # Not exclusive: every action is saved, in order (one writer thread).
        saving = partial(jobs.save, self.threads, self.node.post_message, mention_id, done, change)
        jobs.start(self.node, saving, group="write")

    def set_status(self, row: FeedRow, status: str) -> None:
        """Set the workflow status of ``row``'s mention."""
        self._save(row.id, STATUS_WORDS[status], lambda s: s.set_status(row.id, status))

    def correct_sentiment(self, row: FeedRow) -> None:
        """Ask for the right sentiment (or the model's label back) and save it."""
        options: list[tuple[str, str, str]] = [
            (label, label, str(i + 1)) for i, label in enumerate(SENTIMENT_LABELS)
        ]
        options.append((MODEL_LABEL, "the model's label (remove my correction)", "0"))

        def chosen(label: str | None) -> None:
            if label is None:
                return
            override = None if label == MODEL_LABEL else label
            done = (
                "Sentiment correction removed" if override is None else f"Sentiment set to {label}"
            )
            self._save(row.id, done, lambda s: s.set_sentiment_override(row.id, override))

        self.node.app.push_screen(PickOneScreen("Correct the sentiment", options), chosen)

    def add_tag(self, row: FeedRow) -> None:
        """Ask for a tag and add it."""

        def chosen(tag: str | None) -> None:
            if tag:
                done = f"Tagged {safe_line(tag, 64)}"
                self._save(row.id, done, lambda s: s.add_tag(row.id, tag))

        self.node.app.push_screen(PromptScreen("Add a tag", "up to 64 characters"), chosen)

    def remove_tag(self, row: FeedRow, tags: Sequence[str]) -> None:
        """Remove one of ``tags`` (the mention's own), chosen in a list."""
        if not tags:
            self.node.notify("This mention has no tags.", severity="warning")
            return

        def chosen(tag: str | None) -> None:
            if tag:
                done = f"Tag {safe_line(tag, 64)} removed"
                self._save(row.id, done, lambda s: s.remove_tag(row.id, tag))

        options = [(tag, tag, "") for tag in tags]
        self.node.app.push_screen(PickOneScreen("Remove a tag", options), chosen)

    def add_note(self, row: FeedRow) -> None:
        """Ask for a note and attach it."""

        def chosen(note: str | None) -> None:
            if note:
                self._save(row.id, "Note added", lambda s: s.add_note(row.id, note))

        self.node.app.push_screen(PromptScreen("Add a note", "what to remember about it"), chosen)

    def open_url(self, row: FeedRow) -> None:
        """Open the mention's link in the browser."""
        url = web_link(row.url)
        if url is None:
            self.node.notify("This mention has no web link to open.", severity="warning")
            return
        self.node.post_message(OpenLink(url))
        self.node.notify(f"Opening {safe_line(url, 80)}", markup=False)

    def copy_url(self, row: FeedRow) -> None:
        """Copy the mention's link to the clipboard."""
        url = web_link(row.url)
        if url is None:
            self.node.notify("This mention has no web link to copy.", severity="warning")
            return
        self.node.app.copy_to_clipboard(url)
        self.node.notify(f"Copied {safe_line(url, 80)}", markup=False)
