"""DateRangeScreen: a preset (last hour ... all time) or a custom from/to, on either time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, RadioButton, RadioSet
from textual.widgets.option_list import Option

from ecoute.engine.records import as_utc
from ecoute.engine.timeparse import parse_since

from ..filters import CUSTOM, RANGES, FeedFilters


@dataclass(frozen=True, slots=True)
class DateChoice:
    """What the user chose: a range key, custom bounds, and the time it applies to."""

    range: str
    time_field: str
    since: datetime | None = None
    until: datetime | None = None


def parse_moment(text: str, now: datetime) -> datetime:
    """``7d``/``24h`` ago, or a date/time in the local zone (``2026-11-01 08:00``).

    Raises:
        ValueError: the accepted forms, in words.
    """
    text = text.strip()
    try:
        return parse_since(text, now=now)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        raise ValueError(
            f"'{text}' is not a time: use 2026-11-01, 2026-11-01 08:00, or 30m, 24h, 7d ago"
        ) from None
    return as_utc(moment if moment.tzinfo else moment.astimezone())


class DateRangeScreen(ModalScreen[DateChoice | None]):
    """Presets in a list (Enter applies one); custom bounds in two inputs."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, filters: FeedFilters, now: datetime) -> None:
        super().__init__()
        self.filters = filters
        self.now = now

    def compose(self) -> ComposeResult:
        """Presets, time field, custom bounds, buttons."""
        f = self.filters
        with Vertical(classes="dialog"):
            yield Label(Text("Date range", style="bold"), classes="dialog-title")
            options = [Option(label.capitalize(), id=key) for key, (label, _) in RANGES.items()]
            options.append(Option("Custom (from / to below)", id=CUSTOM))
            yield OptionList(*options, id="presets")
            with RadioSet(id="time-field"):
                yield RadioButton("published", value=f.time_field == "created_at", id="created_at")
                yield RadioButton(
                    "collected", value=f.time_field == "collected_at", id="collected_at"
                )
            with Horizontal(classes="date-inputs"):
                yield Input(
                    value=_local(f.since) if f.range == CUSTOM else "",
                    placeholder="from: 2026-11-01 08:00 or 7d",
                    id="since",
                )
                yield Input(
                    value=_local(f.until) if f.range == CUSTOM else "",
                    placeholder="to (optional)",
                    id="until",
                )
            yield Label("", id="date-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply custom", variant="primary", id="apply")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        """Focus the presets on the range in force."""
        presets = self.query_one("#presets", OptionList)
        keys = [*RANGES, CUSTOM]
        presets.highlighted = keys.index(self.filters.range)
        presets.focus()

    def _time_field(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.id if pressed is not None and pressed.id else self.filters.time_field

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A preset applies at once; "custom" moves to the inputs."""
        key = event.option.id or "all"
        if key == CUSTOM:
            self.query_one("#since", Input).focus()
            return
        self.dismiss(DateChoice(key, self._time_field()))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in either input applies the custom range."""
        self.apply_custom()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Apply the custom range, or cancel."""
        if event.button.id == "apply":
            self.apply_custom()
        else:
            self.dismiss(None)

    def apply_custom(self) -> None:
        """Check the custom bounds and return them, or show what is wrong."""
        error = self.query_one("#date-error", Label)
        try:
            since_text = self.query_one("#since", Input).value.strip()
            until_text = self.query_one("#until", Input).value.strip()
            since = parse_moment(since_text, self.now) if since_text else None
            until = parse_moment(until_text, self.now) if until_text else None
            choice = DateChoice(CUSTOM, self._time_field(), since, until)
            FeedFilters(range=CUSTOM, since=since, until=until).normalised()
        except ValueError as exc:
            error.update(Text(str(exc)))
            return
        self.dismiss(choice)

    def action_cancel(self) -> None:
        """Close without changing the range."""
        self.dismiss(None)


def _local(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""
