"""FeedFilters: normalising, the store filter they mean, and saved-view JSON."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from ecoute.tui.filters import FeedFilters
from tests.tui.helpers import NOW


def test_normalised_sorts_and_dedupes_sets_and_trims_search() -> None:
    f = FeedFilters(platforms=("reddit", "news", "reddit"), text="  sync   error ").normalised()
    assert f.platforms == ("news", "reddit")
    assert f.text == "sync error"


def test_presets_are_relative_to_now() -> None:
    f = FeedFilters(range="24h").normalised()
    mf = f.mention_filter(NOW)
    assert mf.since == NOW - timedelta(hours=24) and mf.until is None
    assert FeedFilters().mention_filter(NOW).since is None


def test_custom_range_and_time_field() -> None:
    since, until = NOW - timedelta(days=3), NOW - timedelta(days=1)
    f = FeedFilters(range="custom", since=since, until=until, time_field="collected_at")
    mf = f.normalised().mention_filter(NOW)
    assert (mf.since, mf.until, mf.time_field) == (since, until, "collected_at")


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        (FeedFilters(range="fortnight"), "unknown date range"),
        (FeedFilters(range="custom"), "needs a start or an end"),
        (FeedFilters(range="custom", since=NOW, until=NOW - timedelta(1)), "ends before"),
        (FeedFilters(sentiments=("angry",)), "unknown sentiment"),
        (FeedFilters(statuses=("done",)), "unknown status"),
        (FeedFilters(time_field="edited_at"), "unknown time field"),
    ],
)
def test_bad_filters_are_refused_with_a_reason(filters: FeedFilters, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        filters.normalised()


def test_json_round_trip() -> None:
    f = FeedFilters(
        range="custom",
        since=NOW - timedelta(days=2),
        until=None,
        time_field="collected_at",
        platforms=("reddit",),
        sentiments=("negative",),
        statuses=("needs-reply",),
        text='"sync error"',
    ).normalised()
    assert FeedFilters.from_json(f.to_json()) == f
    assert FeedFilters.from_json({"range": "7d", "unknown": 1}) == FeedFilters(range="7d")


def test_json_with_wrong_types_names_the_key() -> None:
    with pytest.raises(ValueError, match="platforms"):
        FeedFilters.from_json({"platforms": "reddit"})
    with pytest.raises(ValueError, match="text"):
        FeedFilters.from_json({"text": 3})


def test_active_counts_each_filter_set() -> None:
    f = FeedFilters()
    assert f.active == 0
    assert replace(f, range="1h", langs=("fr",), text="x").active == 3
