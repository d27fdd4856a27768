"""A Flair ``DocumentEmbeddings`` of hashed word and character n-grams, fastText style.

Importing this module imports Flair (seconds): only the model loader and the trainer
do, never the plugin's hook module. It must be imported before
``TextClassifier.load()`` reads a model that uses these embeddings, because Flair
finds the class by its registered name.
"""

from __future__ import annotations

from typing import Any

import flair
import torch
from flair.data import Sentence
from flair.embeddings import DocumentEmbeddings
from flair.embeddings.base import register_embeddings

from .features import NgramHasher, mask_links_and_handles, normalise
from .int8_rows import dequantise_rows, quantise_rows
from .sentence_encoder import SentenceEncoder

EMBEDDINGS_NAME = "ecoute-hashed-ngrams"


def sentence_for(text: str) -> Sentence:
    """The Flair ``Sentence`` these embeddings read: the whole text as one token.

    They tokenise and hash the text themselves, so Flair's per-word ``Token``
    objects would be pure cost (they took most of the prediction time).
    """
    return Sentence([text])


class HashedBag(torch.nn.Module):
    """A mean-pooled bag of hashed bucket vectors, trainable in float or stored as int8.

    Training uses a float ``weight`` with sparse gradients. :meth:`quantise` turns it
    into int8 ``codes`` with one float16 ``scale`` per bucket (a quarter of the size);
    the float table is rebuilt once, on the first forward pass after loading.
    """

    def __init__(self, buckets: int, dimensions: int, quantised: bool = False) -> None:
        super().__init__()
        self.buckets = buckets
        self.dimensions = dimensions
        self.quantised = quantised
        self._table: torch.Tensor | None = None
        if quantised:
            self.register_buffer("codes", torch.zeros(buckets, dimensions, dtype=torch.int8))
            self.register_buffer("scales", torch.zeros(buckets, dtype=torch.float16))
            self.register_load_state_dict_post_hook(_forget_table)
        else:
            # Zero start: buckets no training text touched stay silent at prediction.
            self.weight = torch.nn.Parameter(torch.zeros(buckets, dimensions))

    def forward(self, ids: torch.Tensor, offsets: torch.Tensor) -> torch.Tensor:
        """Mean vector of each bag (``offsets`` says where each bag starts in ``ids``)."""
        table = self.table()
        return torch.nn.functional.embedding_bag(
            ids.to(table.device),
            table,
            offsets.to(table.device),
            mode="mean",
            sparse=not self.quantised,
        )

    def table(self) -> torch.Tensor:
        """The float table the bags are pooled from."""
        if not self.quantised:
            return self.weight
        codes = self.get_buffer("codes")
        if self._table is None or self._table.device != codes.device:
            self._table = dequantise_rows(codes, self.get_buffer("scales"))
        return self._table

    def quantise(self) -> None:
        """Replace the float weight by int8 codes and per-bucket scales (symmetric)."""
        if self.quantised:
            return
        codes, scales = quantise_rows(self.weight)
        del self.weight
        self.quantised = True
        self.register_buffer("codes", codes)
        self.register_buffer("scales", scales)
        self.register_load_state_dict_post_hook(_forget_table)
        self._table = None


def _forget_table(module: torch.nn.Module, _incompatible: Any) -> None:
    if isinstance(module, HashedBag):
        module._table = None


