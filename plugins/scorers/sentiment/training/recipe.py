"""The training recipe (table sizes, n-grams, optimiser settings) and the bundled model's.

Kept apart from ``trainer`` so that the CLI can show defaults without importing Flair.
"""

from __future__ import annotations

from dataclasses import dataclass

BUNDLED_NAME = "ecoute-umsab-ngram-use"
BUNDLED_NOTES = (
    "Trained on the UMSAB tweet sentiment train splits (8 languages: ar, de, en, es, fr, "
    "hi, it, pt); the epoch was chosen on the UMSAB val splits.",
    "Russian: no permissively licensed Russian sentiment training data was available, so "
    "Russian (and any Cyrillic text) is out of coverage: left unscored, or flagged "
    'covered = false with out_of_coverage = "flag".',
    "Pretrained part: subword vectors and feed-forward layers derived from Google's "
    "Universal Sentence Encoder Multilingual v3 (Apache-2.0), frozen; see the model card.",
    "Hindi: the training tweets are romanised Hindi-English; Devanagari text is out of "
    "coverage, and so is Hindi altogether (see the model card).",
)


@dataclass(frozen=True, slots=True)
class TrainingConfig:
    """How a model is trained; the defaults are the bundled model's recipe.

    ``word_bits``/``char_bits``: log2 of the hashed word and character n-gram tables;
    ``dimensions``: vector size per bucket; ``min_n``/``max_n``: character n-gram
    lengths; Adagrad with ``learning_rate`` for ``epochs`` epochs of ``batch_size``;
    ``quantise`` stores the tables as int8. ``pretrained`` adds the frozen multilingual
    sentence encoder (``encoder_dimensions`` per subword, its vector times
    ``encoder_scale``, plus a trained layer of ``encoder_hidden`` ReLU units over it)
    next to the n-gram tables.
    """

    word_bits: int = 17
    char_bits: int = 19
    dimensions: int = 16
    min_n: int = 2
    max_n: int = 5
    epochs: int = 5
    learning_rate: float = 0.02
    batch_size: int = 32
    seed: int = 13
    quantise: bool = True
    pretrained: bool = True
    encoder_dimensions: int = 64
    encoder_scale: float = 4.0
    encoder_hidden: int = 128
