"""FilterBar: every filter always visible, their one owner, and the pickers that change them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive

from ecoute.engine.store import SavedView, Store

from .. import jobs
from ..filters import FIXED_CHOICES, TIME_FIELDS, FeedFilters
from ..messages import ChoicesLoaded, FiltersChanged, ViewsLoaded
from ..safe_text import safe_line
from ..screens.choice import ChoiceScreen
from ..screens.date_range import DateChoice, DateRangeScreen
from ..screens.prompt import PromptScreen
from ..screens.views import ViewsScreen
from ..store_threads import StoreThreads
from .filter_chip import FilterChip
from .search_box import SearchBox

# (kind, key, name): the order of the chips and the keys that open them.
CHIPS = (
    ("range", "1", "when"),
    ("platforms", "2", "platform"),
    ("topics", "3", "topic"),
    ("sentiments", "4", "sentiment"),
    ("langs", "5", "lang"),
    ("statuses", "6", "status"),
)
PICKER_TITLES = {
    "platforms": "Platforms",
    "topics": "Topics",
    "sentiments": "Sentiment (your corrections count)",
    "langs": "Languages",
    "statuses": "Workflow status",
}


class FilterBar(Horizontal):
    """The filter chips and the search box, and the one owner of the filters in force.

    ``filters`` is always normalised; each change is shown on the chips and
    posted as :class:`FiltersChanged`. The pickers live here: one per filter
    (keys 1-6 or a click on a chip), the search, clearing, and saved views (kept
    in the store; ``views`` is the list read last).
    """

    filters: reactive[FeedFilters] = reactive(FeedFilters, init=False)

    def __init__(
        self,
        threads: StoreThreads,
        clock: Callable[[], datetime],
        topics: Sequence[str] = (),
        *,
        choices_interval: float | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.threads = threads
        self.clock = clock
        self.choices_interval = choices_interval
        self.configured_topics = tuple(topics)
        self.choices: dict[str, tuple[str, ...]] = {"topics": self.configured_topics}
        self.views: list[SavedView] = []

    def compose(self) -> ComposeResult:
        """Chips, then the search box."""
        for kind, key, name in CHIPS:
            yield FilterChip(kind, key, name, id=f"chip-{kind}")
        yield SearchBox(id="search")

    def on_mount(self) -> None:
        """Show the filters; read the choices and the saved views."""
        self._show(self.filters)
        self.read_choices()
        self.read_views()
        if self.choices_interval:
            self.set_interval(self.choices_interval, self.read_choices, name="choices")

    def validate_filters(self, filters: FeedFilters) -> FeedFilters:
        """Filters are always held normalised (sorted sets, trimmed search)."""
        return filters.normalised()

    def watch_filters(self, new: FeedFilters) -> None:
        """Show the new filters and tell the screen."""
        self._show(new)
        self.post_message(FiltersChanged(new))

    def _show(self, filters: FeedFilters) -> None:
        for kind, _, _ in CHIPS:
            chip = self.query_one(f"#chip-{kind}", FilterChip)
            if kind == "range":
                value = filters.range_label()
                if filters.time_field != "created_at":
                    value += f" ({TIME_FIELDS[filters.time_field]})"
                active = filters.range != "all" or filters.time_field != "created_at"
            else:
                values = filters.values(kind)
                value, active = ", ".join(values), bool(values)
            # An unchanged chip is left alone: each change costs a layout pass.
            if (value if active else "", active) != (chip.value, chip.has_class("-active")):
                chip.show(value, active)
        self.query_one(SearchBox).show(filters.text)

    # -- pickers --------------------------------------------------------------------------

    def focus_search(self) -> None:
        """Put the cursor in the search box."""
        self.query_one(SearchBox).focus()

    @on(SearchBox.Applied)
    def _search_applied(self, message: SearchBox.Applied) -> None:
        # Not stopped: the screen moves the focus back to the feed too.
        self.filters = replace(self.filters, text=message.text)

    @on(FilterChip.Pressed)
    def _chip_pressed(self, message: FilterChip.Pressed) -> None:
        if message.chip.kind == "range":
            self.pick_range()
        else:
            self.pick(message.chip.kind)

    def pick_range(self) -> None:
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

    def pick(self, kind: str) -> None:
        """Choose the values of one set filter (``platforms``, ``topics``, ...).

        Platforms, topics and languages are read from the store first, so that the
        list holds what arrived since the last look.
        """
        if kind in FIXED_CHOICES:
            self._open_picker(kind)
        else:
            self.read_choices(then_pick=kind)

    def _open_picker(self, kind: str) -> None:
        current = self.filters.values(kind)
        if kind in FIXED_CHOICES:
            values = list(FIXED_CHOICES[kind])
        else:
            values = sorted({*self.choices.get(kind, ()), *current})
        if not values:
            self.notify(f"No {PICKER_TITLES[kind].lower()} in the store yet.", severity="warning")
            return

        def chosen(picked: tuple[str, ...] | None) -> None:
            if picked is not None:
                self.filters = self.filters.with_values(kind, picked)

        options = [(value, value) for value in values]
        self.app.push_screen(ChoiceScreen(PICKER_TITLES[kind], options, current), chosen)

    def clear(self) -> None:
        """Remove every filter (the time field goes back to publication time)."""
        if self.filters == FeedFilters():
            self.notify("No filter to clear.")
            return
        self.filters = FeedFilters()
        self.notify("Filters cleared.")

    def read_choices(self, then_pick: str | None = None) -> None:
        """Read the values present in the store (then open the picker ``then_pick``)."""
        reading = partial(jobs.choices, self.threads, self.post_message, then_pick)
        jobs.start(self, reading, group="choices", exclusive=True)

    def on_choices_loaded(self, message: ChoicesLoaded) -> None:
        """Keep the choices (configured topics stay even before a mention matches)."""
        message.stop()
        self.choices = {
            "platforms": tuple(message.platforms),
            "topics": tuple(sorted({*self.configured_topics, *message.topics})),
            "langs": tuple(message.langs),
        }
        if message.then_pick:
            self._open_picker(message.then_pick)

    # -- saved views ----------------------------------------------------------------------

    def save_view(self) -> None:
        """Save the filters in force under a name (replacing a view of that name)."""
        filters = self.filters

        def chosen(name: str | None) -> None:
            if name:
                self._change_views(
                    f"View saved: {name}", lambda s: s.save_view(name, filters.to_json())
                )

        self.app.push_screen(PromptScreen("Save these filters as a view", "a name"), chosen)

    def recall_view(self) -> None:
        """Apply or delete a saved view, chosen in a list."""

        def chosen(result: tuple[str, str] | None) -> None:
            if result is None:
                return
            what, name = result
            if what == "apply":
                self.apply_view(name)
            else:
                self._change_views(f"View deleted: {name}", lambda s: s.delete_view(name))

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

    def read_views(self) -> None:
        """Read the saved views."""
        reading = partial(jobs.views, self.threads, self.post_message)
        jobs.start(self, reading, group="views", exclusive=True)

    def _change_views(self, done: str, change: Callable[[Store], object]) -> None:
        changing = partial(jobs.change_views, self.threads, self.post_message, done, change)
        jobs.start(self, changing, group="write")

    def on_views_loaded(self, message: ViewsLoaded) -> None:
        """Keep the saved views; say what changed them."""
        message.stop()
        self.views = message.views
        if message.done:
            self.notify(safe_line(message.done, 80), markup=False)
