"""Property: any JSON payload through any normaliser is a valid stored mention or a reject.

Every registered normaliser (built-in ones, through the same door as third parties)
gets arbitrary JSON values, and shapes close to its platform's own with wrong types
inside. The pipeline's normalising stage must never raise, must turn each item into
exactly one outcome, and every mention it lets through must store and read back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoute.engine import FetchResult, RawItem
from ecoute.engine.health import Health
from ecoute.engine.plugins import create_plugin_manager
from ecoute.engine.runtime.batching import Batch, Normalising
from ecoute.engine.runtime.poller import Fetched
from ecoute.engine.store import open_store

NORMALISERS = create_plugin_manager(load_entry_points=False).normalisers()

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)
# Keys the built-in normalisers read, so that fuzzing reaches past the first check.
KNOWN_KEYS = [
    "id", "objectID", "created_at", "content", "text", "title", "url", "uri", "account",
    "author", "username", "acct", "display_name", "followers_count", "language", "lang",
    "reblog", "reblogs_count", "favourites_count", "replies_count", "in_reply_to_id",
    "story_title", "comment_text", "story_text", "points", "num_comments", "parent_id",
    "created_at_i", "link", "published", "updated", "summary", "feed", "entry", "platform",
    "index", "kind", "likes", "topics", "sentiment", "flags", "extra", "raw", "name",
]  # fmt: skip
PAYLOADS = JSON | st.dictionaries(st.sampled_from(KNOWN_KEYS), JSON, max_size=12)


def normalise(platform: str, payloads: list[Any]) -> tuple[Batch, dict[str, Health]]:
    health: dict[str, Health] = {}
    stage = Normalising(NORMALISERS, health)
    batch = Batch()
    items = [RawItem(platform, payload, origin=f"fuzz:{i}") for i, payload in enumerate(payloads)]
    stage.run(Fetched("fuzz", FetchResult(items=items)), batch)
    return batch, health


@pytest.mark.parametrize("platform", sorted(NORMALISERS))
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payloads=st.lists(PAYLOADS, min_size=1, max_size=4))
def test_any_payload_is_stored_valid_or_rejected_with_a_reason(
    platform: str, payloads: list[Any], tmp_path: Path
) -> None:
    batch, _ = normalise(platform, payloads)
    assert len(batch.mentions) + len(batch.rejects) == len(payloads)
    for reject in batch.rejects:
        assert isinstance(reject.reason, str) and reject.reason.strip()
        assert "Traceback" not in reject.reason
    if not batch.mentions:
        return
    store_path = tmp_path / f"{platform}-{abs(hash(str(payloads)))}.db"
    with open_store(store_path) as store:
        store.commit_batch(batch.mentions, rejects=batch.rejects)
        for mention in batch.mentions:
            stored = store.get(mention.id)
            assert stored is not None
            assert stored.mention.text == mention.text
        assert store.count() == len({m.id for m in batch.mentions})
        assert len(store.page().rows) == store.count()
