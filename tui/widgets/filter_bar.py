"""FilterBar: every filter always visible, each one a click or a key away."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal

from ..filters import TIME_FIELDS, FeedFilters
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


class FilterBar(Horizontal):
    """The filter chips and the search box; :meth:`show` displays the filters in force."""

    def compose(self) -> ComposeResult:
        """Chips, then the search box."""
        for kind, key, name in CHIPS:
            yield FilterChip(kind, key, name, id=f"chip-{kind}")
        yield SearchBox(id="search")

    def show(self, filters: FeedFilters) -> None:
        """Display ``filters`` on the chips and in the search box."""
        for kind, _, _ in CHIPS:
            chip = self.query_one(f"#chip-{kind}", FilterChip)
            if kind == "range":
                value = filters.range_label()
                if filters.time_field != "created_at":
                    value += f" ({TIME_FIELDS[filters.time_field]})"
                active = filters.range != "all" or filters.time_field != "created_at"
            else:
                values = getattr(filters, kind)
                value, active = ", ".join(values), bool(values)
            # An unchanged chip is left alone: each change costs a layout pass.
            if (value if active else "", active) != (chip.value, chip.has_class("-active")):
                chip.show(value, active)
        self.query_one(SearchBox).show(filters.text)
