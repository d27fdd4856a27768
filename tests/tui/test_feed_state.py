"""The feed's plain state: the live stream (one poll at a time, outdated polls dropped, rows
held while paused) and the scorers catching up with stored mentions."""

from __future__ import annotations

from datetime import timedelta

from ecoute.engine.health import Health
from ecoute.engine.records import format_time
from ecoute.engine.store import PageKey
from ecoute.tui.catch_up import ScorerCatchUp
from ecoute.tui.widgets.feed.live import MAX_HELD, LiveStream
from ecoute.tui.widgets.feed.rows import FeedRow
from tests.tui.helpers import NOW


def row(seq: int) -> FeedRow:
    moment = NOW + timedelta(seconds=seq)
    return FeedRow(
        id=f"t:{seq}",
        seq=seq,
        key=PageKey(format_time(moment), seq),
        created_at=moment,
        platform="t",
        author="a",
        topics=(),
        sentiment=None,
        corrected=False,
        status="new",
        line=f"row {seq}",
        spans=(),
        url=None,
    )


def test_one_poll_at_a_time_each_from_where_the_last_one_ended() -> None:
    live = LiveStream()
    live.restart(10)
    assert live.start_poll() == 10
    assert live.start_poll() is None  # the first one is still under way
    arrival = live.arrived([row(12), row(11)], 12, False, current=True)
    assert arrival is not None and [r.seq for r in arrival.rows] == [12, 11]
    assert live.start_poll() == 12


def test_a_poll_of_outdated_filters_is_dropped_but_ends() -> None:
    live = LiveStream()
    live.restart(5)
    live.start_poll()
    assert live.arrived([row(6)], 6, False, current=False) is None
    assert live.start_poll() == 5  # the new filters' first page said where to start


def test_rows_are_held_while_paused_and_handed_back_on_resume() -> None:
    live = LiveStream()
    assert live.toggle_pause() is None and live.paused
    live.start_poll()
    assert live.arrived([row(1)], 1, False, current=True) is None
    live.start_poll()
    assert live.arrived([row(2)], 2, False, current=True) is None
    assert [r.seq for r in live.held] == [1, 2]
    resumed = live.toggle_pause()
    assert resumed is not None and [r.seq for r in resumed.rows] == [1, 2]
    assert not resumed.overflow and not live.held and not live.paused
    assert live.toggle_pause() is None and live.toggle_pause() is None  # nothing held


def test_a_flood_while_paused_asks_for_the_top_again() -> None:
    live = LiveStream()
    live.toggle_pause()
    live.start_poll()
    live.arrived([row(i) for i in range(MAX_HELD + 5)], MAX_HELD + 5, False, current=True)
    assert len(live.held) == MAX_HELD and live.overflowed
    resumed = live.toggle_pause()
    assert resumed is not None and resumed.overflow
    live.toggle_pause()
    live.start_poll()
    live.arrived([row(1)], 1, True, current=True)
    live.forget_held()
    assert not live.held and not live.overflowed


def scorer(pending: int, detail: str = "") -> list[Health]:
    return [
        Health("source:demo", "source", "ok", pending=0),
        Health("scorer:sentiment", "scorer", "ok", detail=detail, pending=pending),
    ]


def test_rows_are_read_again_when_a_scorer_makes_progress() -> None:
    watch = ScorerCatchUp()
    assert not watch.read(scorer(0, "loading")) and not watch.waiting
    assert not watch.read(scorer(40, "loading")) and watch.waiting
    assert watch.read(scorer(25, "loading"))  # it caught up with 15 of them
    assert watch.read(scorer(25, "loading"))  # once more: their commit may come later
    assert not watch.read(scorer(25, "loading"))
    assert watch.read(scorer(0, "ready")) and not watch.waiting
    assert watch.read(scorer(0, "ready"))
    assert not watch.read(scorer(0, "ready"))
    # A reading that missed the pending phase still sees the word change.
    assert watch.read(scorer(0, "reloaded"))
