"""Training a hashed n-gram Flair ``TextClassifier`` with Flair's ``ModelTrainer``.

The best epoch is chosen on the validation split (macro-F1), its tables are stored
as int8, and ecoute's metadata (languages, scripts, scores, recipe) goes into the
model card saved with the model. Imports Flair: load this module lazily.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import flair
import torch
from flair.data import Corpus, Sentence
from flair.datasets import FlairDatapointDataset
from flair.models import TextClassifier
from flair.trainers import ModelTrainer

from ..coverage import dominant_script
from ..embeddings import HashedNgramEmbeddings, sentence_for
from ..model import LABEL_TYPE
from .data import DataError, Dataset, Example
from .evaluation import EvaluationReport, evaluate
from .recipe import TrainingConfig

# A script must be behind this share of the training texts to count as covered.
_SCRIPT_SHARE = 0.02
# A trained language whose validation macro-F1 (on at least _WEAK_MIN_TEXTS texts) is
# below this is not declared covered: three balanced classes put chance at 33, and a
# guess that close to chance must not be shown as a reliable label.
_WEAK_F1 = 45.0
_WEAK_MIN_TEXTS = 50


@dataclass(slots=True)
class TrainingResult:
    """What a training run produced: the model file, its size and validation scores."""

    path: Path
    size_bytes: int
    best_epoch: int
    val: EvaluationReport | None
    card: dict[str, Any] = field(default_factory=dict)


def train_model(
    dataset: Dataset,
    out: Path,
    config: TrainingConfig,
    *,
    name: str = "custom-sentiment",
    notes: Sequence[str] = (),
    threads: int = 1,
    progress: Callable[[str], None] | None = None,
) -> TrainingResult:
    """Train on ``dataset.train``, select the epoch on ``dataset.val``, save to ``out``.

    Raises:
        DataError: fewer than two labels in the training data.
    """
    labels = Counter(example.label for example in dataset.train)
    if len(labels) < 2:
        raise DataError(f"{dataset.source}: training needs at least two labels, found {labels}")
    flair.set_seed(config.seed)
    torch.set_num_threads(threads)
    flair.device = torch.device("cpu")
    with _flair_logs(progress), tempfile.TemporaryDirectory(prefix="ecoute-train-") as workdir:
        corpus, classifier = _corpus_and_classifier(dataset, config)
        trainer = ModelTrainer(classifier, corpus)
        trainer.train_custom(
            workdir,
            learning_rate=config.learning_rate,
            mini_batch_size=config.batch_size,
            max_epochs=config.epochs,
            optimizer=torch.optim.Adagrad,
            max_grad_norm=None,  # clipping does not take the tables' sparse gradients
            main_evaluation_metric=("macro avg", "f1-score"),
            embeddings_storage_mode="none",
            create_file_logs=False,
            create_loss_file=False,
            save_final_model=True,
        )
        # No best-model.pt without a validation split (or if no epoch ever scored).
        chosen = Path(workdir) / "best-model.pt"
        if not chosen.exists():
            chosen = Path(workdir) / "final-model.pt"
        best = TextClassifier.load(str(chosen))
    trainer_card = best.model_card or {}
    best_epoch = int(trainer_card.get("training_parameters", {}).get("epoch", config.epochs))
    embeddings = best.embeddings
    assert isinstance(embeddings, HashedNgramEmbeddings)
    if config.quantise:
        embeddings.quantise()
    report = evaluate_examples(best, dataset.val) if dataset.val else None
    card = _card(dataset, config, name, notes, best_epoch, report)
    best.model_card = {
        "flair_version": flair.__version__,
        "pytorch_version": torch.__version__,
        "ecoute": card,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    best.save(out)
    return TrainingResult(out, out.stat().st_size, best_epoch, report, card)


def _corpus_and_classifier(
    dataset: Dataset, config: TrainingConfig
) -> tuple[Corpus[Sentence], TextClassifier]:
    train = _sentences(dataset.train)
    val = _sentences(dataset.val)
    corpus: Corpus[Sentence] = Corpus(
        train=FlairDatapointDataset(train),
        dev=FlairDatapointDataset(val) if val else None,
        test=None,
        sample_missing_splits=False,
    )
    encoder = None
    if config.pretrained:
        from .sentence_encoder_import import build_sentence_encoder

        encoder = build_sentence_encoder(config.encoder_dimensions, seed=config.seed)
    embeddings = HashedNgramEmbeddings(
        config.word_bits,
        config.char_bits,
        config.dimensions,
        config.min_n,
        config.max_n,
        encoder=encoder,
        encoder_scale=config.encoder_scale,
        encoder_hidden=config.encoder_hidden,
    )
    classifier = TextClassifier(
        embeddings,
        label_type=LABEL_TYPE,
        label_dictionary=corpus.make_label_dictionary(LABEL_TYPE, add_unk=False),
    )
    return corpus, classifier


def evaluate_examples(classifier: TextClassifier, examples: Sequence[Example]) -> EvaluationReport:
    """Score ``classifier`` on labelled examples, per language and overall."""
    sentences = [sentence_for(example.text) for example in examples]
    classifier.predict(sentences, mini_batch_size=64, label_name="predicted")
    predicted: list[str | None] = []
    for sentence in sentences:
        value = sentence.get_label("predicted").value
        predicted.append(value if value != "O" else None)
    return evaluate(
        [example.label for example in examples], predicted, [example.lang for example in examples]
    )


def _sentences(examples: Sequence[Example]) -> list[Sentence]:
    sentences = []
    for example in examples:
        sentence = sentence_for(example.text)
        if len(sentence):
            sentence.add_label(LABEL_TYPE, example.label)
            sentences.append(sentence)
    return sentences


def _card(
    dataset: Dataset,
    config: TrainingConfig,
    name: str,
    notes: Sequence[str],
    best_epoch: int,
    report: EvaluationReport | None,
) -> dict[str, Any]:
    trained = sorted({example.lang for example in dataset.train if example.lang})
    weak = {
        score.group: score.macro_f1
        for score in (report.languages if report else ())
        if score.count >= _WEAK_MIN_TEXTS and score.macro_f1 < _WEAK_F1
    }
    scripts = Counter(dominant_script(example.text) for example in dataset.train)
    total = sum(scripts.values())
    covered_scripts = sorted(
        script
        for script, count in scripts.items()
        if script is not None and count / total >= _SCRIPT_SHARE
    )
    return {
        "name": name,
        "languages": [language for language in trained if language not in weak],
        "trained_languages": trained,
        "weak_languages": weak,
        "scripts": covered_scripts,
        "labels": sorted({example.label for example in dataset.train}),
        "training_examples": len(dataset.train),
        "validation_examples": len(dataset.val),
        "data": Path(dataset.source).name,
        "recipe": asdict(config),
        "best_epoch": best_epoch,
        "val": report.to_dict() if report else None,
        "notes": [*notes, *_weak_notes(weak)],
    }


def _weak_notes(weak: dict[str, float]) -> list[str]:
    return [
        f"{language}: trained on, but validation macro-F1 {f1:.1f} is too close to chance "
        f"(33) to trust, so it is not declared covered"
        for language, f1 in sorted(weak.items())
    ]


@contextlib.contextmanager
def _flair_logs(progress: Callable[[str], None] | None) -> Iterator[None]:
    """Send Flair's training log to ``progress`` (or silence it) instead of stdout."""
    flair_log = logging.getLogger("flair")
    saved = (flair_log.handlers[:], flair_log.level)
    handler = logging.NullHandler() if progress is None else _CallbackHandler(progress)
    flair_log.handlers[:] = [handler]
    flair_log.setLevel(logging.INFO)
    try:
        with warnings.catch_warnings():
            # Flair's trainer trips torch deprecation and sparse-tensor notices.
            warnings.simplefilter("ignore", FutureWarning)
            warnings.filterwarnings("ignore", message="Sparse invariant checks")
            yield
    finally:
        flair_log.handlers[:], level = saved
        flair_log.setLevel(level)


class _CallbackHandler(logging.Handler):
    def __init__(self, callback: Callable[[str], None]) -> None:
        super().__init__()
        self.callback = callback

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.strip("-").strip():
            self.callback(message)


def print_progress(message: str) -> None:
    """A progress callback that writes to stderr."""
    print(message, file=sys.stderr)
