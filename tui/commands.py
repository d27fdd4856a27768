"""The command palette's feed commands: every action of the feed screen by name, and views."""

from __future__ import annotations

from functools import partial

from textual.app import App, SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.widget import Widget

from .keymap import palette_entries
from .safe_text import safe_line
from .widgets.feed.mention_feed import MentionFeed
from .widgets.filter_bar import FilterBar


class FeedCommands(Provider):
    """Lists the feed screen's actions (as its keys run them) and its saved views.

    Installed by the feed screen (``COMMANDS``); Textual's own commands come
    from the app as usual.
    """

    def commands(self) -> list[SystemCommand]:
        """Every command, in key-table order, then ``View: <name>`` for each saved view."""
        screen = self.screen
        targets: dict[str, App[object] | Widget] = {
            "app": self.app,
            "screen": screen,
            "feed": screen.query_one(MentionFeed),
        }
        found = []
        for key in palette_entries():
            run = partial(screen.call_later, targets[key.scope].run_action, key.action)
            found.append(SystemCommand(key.description, f"key: {key.shown_keys}", run))
        bar = screen.query_one(FilterBar)
        for view in bar.views:
            recall = partial(bar.apply_view, view.name)
            found.append(SystemCommand(f"View: {safe_line(view.name, 60)}", "saved view", recall))
        return found

    async def discover(self) -> Hits:
        """All of them, when nothing is typed yet."""
        for command in self.commands():
            yield DiscoveryHit(command.title, command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        """Those whose title matches ``query``, best first."""
        matcher = self.matcher(query)
        for command in self.commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(command.title), command.callback, help=command.help
                )
