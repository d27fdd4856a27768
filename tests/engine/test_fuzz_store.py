"""Property tests: any JSON is stored valid or refused with a reason, and always reads back."""

from __future__ import annotations

import asyncio
import itertools
import json
import math
from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoute.engine import Annotations, Author, Mention, Sentiment, TopicMatch
from ecoute.engine.health import Health
from ecoute.engine.runtime.batching import Batch
from ecoute.engine.runtime.store_writer import StoreWriter
from ecoute.engine.runtime.validation import InvalidMention, validate_mention
from ecoute.engine.store import MentionFilter, Store, open_store
from tests.conftest import FakeClock

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
_serial = itertools.count()

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
times = st.one_of(
    st.datetimes(timezones=st.just(UTC)).map(lambda t: t.isoformat()),
    st.floats(min_value=-1e12, max_value=1e12),
    json_values,
)
words = st.text(min_size=1, max_size=30)
topic_objects = st.fixed_dictionaries(
    {
        "topic": words | json_values,
        "term": words,
        "found": words,
        "start": st.integers(0, 100) | json_values,
        "end": st.integers(0, 100),
    },
    optional={"kind": st.sampled_from(["exact", "fuzzy", "odd"]) | json_values},
)
sentiment_objects = st.fixed_dictionaries(
    {
        "label": st.sampled_from(["negative", "neutral", "positive", "happy"]) | json_values,
        "confidence": st.floats(0, 1) | json_values,
        "model": words,
    }
)
# Mostly mention-shaped, with any field possibly any JSON value.
FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "source": words | json_values,
    "url": st.just("https://example.org/a") | json_values,
    "title": words | json_values,
    "lang": st.sampled_from(["en", "fr"]) | json_values,
    "collected_at": times,
    "likes": st.integers(0, 2**64) | json_values,
    "shares": st.integers(-5, 5) | json_values,
    "replies": json_values,
    "views": st.integers(0, 10**12),
    "parent_id": words | json_values,
    "raw": json_values,
    "topics": st.lists(topic_objects, max_size=3) | json_values,
    "sentiment": sentiment_objects | json_values,
    "priority": st.floats() | json_values,
    "reach": st.integers(0, 2**63) | json_values,
    "flags": st.lists(words, max_size=3) | words | json_values,
    "extra": st.dictionaries(words, json_values, max_size=3) | json_values,
    "author": st.fixed_dictionaries(
        {"handle": words}, optional={"followers": st.integers(0, 2**64) | json_values}
    )
    | words
    | json_values,
}
mention_dicts = st.fixed_dictionaries(
    {
        "id": words | json_values,
        "platform": words | json_values,
        "text": st.text(max_size=200) | json_values,
        "created_at": times,
    },
    optional=FIELD_VALUES,
) | st.dictionaries(st.text(max_size=10), json_values, max_size=5)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with open_store(tmp_path_factory.mktemp("fuzz") / "s.db") as opened:
        yield opened


def comparable(mention: Mention) -> Any:
    """What a mention must read back as: its JSON form, as the store writes JSON."""
    return json.loads(msgspec.json.encode(mention.to_dict(), enc_hook=str))


def check_plain(reason: str) -> None:
    assert reason and "Expected" not in reason and "$." not in reason and "Error" not in reason


@SETTINGS
@given(data=mention_dicts)
def test_any_json_is_stored_valid_or_refused_and_reads_back(store: Store, data: Any) -> None:
    try:
        mention = Mention.from_dict(data)
    except ValueError as exc:
        assert type(exc) is ValueError and str(exc)
        return
    try:
        validate_mention(mention)
    except InvalidMention as exc:
        check_plain(str(exc))
        return
    mention.id = f"{mention.id}#{next(_serial)}"  # upserts merge by id: keep examples apart
    assert store.commit_batch([mention], cursors={"fuzz": mention.id}) == 1
    expected = comparable(mention)
    stored = store.get(mention.id)
    assert stored is not None and comparable(stored.mention) == expected
    assert any(s.id == mention.id for s in store.page(limit=5).rows)
    assert any(s.id == mention.id for s in store.newer_than(store.latest_seq() - 1))
    for sort in ("newest", "relevance"):
        store.search(MentionFilter(text=mention.text[:20]), sort=sort, limit=5)  # type: ignore[arg-type]
    assert store.delete_mentions([mention.id]) == 1


# -- a whole batch through the validation, scorers' annotations and the store writer ----


def deep(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


odd_values = (
    json_values
    | st.sampled_from([object(), b"bytes", {1: 2}, (1, 2), float("nan"), 2**63, -1, ["x"] * 3])
    | st.integers(60, 600).map(deep)
)
ANNOTATION_FIELDS = [f.name for f in fields(Annotations) if f.name != "drop"]


@st.composite
def mentions_with_odd_values(draw: st.DrawFn) -> Mention:
    n = next(_serial)
    mention = Mention(
        id=f"fuzz:{n}",
        platform="fuzz",
        source="fuzz",
        text=draw(st.text(max_size=50)),
        created_at=T0,
        author=Author("a"),
        topics=[TopicMatch("t", "t", "t", 0, 1)],
        sentiment=Sentiment("neutral", 0.5, "m"),
    )
    for name in draw(st.lists(st.sampled_from([f.name for f in fields(Mention)]), max_size=2)):
        if name != "id":
            setattr(mention, name, draw(odd_values))
    return mention


@st.composite
def annotations(draw: st.DrawFn) -> Annotations | None:
    if draw(st.booleans()):
        return None
    values = {name: draw(odd_values) for name in draw(st.lists(st.sampled_from(ANNOTATION_FIELDS)))}
    return Annotations(**values)


@SETTINGS
@given(batch=st.lists(st.tuples(mentions_with_odd_values(), annotations()), min_size=1, max_size=6))
def test_a_batch_stores_its_valid_mentions_and_rejects_the_rest(
    tmp_path_factory: pytest.TempPathFactory, batch: list[tuple[Mention, Annotations | None]]
) -> None:
    path = tmp_path_factory.getbasetemp() / "writer.db"
    valid, reasons = [], []
    for mention, annotation in batch:
        try:
            validate_mention(mention)  # what Normalising does after the normaliser
        except InvalidMention as exc:
            reasons.append(str(exc))
            continue
        if annotation is not None:
            annotation.apply_to(mention, "fuzz")  # what a scorer's output does
        valid.append(mention)
    for reason in reasons:
        check_plain(reason)
    pending = Batch(list(valid), cursors={"fuzz": "c"})

    async def commit() -> None:
        writer = StoreWriter(path, Health("store", kind="store"), FakeClock())
        await writer.open()
        try:
            await writer.commit(pending)
        finally:
            await writer.close()

    asyncio.run(commit())
    assert len(pending.mentions) + len(pending.rejects) == len(valid)
    for reject in pending.rejects:
        assert reject.reason and reject.context.startswith("mention fuzz:")
    with open_store(path) as store:
        for mention in pending.mentions:
            stored = store.get(mention.id)
            assert stored is not None and comparable(stored.mention) == comparable(mention)
            assert not (
                isinstance(stored.mention.priority, float) and math.isnan(stored.mention.priority)
            )
        store.delete_mentions([m.id for m in valid])
