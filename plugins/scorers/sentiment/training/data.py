"""Labelled sentiment data: the UMSAB folder layout and CSV or JSONL files of ``text,label``.

UMSAB layout: one folder per language holding ``{split}_text.txt`` and
``{split}_labels.txt`` (one text per line, the label on the same line number;
0 negative, 1 neutral, 2 positive). Files: a CSV with a header or JSONL objects,
with ``text`` and ``label`` (a word or 0/1/2) and optionally ``lang``.
"""

from __future__ import annotations

import csv
import html
import json
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ecoute.engine import SENTIMENT_LABELS, EcouteError

# Folder names of the UMSAB languages, as ISO 639-1 codes.
LANGUAGE_CODES: dict[str, str] = {
    "arabic": "ar",
    "english": "en",
    "french": "fr",
    "german": "de",
    "hindi": "hi",
    "italian": "it",
    "portuguese": "pt",
    "spanish": "es",
    "russian": "ru",
    "dutch": "nl",
    "polish": "pl",
    "turkish": "tr",
    "japanese": "ja",
    "chinese": "zh",
}
_LABEL_WORDS: dict[str, str] = {
    "0": "negative",
    "1": "neutral",
    "2": "positive",
    "negative": "negative",
    "neg": "negative",
    "neutral": "neutral",
    "neu": "neutral",
    "positive": "positive",
    "pos": "positive",
}
_ESCAPED = re.compile(r"\\u([0-9a-fA-F]{4})")


class DataError(EcouteError):
    """Training or evaluation data is missing or malformed; the message names file and line."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled text; ``lang`` is an ISO 639-1 code or ``""`` when unknown."""

    text: str
    label: str
    lang: str = ""


@dataclass(frozen=True, slots=True)
class Dataset:
    """Training and validation examples (``val`` may be empty for a file without one)."""

    train: list[Example]
    val: list[Example]
    source: str


def label_word(value: object, where: str) -> str:
    """The canonical label for ``value`` (a word or 0/1/2).

    Raises:
        DataError: naming ``where`` and the labels accepted.
    """
    word = _LABEL_WORDS.get(str(value).strip().lower())
    if word is None:
        accepted = ", ".join(SENTIMENT_LABELS)
        raise DataError(f"{where}: unknown label {value!r}; use {accepted} (or 0, 1, 2)")
    return word


def unescape_tweet(text: str) -> str:
    """Undo escaping seen in exported tweets: HTML entities and literal ``\\uXXXX``.

    Escaped UTF-16 surrogate pairs become the character they encode; a lone surrogate
    (which nothing downstream can encode) becomes U+FFFD.
    """
    text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return html.unescape(text).strip()


def load_dataset(path: Path, *, val_fraction: float = 0.1, seed: int = 13) -> Dataset:
    """Read a UMSAB-style folder or a CSV/JSONL file.

    A file has no validation split of its own, so ``val_fraction`` of it is held out
    (the same lines for the same ``seed``).

    Raises:
        DataError: the path does not exist, holds no examples, or a line is malformed.
    """
    if path.is_dir():
        train = list(load_umsab(path, "train"))
        val = list(load_umsab(path, "val"))
        if not train:
            raise DataError(
                f"{path}: no <language>/train_text.txt and train_labels.txt found; "
                "expected the UMSAB layout or a CSV/JSONL file"
            )
        return Dataset(train, val, str(path))
    examples = load_file(path)
    shuffled = list(examples)
    random.Random(seed).shuffle(shuffled)
    held = int(len(shuffled) * val_fraction)
    return Dataset(shuffled[held:], shuffled[:held], str(path))


def load_umsab(root: Path, split: str) -> Iterable[Example]:
    """Examples of ``split`` ("train" or "val") from every language folder under ``root``."""
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        texts_path = folder / f"{split}_text.txt"
        labels_path = folder / f"{split}_labels.txt"
        if not texts_path.exists() and not labels_path.exists():
            continue
        if not (texts_path.exists() and labels_path.exists()):
            missing = labels_path if texts_path.exists() else texts_path
            raise DataError(f"{missing}: missing (texts and labels go in pairs)")
        texts = texts_path.read_text(encoding="utf-8").splitlines()
        labels = labels_path.read_text(encoding="utf-8").splitlines()
        if len(texts) != len(labels):
            raise DataError(
                f"{folder}: {texts_path.name} has {len(texts)} lines but "
                f"{labels_path.name} has {len(labels)}"
            )
        lang = LANGUAGE_CODES.get(folder.name.lower(), folder.name.lower())
        for number, (text, label) in enumerate(zip(texts, labels, strict=True), start=1):
            word = label_word(label, f"{labels_path}:{number}")
            cleaned = unescape_tweet(text)
            if cleaned:
                yield Example(cleaned, word, lang)


def load_file(path: Path) -> list[Example]:
    """Examples from a CSV (with a header) or JSONL file of ``text,label[,lang]``."""
    if not path.exists():
        raise DataError(f"{path}: no such file or folder")
    read = (
        _jsonl_examples if path.suffix.lower() in (".jsonl", ".json", ".ndjson") else _csv_examples
    )
    examples = [example for example in read(path) if example.text]
    if not examples:
        raise DataError(f"{path}: no labelled examples found")
    return examples


def _jsonl_examples(path: Path) -> Iterable[Example]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{where}: not JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise DataError(f"{where}: expected an object with text and label")
            yield _example(record, where)


def _csv_examples(path: Path) -> Iterable[Example]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = set(reader.fieldnames or ())
        if not {"text", "label"} <= fields:
            raise DataError(
                f"{path}:1: the header must name the columns text and label "
                f"(found: {', '.join(sorted(fields)) or 'nothing'})"
            )
        for record in reader:
            yield _example(record, f"{path}:{reader.line_num}")


def _example(record: dict[str, object], where: str) -> Example:
    text = record.get("text")
    if not isinstance(text, str):
        raise DataError(f"{where}: 'text' is missing or not a string")
    if record.get("label") in (None, ""):
        raise DataError(f"{where}: 'label' is missing")
    lang = record.get("lang") or ""
    return Example(unescape_tweet(text), label_word(record["label"], where), str(lang).lower())
