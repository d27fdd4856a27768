"""What the analyst does to the selected mention: status, sentiment, tags, notes, links."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from textual import work

from ecoute.engine.errors import EcouteError
from ecoute.engine.records import SENTIMENT_LABELS
from ecoute.engine.store import Store, StoredMention

from ..messages import ActionDone, StoreFailed
from ..rows import FeedRow
from ..safe_text import safe_line
from .feed_base import FeedBase
from .pick_one import PickOneScreen
from .prompt import PromptScreen

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


class MentionActions(FeedBase):
    """Actions on the selected mention; every change is saved in the store at once."""

    def _target(self) -> FeedRow | None:
        row = self.feed.selected
        if row is None:
            self.notify("Select a mention first (↓ or j, or click one).", severity="warning")
        return row

    # Not exclusive: every action is saved, in order (one writer thread).
    @work(group="write")
    async def _save(self, mention_id: str, done: str, change: Callable[[Store], Any]) -> None:
        """Run ``change`` in the writer thread, then report and refresh the mention."""

        def save(store: Store) -> StoredMention | None:
            change(store)
            return store.get(mention_id)

        try:
            stored = await self.threads.call("write", save)
        except EcouteError as exc:
            self.post_message(StoreFailed(done, str(exc)))
            return
        self.post_message(ActionDone(mention_id, done, stored))

    def action_set_status(self, status: str) -> None:
        """Set the workflow status of the selected mention."""
        row = self._target()
        if row is not None:
            self._save(row.id, STATUS_WORDS[status], lambda s: s.set_status(row.id, status))

    def action_correct_sentiment(self) -> None:
        """Ask for the right sentiment of the selected mention."""
        row = self._target()
        if row is None:
            return
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

        self.app.push_screen(PickOneScreen("Correct the sentiment", options), chosen)

    def action_add_tag(self) -> None:
        """Ask for a tag and add it to the selected mention."""
        row = self._target()
        if row is None:
            return

        def chosen(tag: str | None) -> None:
            if tag:
                done = f"Tagged {safe_line(tag, 64)}"
                self._save(row.id, done, lambda s: s.add_tag(row.id, tag))

        self.app.push_screen(PromptScreen("Add a tag", "up to 64 characters"), chosen)

    def action_remove_tag(self) -> None:
        """Remove one of the selected mention's tags."""
        row = self._target()
        if row is None:
            return
        shown = self.detail.stored
        tags = shown.tags if shown is not None and shown.id == row.id else []
        if not tags:
            self.notify("This mention has no tags.", severity="warning")
            return

        def chosen(tag: str | None) -> None:
            if tag:
                done = f"Tag {safe_line(tag, 64)} removed"
                self._save(row.id, done, lambda s: s.remove_tag(row.id, tag))

        options = [(tag, tag, "") for tag in tags]
        self.app.push_screen(PickOneScreen("Remove a tag", options), chosen)

    def action_add_note(self) -> None:
        """Ask for a note and attach it to the selected mention."""
        row = self._target()
        if row is None:
            return

        def chosen(note: str | None) -> None:
            if note:
                self._save(row.id, "Note added", lambda s: s.add_note(row.id, note))

        self.app.push_screen(PromptScreen("Add a note", "what to remember about it"), chosen)

    def action_open_url(self) -> None:
        """Open the selected mention's link in the browser."""
        row = self._target()
        if row is None:
            return
        url = web_link(row.url)
        if url is None:
            self.notify("This mention has no web link to open.", severity="warning")
            return
        opener = getattr(self.app, "open_link", self.app.open_url)
        opener(url)
        self.notify(f"Opening {safe_line(url, 80)}", markup=False)

    def action_copy_url(self) -> None:
        """Copy the selected mention's link to the clipboard."""
        row = self._target()
        if row is None:
            return
        url = web_link(row.url)
        if url is None:
            self.notify("This mention has no web link to copy.", severity="warning")
            return
        self.app.copy_to_clipboard(url)
        self.notify(f"Copied {safe_line(url, 80)}", markup=False)

    def on_action_done(self, message: ActionDone) -> None:
        """Show the saved change on the row and in the detail pane."""
        self.notify(message.done, markup=False)
        if message.stored is None:
            return
        self.show_stored(message.stored)
