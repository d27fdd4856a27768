"""The sentiment scorer: batching, de-duplication, cache, coverage, failures and the engine."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ecoute.engine import ComponentContext, Mention, Sentiment
from ecoute.engine.health import Health
from ecoute.engine.runtime.scoring import ScorerSlot, ScoringChain
from ecoute.plugins.scorers.sentiment.model_location import SentimentModelError
from ecoute.plugins.scorers.sentiment.scorer import RELOAD_AFTER_SECONDS, SentimentScorer
from tests.conftest import FakeClock
from tests.engine.helpers import demo_config, run_once
from tests.plugins.sentiment_support import tiny_model


@pytest.fixture(scope="session")
def tiny() -> Path:
    """The tiny model file (trained once for the whole test session)."""
    return tiny_model()[0]


def _scorer(clock: FakeClock, **options: Any) -> SentimentScorer:
    values = {option.name: option.default for option in SentimentScorer.options}
    values.update(options)
    context = ComponentContext(
        "sentiment", values, logging.getLogger("test.sentiment"), clock=clock
    )
    return SentimentScorer(context)


def _mention(number: int, text: str, lang: str | None = None, **fields: Any) -> Mention:
    return Mention(
        id=f"x:{number}",
        platform="x",
        text=text,
        lang=lang,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        **fields,
    )


def _labels(results: Sequence[Any]) -> list[str | None]:
    return [r.sentiment.label if r is not None and r.sentiment else None for r in results]


@pytest.mark.slow
def test_each_mention_gets_label_confidence_model_and_coverage(
    tiny: Path, clock: FakeClock
) -> None:
    scorer = _scorer(clock, model=str(tiny))
    results = scorer.score(
        [
            _mention(1, "I love this app, wonderful, thanks", "en"),
            _mention(2, "je déteste, c'est nul", "fr"),
            _mention(3, "the meeting moved to tuesday"),
        ]
    )
    assert _labels(results) == ["positive", "negative", "neutral"]
    first = results[0]
    assert first is not None and isinstance(first.sentiment, Sentiment)
    assert first.sentiment.model == scorer.model.info.model_id
    assert first.sentiment.covered and 0.34 < first.sentiment.confidence <= 1


@pytest.mark.slow
def test_identical_texts_are_predicted_once_and_remembered(
    tiny: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    scorer = _scorer(clock, model=str(tiny), batch_size=2)
    model = scorer.model
    asked: list[list[str]] = []
    predict = model.predict

    def recording_predict(texts: Sequence[str], batch_size: int = 64) -> Any:
        asked.append(list(texts))
        assert batch_size == 2
        return predict(texts, batch_size)

    monkeypatch.setattr(model, "predict", recording_predict)
    batch = [
        _mention(1, "love it, great"),
        _mention(2, "love it, great"),
        _mention(3, "awful and broken"),
        _mention(4, "love it, great"),
    ]
    labels = _labels(scorer.score(batch))
    assert asked == [["love it, great", "awful and broken"]]
    assert labels == ["positive", "positive", "negative", "positive"]
    again = scorer.score([_mention(5, "awful and broken"), _mention(6, "tuesday meeting")])
    assert asked[-1] == ["tuesday meeting"]
    assert _labels(again)[0] == "negative"
    assert scorer.cache.hits >= 1 and len(scorer.cache) == 3


@pytest.mark.slow
def test_a_small_cache_forgets_and_predicts_again(
    tiny: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    scorer = _scorer(clock, model=str(tiny), cache_size=1)
    asked: list[list[str]] = []
    predict = scorer.model.predict
    monkeypatch.setattr(
        scorer.model, "predict", lambda texts, size=64: asked.append(list(texts)) or predict(texts)
    )
    scorer.score([_mention(1, "love it"), _mention(2, "hate it")])
    scorer.score([_mention(3, "love it")])
    assert asked == [["love it", "hate it"], ["love it"]]


@pytest.mark.slow
def test_uncovered_languages_are_skipped_by_default_or_flagged(
    tiny: Path, clock: FakeClock
) -> None:
    batch = [
        _mention(1, "Это ужасно, всё сломалось", "ru"),
        _mention(2, "Это ужасно, всё сломалось"),  # no language: the script decides
        _mention(3, "Das ist schrecklich", "de"),  # Latin script, language not trained
        _mention(4, "love it, wonderful", "en"),
    ]
    skipped = _scorer(clock, model=str(tiny)).score(batch)
    assert [r is None for r in skipped] == [True, True, True, False]
    flagged = _scorer(clock, model=str(tiny), out_of_coverage="flag").score(batch)
    coverage = [r.sentiment.covered if r and r.sentiment else None for r in flagged]
    assert coverage == [False, False, False, True]


@pytest.mark.slow
def test_the_languages_option_narrows_coverage(tiny: Path, clock: FakeClock) -> None:
    scorer = _scorer(clock, model=str(tiny), languages=["EN"])
    results = scorer.score([_mention(1, "love it", "en"), _mention(2, "j'adore", "fr")])
    assert results[0] is not None and results[1] is None
    assert scorer.model.info.languages == ("en",)


@pytest.mark.slow
def test_empty_and_already_scored_mentions_are_left_alone(tiny: Path, clock: FakeClock) -> None:
    upstream = Sentiment("neutral", 0.5, "someone-else@1")
    results = _scorer(clock, model=str(tiny)).score(
        [
            _mention(1, "   "),
            _mention(2, "love it", sentiment=upstream),
            _mention(3, "", title="terrible, broken, useless"),
        ]
    )
    assert results[0] is None and results[1] is None
    assert _labels(results)[2] == "negative"  # the title is read with the text


@pytest.mark.slow
def test_an_unloadable_model_is_a_clear_error_retried_only_after_a_wait(
    tiny: Path, tmp_path: Path, clock: FakeClock
) -> None:
    missing = tmp_path / "later.pt"
    scorer = _scorer(clock, model=str(missing))
    with pytest.raises(SentimentModelError) as first:
        scorer.score([_mention(1, "love it")])
    message = str(first.value)
    assert f"'{missing}' does not exist" in message and "fix:" in message
    assert "goes on without sentiment" in message and "in 10 min" in message
    shutil.copy(tiny, missing)  # the user fixes it; no new attempt before the wait is over
    clock.advance(RELOAD_AFTER_SECONDS - 1)
    with pytest.raises(SentimentModelError) as second:
        scorer.score([_mention(1, "love it")])
    assert second.value is first.value
    clock.advance(2)
    assert _labels(scorer.score([_mention(1, "love it")])) == ["positive"]


def test_the_runtime_goes_on_without_a_failing_sentiment_scorer(
    tmp_path: Path, clock: FakeClock
) -> None:
    scorer = _scorer(clock, model=str(tmp_path / "none.pt"))
    health = Health("scorer:sentiment", "scorer")
    chain = ScoringChain([ScorerSlot(scorer, health)], clock)
    kept, deferred = chain.score([_mention(1, "love it"), _mention(2, "hate it")])
    assert [m.id for m in kept] == ["x:1", "x:2"] and deferred == frozenset()
    assert all(m.sentiment is None for m in kept)
    assert health.state == "backing_off"
    assert "none.pt" in health.reason and "does not exist" in health.reason


@pytest.mark.slow
def test_an_engine_run_stores_sentiment_and_flags_russian(tiny: Path, tmp_path: Path) -> None:
    config = demo_config(
        tmp_path,
        limit=60,
        extra=f'[scorers.sentiment]\nmodel = "{tiny}"\nout_of_coverage = "flag"\n',
        sentiment=True,
    )
    report = run_once(config)
    assert report.stored > 0
    with sqlite3.connect(tmp_path / "store.db") as db:
        rows = db.execute(
            "SELECT lang, sentiment, sentiment_covered, sentiment_model FROM mentions"
        ).fetchall()
    scored = [row for row in rows if row[1] is not None]
    assert scored and all(row[3].startswith("tiny-test@") for row in scored)
    assert {row[2] for row in scored if row[0] == "ru"} == {0}
    assert {row[2] for row in scored if row[0] in ("en", "fr")} == {1}
    health = {h.component: h for h in report.health}
    assert health["scorer:sentiment"].items > 0


def test_an_engine_run_without_its_model_still_stores_everything(tmp_path: Path) -> None:
    config = demo_config(
        tmp_path,
        limit=30,
        extra='[scorers.sentiment]\nmodel = "/nowhere/model.pt"\n',
        sentiment=True,
    )
    report = run_once(config)
    assert report.stored > 0
    with sqlite3.connect(tmp_path / "store.db") as db:
        assert db.execute(
            "SELECT count(*) FROM mentions WHERE sentiment IS NOT NULL"
        ).fetchone() == (0,)
    state = {h.component: h for h in report.health}["scorer:sentiment"]
    assert state.errors >= 1 and "/nowhere/model.pt" in state.reason
