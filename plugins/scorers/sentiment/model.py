"""A loaded Flair sentiment model: where it came from, what it covers, and batched prediction.

Nothing here imports Flair or torch at module level; :func:`load_model` does, once.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecoute.engine import SentimentLabel, clean_text

from .model_location import ModelLocation, SentimentModelError, locate_model

log = logging.getLogger("ecoute.scorer.sentiment")

LABEL_TYPE = "sentiment"
_LABEL_ALIASES: dict[str, SentimentLabel] = {
    "negative": "negative",
    "neg": "negative",
    "neutral": "neutral",
    "neu": "neutral",
    "positive": "positive",
    "pos": "positive",
}


@dataclass(frozen=True, slots=True)
class Prediction:
    """One text's label and the model's probability for it."""

    label: SentimentLabel
    confidence: float


@dataclass(slots=True)
class ModelInfo:
    """What ``ecoute sentiment info`` shows about a loaded model.

    ``languages`` and ``scripts`` are what it covers (empty: not declared); ``card``
    is the metadata ecoute's trainer stores in the model file.
    """

    spec: str
    name: str
    version: str
    path: Path
    size_bytes: int
    device: str
    labels: list[str]
    languages: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    card: dict[str, Any] = field(default_factory=dict)

    @property
    def model_id(self) -> str:
        """``name@version``, stored with each sentiment so results can be traced to a model."""
        return f"{self.name}@{self.version}"


class SentimentModel:
    """A Flair ``TextClassifier`` with its labels mapped to negative / neutral / positive."""

    def __init__(self, classifier: Any, info: ModelInfo) -> None:
        from flair.data import Sentence

        from .embeddings import HashedNgramEmbeddings, sentence_for

        self.classifier = classifier
        self.info = info
        self._labels = _label_map(info)
        # ecoute's own embeddings read the raw text; other models get Flair's tokenizer.
        self.reads_raw_text = isinstance(classifier.embeddings, HashedNgramEmbeddings)
        self._sentence: Callable[[str], Any] = sentence_for if self.reads_raw_text else Sentence

    def predict(self, texts: Sequence[str], batch_size: int = 64) -> list[Prediction | None]:
        """Predict each text, in order; ``None`` for a text with nothing to read.

        Texts go through the engine's :func:`clean_text` first (they may come straight
        from a file or stdin): control characters, escape sequences, zero-width
        characters and lone surrogates go. A text with nothing left gets ``None``
        rather than a confident answer about nothing.
        """
        sentences = []
        positions = []
        for index, raw in enumerate(texts):
            text = clean_text(raw)
            if not text:
                continue
            sentence = self._sentence(text)
            if len(sentence):
                sentences.append(sentence)
                positions.append(index)
        results: list[Prediction | None] = [None] * len(texts)
        if not sentences:
            return results
        self.classifier.predict(sentences, mini_batch_size=batch_size, label_name=LABEL_TYPE)
        for index, sentence in zip(positions, sentences, strict=True):
            label = sentence.get_label(LABEL_TYPE)
            mapped = self._labels.get(label.value)
            if mapped is not None:
                results[index] = Prediction(mapped, float(label.score))
        return results


def load_model(
    spec: str, *, device: str = "auto", threads: int | None = 1, languages: Sequence[str] = ()
) -> SentimentModel:
    """Load ``spec``: ``"bundled"``, a Flair model name, a hub id (``owner/name``) or a file.

    Args:
        spec: what ``[scorers.sentiment] model`` says.
        device: ``"auto"`` (a GPU when torch sees one), ``"cpu"`` or ``"cuda"``.
        threads: torch threads for inference (``None`` leaves torch's choice).
        languages: languages to declare when the model file does not say.
    Raises:
        SentimentModelError: naming the model, why it failed and what to do.
    """
    location = locate_model(spec)
    if location.path is not None:
        location.fetch()  # a missing file is reported before the slow imports
    resolved_device = _resolve_device(device)
    import flair
    import torch

    from . import embeddings  # noqa: F401 - registers ecoute's embeddings before loading

    _quiet_flair()
    if threads is not None:
        torch.set_num_threads(threads)
    flair.device = torch.device(resolved_device)
    path = location.fetch()
    classifier = _load_classifier(location, path)
    classifier.to(flair.device)
    classifier.eval()
    info = _describe(location, path, classifier, resolved_device, languages)
    return SentimentModel(classifier, info)


def _resolve_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise SentimentModelError(
            f'device = "{device}" but torch sees no GPU here\n'
            '  fix: set [scorers.sentiment] device = "auto" or "cpu"',
            summary="no GPU for device = cuda",
        )
    return device


def _quiet_flair() -> None:
    # Flair logs to stdout, which carries ecoute's data (predict, search, jsonl).
    flair_log = logging.getLogger("flair")
    for handler in flair_log.handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
            handler.setStream(sys.stderr)
    flair_log.setLevel(logging.WARNING)


def _load_classifier(location: ModelLocation, path: Path) -> Any:
    from flair.models import TextClassifier

    try:
        classifier = TextClassifier.load(str(path))
    except Exception as exc:
        raise SentimentModelError(
            f"sentiment model '{location.spec}' could not be loaded from {path}: "
            f"{type(exc).__name__}: {exc}\n"
            "  fix: point [scorers.sentiment] model at a file written by Flair's "
            "TextClassifier.save() (`ecoute sentiment train` writes one), or use "
            'model = "bundled"',
            summary=f"unreadable model file: {path.name}",
        ) from exc
    if not isinstance(classifier, TextClassifier):
        raise SentimentModelError(
            f"sentiment model '{location.spec}' ({path}) is a {type(classifier).__name__}, "
            "not a Flair TextClassifier\n  fix: use a text classification model",
            summary=f"not a text classifier: {path.name}",
        )
    return classifier


def _describe(
    location: ModelLocation, path: Path, classifier: Any, device: str, languages: Sequence[str]
) -> ModelInfo:
    card = classifier.model_card if isinstance(classifier.model_card, dict) else {}
    ecoute_card = card.get("ecoute") if isinstance(card.get("ecoute"), dict) else {}
    assert isinstance(ecoute_card, dict)
    declared = tuple(languages) or tuple(ecoute_card.get("languages", ())) or location.languages
    labels = [str(item) for item in classifier.label_dictionary.get_items()]
    return ModelInfo(
        spec=location.spec,
        name=str(ecoute_card.get("name") or location.name),
        version=_file_digest(path),
        path=path,
        size_bytes=path.stat().st_size,
        device=device,
        labels=labels,
        languages=tuple(sorted(declared)),
        scripts=tuple(ecoute_card.get("scripts", ())),
        notes=[str(note) for note in ecoute_card.get("notes", ())],
        card=ecoute_card,
    )


def _label_map(info: ModelInfo) -> dict[str, SentimentLabel]:
    mapping: dict[str, SentimentLabel] = {}
    unknown = []
    for label in info.labels:
        canonical = _LABEL_ALIASES.get(label.strip().lower())
        if canonical is not None:
            mapping[label] = canonical
        elif label not in ("<unk>", "O"):
            unknown.append(label)
    if unknown or not mapping:
        raise SentimentModelError(
            f"sentiment model '{info.spec}' predicts labels ecoute cannot read as sentiment: "
            f"{', '.join(info.labels) or '(none)'}\n"
            "  fix: use a model whose labels are negative / neutral / positive "
            "(any case; NEGATIVE / POSITIVE models work too)",
            summary="labels are not sentiment labels",
        )
    return mapping


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:12]
