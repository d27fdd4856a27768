"""Every key of the TUI in one table: bindings, the help screen and the palette read it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from textual.binding import Binding, BindingType

# Scopes: "feed" keys work while the feed has focus (they would type into the
# search box otherwise); "screen" keys work on the main screen unless a text box
# has focus; "app" keys work everywhere.
GROUPS = ("Move", "Filter", "Mention", "Live and panes", "App")


@dataclass(frozen=True, slots=True)
class Key:
    """One key binding: keys (comma-separated), action, what it does, where it works.

    ``footer`` is the short label shown in the footer (empty: not shown there).
    """

    keys: str
    action: str
    description: str
    group: str
    scope: str = "screen"
    footer: str = ""
    display: str | None = None
    palette: bool = True

    @property
    def shown_keys(self) -> str:
        """The keys as the help screen shows them."""
        return self.display or " ".join(_pretty(k) for k in self.keys.split(","))


KEYS: tuple[Key, ...] = (
    Key("j,down", "cursor_down", "Next mention", "Move", "feed", palette=False),
    Key("k,up", "cursor_up", "Previous mention", "Move", "feed", palette=False),
    Key("pagedown,ctrl+f", "page_down", "Page down", "Move", "feed", palette=False),
    Key("pageup,ctrl+b", "page_up", "Page up", "Move", "feed", palette=False),
    Key("g,home", "top", "Go to the top and follow new mentions", "Move", "feed"),
    Key("G,end", "bottom", "Go to the last loaded mention (loads more)", "Move", "feed"),
    Key("escape", "deselect", "Deselect (follow new mentions at the top)", "Move", "feed"),
    Key("enter", "open", "Read the selected mention in the detail pane", "Move", "feed"),
    Key("slash", "search", "Search the full text", "Filter", footer="search", display="/"),
    Key("1", "pick_range", "Date range (published or collected)", "Filter"),
    Key("2", "pick('platforms')", "Platforms", "Filter"),
    Key("3", "pick('topics')", "Topics", "Filter"),
    Key("4", "pick('sentiments')", "Sentiment", "Filter"),
    Key("5", "pick('langs')", "Languages", "Filter"),
    Key("6", "pick('statuses')", "Workflow status", "Filter"),
    Key("x", "clear_filters", "Clear every filter", "Filter", footer="clear filters"),
    Key("s", "save_view", "Save the filters as a named view", "Filter"),
    Key("v", "views", "Recall (or delete) a saved view", "Filter", footer="views"),
    Key("r", "set_status('needs-reply')", "Mark needs reply", "Mention"),
    Key("h", "set_status('handled')", "Mark handled", "Mention"),
    Key("i", "set_status('ignored')", "Mark ignored", "Mention"),
    Key("u", "set_status('new')", "Mark new again", "Mention"),
    Key("e", "correct_sentiment", "Correct the sentiment", "Mention"),
    Key("t", "add_tag", "Add a tag", "Mention"),
    Key("T", "remove_tag", "Remove a tag", "Mention"),
    Key("n", "add_note", "Add a note", "Mention"),
    Key("o", "open_url", "Open the link in the browser", "Mention"),
    Key("y", "copy_url", "Copy the link", "Mention"),
    Key(
        "space", "toggle_pause", "Pause or resume the live stream", "Live and panes", footer="pause"
    ),
    Key("ctrl+r", "reload", "Reload the feed from the store", "Live and panes"),
    Key(
        "R",
        "retry_sources",
        "Retry failing sources now (the engine, here or not)",
        "Live and panes",
    ),
    Key("tab", "app.focus_next", "Next pane", "Live and panes", "app", palette=False),
    Key("z", "toggle_detail", "Show or hide the detail pane", "Live and panes"),
    Key("L", "app.show_log", "Engine and plugin log", "Live and panes"),
    Key("question_mark", "help", "Show every key", "App", "app", footer="keys", display="?"),
    Key("ctrl+p", "command_palette", "Command palette", "App", "app", palette=False),
    Key("q", "app.quit", "Quit (stops the engine cleanly)", "App", footer="quit"),
)


def bindings(scope: str) -> list[BindingType]:
    """The Textual bindings of one scope."""
    return [
        Binding(
            key.keys,
            key.action,
            key.footer or key.description,
            show=bool(key.footer),
            key_display=key.display,
            tooltip=key.description,
        )
        for key in KEYS
        if key.scope == scope and key.action != "command_palette"
    ]


def palette_entries() -> Iterator[Key]:
    """The keys whose actions the command palette lists."""
    return (key for key in KEYS if key.palette)


def _pretty(key: str) -> str:
    names = {
        "down": "↓",
        "up": "↑",
        "pagedown": "PgDn",
        "pageup": "PgUp",
        "home": "Home",
        "end": "End",
        "escape": "Esc",
        "enter": "Enter",
        "space": "Space",
        "tab": "Tab",
    }
    if key.startswith("ctrl+"):
        return "Ctrl+" + key[5:].upper()
    return names.get(key, key)
