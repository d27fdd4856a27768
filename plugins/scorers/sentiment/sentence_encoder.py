"""A compact multilingual sentence encoder: pretrained subword vectors and a small network.

The bag-of-n-gram tables only know words seen in the 15,000 training tweets; this
branch brings knowledge from a pretrained multilingual encoder (see
``sentence_encoder_import``). Each subword of a SentencePiece vocabulary has a fixed
vector, stored reduced to a few dozen dimensions as int8; a text's vector is the sum
of its subword vectors over the square root of their count, mapped back to the full
width through a stored basis, then through a frozen feed-forward network.

Everything the encoder needs (the SentencePiece model included) travels inside the
Flair model file, so it loads offline. Imports torch and sentencepiece: only the model
loader and the trainer import this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sentencepiece
import torch

from .int8_rows import dequantise_rows

# The feed-forward network: two hidden ReLU layers and a tanh output, each fed by
# the layer before it and (skipping one) the one before that.
_LAYER_NAMES = (
    "input_to_first",
    "input_to_second",
    "first_to_second",
    "second_to_third",
    "second_to_output",
    "third_to_output",
)


def layer_shapes(width: int, hidden: int) -> dict[str, tuple[int, int]]:
    """The shape of each feed-forward weight for a model of ``width`` and ``hidden`` units."""
    return {
        "input_to_first": (width, hidden),
        "input_to_second": (width, hidden),
        "first_to_second": (hidden, hidden),
        "second_to_third": (hidden, width),
        "second_to_output": (hidden, width),
        "third_to_output": (width, width),
    }


class SentenceEncoder(torch.nn.Module):
    """Pretrained subword vectors (int8, reduced) and a frozen feed-forward network.

    Args:
        tokenizer_model: the serialized SentencePiece model (bytes of a ``.model`` file).
        vocabulary: number of subword vectors kept (subwords of scripts the encoder
            was not kept for have none and are skipped).
        reduced: dimensions each subword vector is stored with.
        width: dimensions of the sentence vector (and of the basis rows).
        hidden: hidden units of the feed-forward network.

    Nothing here is trained: all tensors are buffers, filled from a pretrained model by
    ``sentence_encoder_import`` or from a saved Flair model by ``load_state_dict``.
    """

    def __init__(
        self,
        tokenizer_model: bytes,
        vocabulary: int,
        reduced: int,
        width: int,
        hidden: int,
    ) -> None:
        super().__init__()
        self.tokenizer_model = bytes(tokenizer_model)
        self.vocabulary = vocabulary
        self.reduced = reduced
        self.width = width
        self.hidden = hidden
        self._tokenizer = sentencepiece.SentencePieceProcessor(model_proto=self.tokenizer_model)
        pieces = self._tokenizer.get_piece_size()
        # Subword id -> row of ``codes``, -1 for subwords without a vector.
        self.register_buffer("rows", torch.full((pieces,), -1, dtype=torch.int32))
        self.register_buffer("codes", torch.zeros(vocabulary, reduced, dtype=torch.int8))
        self.register_buffer("scales", torch.zeros(vocabulary, dtype=torch.float16))
        self.register_buffer("basis", torch.zeros(reduced, width, dtype=torch.float16))
        self.register_buffer("centre", torch.zeros(width, dtype=torch.float32))
        for name, shape in layer_shapes(width, hidden).items():
            self.register_buffer(name, torch.zeros(shape, dtype=torch.float16))
        self._cache: dict[str, torch.Tensor] | None = None
        self.register_load_state_dict_post_hook(_forget_cache)

    @property
    def embedding_length(self) -> int:
        """Length of the sentence vector."""
        return self.width

    def forward(self, texts: Sequence[str]) -> torch.Tensor:
        """One unit-length sentence vector per text."""
        weights = self._weights()
        pieces = self._tokenizer.encode(list(texts), add_bos=True, add_eos=True)
        device = weights["table"].device
        flat = torch.tensor([piece for ids in pieces for piece in ids], dtype=torch.long)
        owner = torch.repeat_interleave(
            torch.tensor([len(ids) for ids in pieces], dtype=torch.long)
        )
        rows = self.get_buffer("rows").cpu()[flat]
        known = rows >= 0
        counts = torch.bincount(owner[known], minlength=len(pieces))
        offsets = torch.zeros(len(pieces), dtype=torch.long)
        offsets[1:] = torch.cumsum(counts, dim=0)[:-1]
        summed = torch.nn.functional.embedding_bag(
            rows[known].long().to(device), weights["table"], offsets.to(device), mode="sum"
        )
        counts = counts.to(device=device, dtype=torch.float32)
        # sum(code_i @ basis + centre) = (sum code_i) @ basis + n * centre
        full = summed @ weights["basis"] + counts.unsqueeze(1) * weights["centre"]
        mean = full / counts.clamp(min=1.0).sqrt().unsqueeze(1)
        return _feed_forward(mean, weights)

    def _weights(self) -> dict[str, torch.Tensor]:
        # Expanded to float32 once: int8/float16 storage keeps the file small, float
        # arithmetic keeps prediction fast on CPUs without half-precision kernels.
        codes = self.get_buffer("codes")
        if self._cache is None or self._cache["table"].device != codes.device:
            table = dequantise_rows(codes, self.get_buffer("scales"))
            cache = {"table": table, "centre": self.get_buffer("centre")}
            for name in ("basis", *_LAYER_NAMES):
                cache[name] = self.get_buffer(name).float()
            self._cache = cache
        return self._cache

    def to_params(self) -> dict[str, Any]:
        """What rebuilds an empty encoder of the same shape (the tensors travel separately)."""
        return {
            "tokenizer_model": self.tokenizer_model,
            "vocabulary": self.vocabulary,
            "reduced": self.reduced,
            "width": self.width,
            "hidden": self.hidden,
        }


def _feed_forward(mean: torch.Tensor, weights: dict[str, torch.Tensor]) -> torch.Tensor:
    first = torch.relu(mean @ weights["input_to_first"])
    second = torch.relu(mean @ weights["input_to_second"] + first @ weights["first_to_second"])
    third = torch.relu(second @ weights["second_to_third"])
    out = torch.tanh(second @ weights["second_to_output"] + third @ weights["third_to_output"])
    return torch.nn.functional.normalize(out, dim=1)


def _forget_cache(module: torch.nn.Module, _incompatible: Any) -> None:
    if isinstance(module, SentenceEncoder):
        module._cache = None
