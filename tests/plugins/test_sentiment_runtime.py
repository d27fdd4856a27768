"""The runtime side of sentiment: background loading, status words, and no training imports."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import click
import pytest

from ecoute.engine import ComponentContext, Mention
from ecoute.engine.health import Health
from ecoute.engine.runtime.scoring import ScorerSlot, ScoringChain
from ecoute.plugins.scorers.sentiment import model as model_module
from ecoute.plugins.scorers.sentiment.cli import TRAINING_CLI, TRAINING_COMMANDS
from ecoute.plugins.scorers.sentiment.model_location import SentimentModelError
from ecoute.plugins.scorers.sentiment.scorer import (
    RELOAD_AFTER_SECONDS,
    STATUS_CHARS,
    SentimentScorer,
)
from tests.conftest import FakeClock

TRAINING = "ecoute.plugins.scorers.sentiment.training"
PROBE = """
import json, sys
{action}
print(json.dumps(sorted(m for m in sys.modules
                        if m.startswith({training!r}) or m in ("flair", "torch"))))
"""


def _scorer(clock: FakeClock, **options: Any) -> SentimentScorer:
    values = {option.name: option.default for option in SentimentScorer.options}
    values.update(options)
    context = ComponentContext(
        "sentiment", values, logging.getLogger("test.sentiment"), clock=clock
    )
    return SentimentScorer(context)


def _mention(text: str, lang: str = "en") -> Mention:
    return Mention(
        id="x:1", platform="x", text=text, lang=lang, created_at=datetime(2026, 1, 1, tzinfo=UTC)
    )


def _loaded_after(action: str) -> list[str]:
    code = PROBE.format(action=action, training=TRAINING)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_scorer_is_deferrable_and_says_nothing_before_loading(clock: FakeClock) -> None:
    assert SentimentScorer.deferrable is True
    assert _scorer(clock).status() == ""


def test_a_failed_prepare_raises_and_the_status_says_why_in_one_line(
    tmp_path: Path, clock: FakeClock
) -> None:
    missing = tmp_path / "later.pt"
    scorer = _scorer(clock, model=str(missing))
    with pytest.raises(SentimentModelError) as failure:
        scorer.prepare()
    status = scorer.status()
    assert status == "error: model file missing: later.pt"
    assert "\n" not in status and len(status) <= len("error: ") + STATUS_CHARS
    # The batches that come meanwhile get the same error without a new attempt.
    with pytest.raises(SentimentModelError) as again:
        scorer.score([_mention("love it")])
    assert again.value is failure.value


def test_the_engine_shows_a_failed_preparation_with_the_scorers_status(
    tmp_path: Path, clock: FakeClock
) -> None:
    scorer = _scorer(clock, model=str(tmp_path / "none.pt"))
    slot = ScorerSlot(scorer, Health("scorer:sentiment", "scorer"))
    chain = ScoringChain([slot], clock)
    chain.begin_preparation()
    kept, deferred = chain.score([_mention("love it")])  # stored before the model is ready
    assert [m.sentiment for m in kept] == [None] and deferred == {"sentiment"}
    chain.prepare(deferrable=True)
    assert slot.health.detail == "error: model file missing: none.pt"
    assert "does not exist" in slot.health.reason


def test_prepare_in_the_background_and_a_batch_share_one_load(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release = threading.Event(), threading.Event()
    loads: list[str] = []
    fake = SimpleNamespace(
        info=SimpleNamespace(model_id="fake@1", path="fake.pt", device="cpu", languages=()),
    )

    def slow_load(spec: str, **options: Any) -> Any:
        loads.append(spec)
        started.set()
        assert release.wait(5)
        return fake

    monkeypatch.setattr(model_module, "load_model", slow_load)
    scorer = _scorer(clock)
    preparing = threading.Thread(target=scorer.prepare)
    preparing.start()
    assert started.wait(5)
    assert scorer.status() == ""  # still loading
    got: list[Any] = []
    scoring = threading.Thread(target=lambda: got.append(scorer.model))
    scoring.start()
    release.set()
    preparing.join(5)
    scoring.join(5)
    assert loads == ["bundled"] and got == [fake]
    assert scorer.status() == "ready"


def test_the_group_lists_the_training_commands_with_their_own_help_lines() -> None:
    import importlib

    training_cli = importlib.import_module(TRAINING_CLI)
    for name, (attribute, help_line) in TRAINING_COMMANDS.items():
        command = getattr(training_cli, attribute)
        assert isinstance(command, click.Command) and command.name == name
        assert (command.help or "").splitlines()[0] == help_line


@pytest.mark.slow
def test_the_scorer_and_the_plugin_commands_do_not_import_training() -> None:
    action = (
        "import ecoute.plugins.scorers.sentiment.scorer\n"
        "import ecoute.plugins.scorers.sentiment\n"
        "from ecoute.cli.main import main\n"
        "try:\n    main(['sentiment', '--help'])\nexcept SystemExit:\n    pass"
    )
    assert _loaded_after(action) == []


@pytest.mark.slow
def test_predict_and_info_do_not_import_training(tmp_path: Path) -> None:
    texts = tmp_path / "texts.txt"
    texts.write_text("I love it\n", encoding="utf-8")
    action = (
        "from ecoute.cli.main import main\n"
        f"for args in (['sentiment', 'info'], ['sentiment', 'predict', {str(texts)!r}]):\n"
        "    try:\n        main(args)\n    except SystemExit as exit:\n"
        "        assert not exit.code, exit.code"
    )
    loaded = _loaded_after(action)
    assert "flair" in loaded  # the model did load
    assert [m for m in loaded if m.startswith(TRAINING)] == []


@pytest.mark.slow
def test_prepare_loads_the_bundled_model_once_and_scoring_uses_it(clock: FakeClock) -> None:
    scorer = _scorer(clock, device="cpu")
    scorer.prepare()
    assert scorer.status() == "ready"
    model = scorer.model
    (result,) = scorer.score([_mention("I love it, wonderful, thanks!")])
    assert result is not None and result.sentiment is not None
    assert result.sentiment.label == "positive"
    assert result.sentiment.model == model.info.model_id
    assert scorer.model is model


@pytest.mark.slow
def test_after_a_failed_load_the_status_turns_ready_once_the_model_loads(
    tmp_path: Path, clock: FakeClock
) -> None:
    from ecoute.plugins.scorers.sentiment.model_location import BUNDLED_FILE

    later = tmp_path / "later.pt"
    scorer = _scorer(clock, model=str(later), device="cpu")
    with pytest.raises(SentimentModelError):
        scorer.prepare()
    assert scorer.status().startswith("error: ")
    later.symlink_to(BUNDLED_FILE)  # the user puts the file there
    clock.advance(RELOAD_AFTER_SECONDS + 1)
    (result,) = scorer.score([_mention("This is terrible, I hate it.")])
    assert result is not None and result.sentiment is not None
    assert scorer.status() == "ready"
