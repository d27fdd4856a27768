"""Shared by the sentiment tests: made-up labelled texts and one tiny model per test session.

The texts are written here from word lists (never taken from a real data set): a
few hundred short sentences in English, French and Spanish whose sentiment words
are unmistakable, in the UMSAB folder layout the trainer reads.
"""

from __future__ import annotations

import atexit
import functools
import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

WORDS: dict[str, dict[str, list[str]]] = {
    "english": {
        "subject": ["the app", "my phone", "this update", "the service", "support", "the sync"],
        "positive": ["love", "great", "wonderful", "amazing", "excellent", "happy", "thanks"],
        "negative": ["hate", "terrible", "awful", "worst", "broken", "angry", "useless"],
        "neutral": ["tuesday", "version", "meeting", "announced", "schedule", "report", "moved"],
    },
    "french": {
        "subject": ["l'appli", "mon téléphone", "cette mise à jour", "le service", "la synchro"],
        "positive": ["adore", "génial", "merveilleux", "excellent", "super", "merci", "bravo"],
        "negative": ["déteste", "nul", "horrible", "pire", "cassé", "furieux", "honte"],
        "neutral": ["mardi", "version", "réunion", "annoncé", "horaire", "rapport", "déplacé"],
    },
    "spanish": {
        "subject": ["la app", "mi teléfono", "esta actualización", "el servicio", "el soporte"],
        "positive": ["encanta", "genial", "maravilloso", "excelente", "feliz", "gracias", "bueno"],
        "negative": ["odio", "horrible", "terrible", "peor", "roto", "enfadado", "inútil"],
        "neutral": ["martes", "versión", "reunión", "anunciado", "horario", "informe", "movido"],
    },
}
LABEL_IDS = {"negative": "0", "neutral": "1", "positive": "2"}


def make_sentence(rng: random.Random, language: str, label: str) -> str:
    """One made-up text: a subject and two or three words carrying ``label``."""
    words = WORDS[language]
    picked = rng.sample(words[label], k=rng.choice([2, 3]))
    parts = [rng.choice(words["subject"]), *picked]
    rng.shuffle(parts)
    tail = {"positive": " :)", "negative": " !!", "neutral": ""}[label]
    return " ".join(parts) + tail


def write_umsab_folder(root: Path, *, train_per_label: int = 30, val_per_label: int = 8) -> Path:
    """Write ``<language>/{train,val}_{text,labels}.txt`` under ``root``; return ``root``."""
    rng = random.Random(5)
    for language in WORDS:
        folder = root / language
        folder.mkdir(parents=True, exist_ok=True)
        for split, count in (("train", train_per_label), ("val", val_per_label)):
            rows = [
                (make_sentence(rng, language, label), LABEL_IDS[label])
                for label in LABEL_IDS
                for _ in range(count)
            ]
            rng.shuffle(rows)
            (folder / f"{split}_text.txt").write_text(
                "\n".join(text for text, _ in rows) + "\n", encoding="utf-8"
            )
            (folder / f"{split}_labels.txt").write_text(
                "\n".join(label for _, label in rows) + "\n", encoding="utf-8"
            )
    return root


# Small tables, a few epochs and no pretrained encoder: trains in about a second.
TINY_RECIPE: dict[str, Any] = {
    "pretrained": False,
    "word_bits": 12,
    "char_bits": 14,
    "dimensions": 8,
    "epochs": 6,
    "learning_rate": 0.1,
    "batch_size": 16,
}


@functools.cache
def tiny_model() -> tuple[Path, Path]:
    """(model file, data folder): trained once per process, shared by every test module."""
    from ecoute.plugins.scorers.sentiment.training.data import load_dataset
    from ecoute.plugins.scorers.sentiment.training.recipe import TrainingConfig
    from ecoute.plugins.scorers.sentiment.training.trainer import train_model

    root = Path(tempfile.mkdtemp(prefix="ecoute-sentiment-tests-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    data = write_umsab_folder(root / "data")
    out = root / "tiny.pt"
    train_model(
        load_dataset(data),
        out,
        TrainingConfig(**TINY_RECIPE),
        name="tiny-test",
        notes=["made-up test data"],
    )
    return out, data