@register_embeddings
class HashedNgramEmbeddings(DocumentEmbeddings):
    """Document vector = [mean of word uni/bigram vectors, mean of character n-gram vectors,
    and, when there is one, the pretrained sentence encoder's vector].

    Args:
        word_bits: log2 of the word (and word pair) buckets.
        char_bits: log2 of the character n-gram buckets.
        dimensions: size of each bucket vector (the document vector is twice this).
        min_n: shortest character n-gram.
        max_n: longest character n-gram.
        quantised: whether the tables are stored as int8 (set by :meth:`quantise`).
        encoder: a frozen pretrained :class:`SentenceEncoder` (or its ``to_params()``),
            or ``None`` for n-grams alone.
        encoder_scale: factor on the encoder's unit-length vector, so its components
            are of the same order as the n-gram means the decoder also reads.
    """

    def __init__(
        self,
        word_bits: int = 18,
        char_bits: int = 20,
        dimensions: int = 16,
        min_n: int = 2,
        max_n: int = 5,
        quantised: bool = False,
        encoder: SentenceEncoder | dict[str, Any] | None = None,
        encoder_scale: float = 1.0,
        encoder_hidden: int = 0,
    ) -> None:
        super().__init__()
        self.name = EMBEDDINGS_NAME
        self.static_embeddings = False
        self.word_bits = word_bits
        self.char_bits = char_bits
        self.dimensions = dimensions
        self.min_n = min_n
        self.max_n = max_n
        self.hasher = NgramHasher(word_bits, char_bits, min_n, max_n)
        self.word_bag = HashedBag(2**word_bits, dimensions, quantised)
        self.char_bag = HashedBag(2**char_bits, dimensions, quantised)
        if isinstance(encoder, dict):
            encoder = SentenceEncoder(**encoder)
        self.encoder = encoder
        self.encoder_scale = encoder_scale
        self.encoder_hidden = encoder_hidden if encoder is not None else 0
        # A trained ReLU layer over the encoder's vector: lets the linear decoder use
        # combinations of its dimensions, not only each one alone.
        self.encoder_head = (
            torch.nn.Linear(encoder.embedding_length, self.encoder_hidden)
            if encoder is not None and self.encoder_hidden
            else None
        )
        self.to(flair.device)

    @property
    def embedding_length(self) -> int:
        """Length of the document vector."""
        encoded = self.encoder.embedding_length if self.encoder is not None else 0
        return 2 * self.dimensions + encoded + self.encoder_hidden

    @property
    def quantised(self) -> bool:
        """Whether the tables are stored as int8."""
        return self.word_bag.quantised

    def quantise(self) -> None:
        """Store both tables as int8 (about a quarter of the float size)."""
        self.word_bag.quantise()
        self.char_bag.quantise()

    def _add_embeddings_internal(self, sentences: list[Sentence]) -> list[Sentence]:
        raw = [sentence.to_tokenized_string() for sentence in sentences]
        hashed = self.hasher.hash_batch([normalise(text) for text in raw])
        words = self.word_bag(
            torch.from_numpy(hashed.word_ids), torch.from_numpy(hashed.word_offsets)
        )
        chars = self.char_bag(
            torch.from_numpy(hashed.char_ids), torch.from_numpy(hashed.char_offsets)
        )
        parts = [words, chars]
        if self.encoder is not None:
            with torch.no_grad():
                encoded = self.encoder([mask_links_and_handles(text) for text in raw])
            scaled = encoded * self.encoder_scale
            parts.append(scaled)
            if self.encoder_head is not None:
                parts.append(torch.relu(self.encoder_head(scaled)))
        vectors = torch.cat(parts, dim=1)
        for sentence, vector in zip(sentences, vectors, strict=True):
            sentence.set_embedding(self.name, vector)
        return sentences

    def to_params(self) -> dict[str, Any]:
        """What Flair saves to rebuild these embeddings (the weights travel separately)."""
        return {
            "word_bits": self.word_bits,
            "char_bits": self.char_bits,
            "dimensions": self.dimensions,
            "min_n": self.min_n,
            "max_n": self.max_n,
            "quantised": self.quantised,
            "encoder": self.encoder.to_params() if self.encoder is not None else None,
            "encoder_scale": self.encoder_scale,
            "encoder_hidden": self.encoder_hidden,
        }

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> HashedNgramEmbeddings:
        """Rebuild from :meth:`to_params` output (models saved before the encoder have none)."""
        return cls(**params)
