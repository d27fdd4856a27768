"""Changing the feed's filters: pickers for each filter, clearing, saved views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from textual import work

from ecoute.engine.errors import EcouteError
from ecoute.engine.store import SavedView, Store

from ..filters import FIXED_CHOICES, FeedFilters
from ..messages import StoreFailed, ViewsLoaded
from ..safe_text import safe_line
from .choice import ChoiceScreen
from .date_range import DateChoice, DateRangeScreen
from .feed_base import FeedBase
from .prompt import PromptScreen
from .views import ViewsScreen

PICKER_TITLES = {
    "platforms": "Platforms",
    "topics": "Topics",
    "sentiments": "Sentiment (your corrections count)",
    "langs": "Languages",
    "statuses": "Workflow status",
}


class FilterActions(FeedBase):
    """Filter pickers and saved views; every change goes through ``self.filters``."""

    def action_search(self) -> None:
        """Put the cursor in the search box."""
        self.query_one("#search").focus()

    def action_pick_range(self) -> None:
        """Choose the date range and which time it applies to."""

        def chosen(choice: DateChoice | None) -> None:
            if choice is not None:
                self.filters = replace(
                    self.filters,
                    range=choice.range,
                    since=choice.since,
                    until=choice.until,
                    time_field=choice.time_field,
                )

        self.app.push_screen(DateRangeScreen(self.filters, self.clock()), chosen)

    def action_pick(self, kind: str) -> None:
        """Choose the values of one set filter (``platforms``, ``topics``, ...).

        Platforms, topics and languages are read from the store first, so that the
        list holds what arrived since the last look.
        """
        if kind in FIXED_CHOICES:
            self.open_picker(kind)
        else:
            self.load_choices(then_pick=kind)

    def open_picker(self, kind: str) -> None:
        """Show the checklist of ``kind`` with the values known now."""
        current: tuple[str, ...] = getattr(self.filters, kind)
        known = FIXED_CHOICES.get(kind) or self.choices.get(kind, ())
        values = sorted({*known, *current}) if kind not in FIXED_CHOICES else list(known)
        if not values:
            self.notify(f"No {PICKER_TITLES[kind].lower()} in the store yet.", severity="warning")
            return

        def chosen(picked: tuple[str, ...] | None) -> None:
            if picked is not None:
                self.filters = self.filters.with_values(kind, picked)

        options = [(value, value) for value in values]
        self.app.push_screen(ChoiceScreen(PICKER_TITLES[kind], options, current), chosen)

    def action_clear_filters(self) -> None:
        """Remove every filter (the time field goes back to publication time)."""
        if self.filters == FeedFilters():
            self.notify("No filter to clear.")
            return
        self.filters = FeedFilters()
        self.notify("Filters cleared.")

    def action_save_view(self) -> None:
        """Save the filters in force under a name (replacing a view of that name)."""
        filters = self.filters

        def chosen(name: str | None) -> None:
            if name:
                self._change_views(
                    f"View saved: {name}", lambda s: s.save_view(name, filters.to_json())
                )

        self.app.push_screen(PromptScreen("Save these filters as a view", "a name"), chosen)

    def action_views(self) -> None:
        """Recall or delete a saved view."""

        def chosen(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            what, name = result
            if what == "apply":
                self.apply_view(name)
            else:
                self.delete_view(name)

        self.app.push_screen(ViewsScreen(self.views), chosen)

    def apply_view(self, name: str) -> None:
        """Set the filters of the saved view ``name``."""
        view = next((v for v in self.views if v.name == name), None)
        if view is None:
            self.notify(f"No view named {safe_line(name, 64)}.", severity="warning", markup=False)
            return
        try:
            self.filters = FeedFilters.from_json(view.filters)
        except ValueError as exc:
            self.notify(
                f"View {safe_line(name)} cannot be used: {exc}", severity="error", markup=False
            )
            return
        self.notify(f"View: {safe_line(name, 64)}", markup=False)

    def delete_view(self, name: str) -> None:
        """Delete the saved view ``name``."""
        self._change_views(f"View deleted: {name}", lambda s: s.delete_view(name))

    @work(group="write")
    async def _change_views(self, done: str, change: Callable[[Store], object]) -> None:
        """Save or delete a view in the writer thread, then read the views again."""

        def apply(store: Store) -> list[SavedView]:
            change(store)
            return store.views()

        try:
            views = await self.threads.call("write", apply)
        except EcouteError as exc:
            self.post_message(StoreFailed(done, str(exc)))
            return
        self.post_message(ViewsLoaded(views))
        self.notify(safe_line(done, 80), markup=False)
