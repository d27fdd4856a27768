"""FeedWindow: a bounded slice of the feed that slides both ways and takes live rows."""

from __future__ import annotations

from datetime import timedelta

from ecoute.engine.records import format_time
from ecoute.engine.store import PageKey
from ecoute.tui.widgets.feed.rows import FeedRow
from ecoute.tui.widgets.feed.window import FeedWindow
from tests.tui.helpers import NOW


def row(minute: int, seq: int | None = None) -> FeedRow:
    """A row published ``minute`` minutes before NOW (newest = smallest minute)."""
    seq = seq if seq is not None else 10_000 - minute
    moment = NOW - timedelta(minutes=minute)
    return FeedRow(
        id=f"t:{minute}:{seq}",
        seq=seq,
        key=PageKey(format_time(moment), seq),
        created_at=moment,
        platform="t",
        author="a",
        topics=(),
        sentiment=None,
        corrected=False,
        status="new",
        line=f"row {minute}",
        spans=(),
        url=None,
    )


def minutes(window: FeedWindow) -> list[int]:
    return [int(r.id.split(":")[1]) for r in window.rows]


def test_older_pages_append_and_the_top_slides_out_past_the_bound() -> None:
    window = FeedWindow(max_rows=5)
    window.reset([row(m) for m in range(3)], row(2).key)
    dropped = window.extend_older([row(m) for m in range(3, 6)], row(5).key)
    assert dropped == 1
    assert minutes(window) == [1, 2, 3, 4, 5]
    assert window.has_newer and window.older_key == row(5).key


def test_newer_rows_come_back_on_top_and_the_bottom_slides_out() -> None:
    window = FeedWindow(max_rows=4)
    window.reset([row(m) for m in range(4, 8)], row(7).key)
    window.has_newer = True
    added = window.extend_newer([row(2), row(3)], complete=True)
    assert added == 2
    assert minutes(window) == [2, 3, 4, 5]
    assert window.older_key == row(5).key and window.has_newer
    window.extend_newer([row(0), row(1)], complete=False)
    assert minutes(window)[:2] == [0, 1] and not window.has_newer


def test_live_rows_go_to_their_place_in_feed_order_once() -> None:
    window = FeedWindow()
    window.reset([row(1), row(3), row(5)], None)
    inserted = window.merge_live([row(0), row(4), row(2), row(0)])
    assert inserted == 3
    assert minutes(window) == [0, 1, 2, 3, 4, 5]
    assert window.merge_live([row(2)]) == 0  # already there


def test_live_rows_below_the_window_wait_for_paging() -> None:
    window = FeedWindow()
    window.reset([row(1), row(2)], row(2).key)  # older rows exist below
    assert window.merge_live([row(9)]) == 0
    assert minutes(window) == [1, 2]


def test_no_live_rows_while_the_top_is_not_held() -> None:
    window = FeedWindow()
    window.reset([row(5)], None)
    window.has_newer = True
    assert window.merge_live([row(0)]) == 0


def test_same_time_orders_by_seq() -> None:
    window = FeedWindow()
    window.reset([row(1, seq=5)], None)
    window.merge_live([row(1, seq=9), row(1, seq=2)])
    assert [r.seq for r in window.rows] == [9, 5, 2]


def test_replace_and_index_of() -> None:
    window = FeedWindow()
    window.reset([row(1), row(2)], None)
    changed = window.rows[1].with_state("handled", "positive", True)
    assert window.replace(changed) == 1
    assert window.rows[1].status == "handled"
    assert window.index_of("nope") is None
