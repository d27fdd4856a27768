"""Real Flair models: a tiny one trained here, saved, reloaded and served as users name them."""

from __future__ import annotations

import hashlib
import http.server
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecoute.plugins.scorers.sentiment.model import load_model
from ecoute.plugins.scorers.sentiment.model_location import SentimentModelError
from tests.plugins.sentiment_support import tiny_model

# Every test here loads Flair or torch, or starts a process.
pytestmark = pytest.mark.slow


OBVIOUS = {
    "I love this app, wonderful and amazing, thanks": "positive",
    "this update is terrible, broken and useless": "negative",
    "the meeting moved to tuesday, report announced": "neutral",
    "j'adore, c'est génial, merci": "positive",
    "je déteste, c'est nul et cassé": "negative",
    "me encanta, es maravilloso": "positive",
    "odio esta actualización, es horrible": "negative",
}


@pytest.fixture(scope="session")
def tiny() -> Path:
    """The tiny model file (trained once for the whole test session)."""
    return tiny_model()[0]


def test_the_trained_file_is_a_flair_text_classifier_with_ecoute_metadata(tiny: Path) -> None:
    from flair.models import TextClassifier

    from ecoute.plugins.scorers.sentiment.embeddings import HashedNgramEmbeddings

    classifier = TextClassifier.load(str(tiny))
    assert isinstance(classifier.embeddings, HashedNgramEmbeddings)
    assert classifier.embeddings.quantised
    assert set(classifier.label_dictionary.get_items()) == {"negative", "neutral", "positive"}
    card = classifier.model_card["ecoute"]
    assert card["languages"] == ["en", "es", "fr"]
    assert card["scripts"] == ["LATIN"]
    assert card["val"]["overall"]["macro_f1"] >= 90
    assert card["recipe"]["char_bits"] == 14


def test_predictions_are_sensible_in_order_and_empty_texts_get_none(tiny: Path) -> None:
    model = load_model(str(tiny), device="cpu")
    texts = [*OBVIOUS, "", "   "]
    predictions = model.predict(texts)
    assert [p.label if p else None for p in predictions] == [*OBVIOUS.values(), None, None]
    assert all(0.34 < p.confidence <= 1.0 for p in predictions if p)
    assert model.info.languages == ("en", "es", "fr")
    assert model.info.model_id.startswith("tiny-test@") and len(model.info.version) == 12
    assert model.reads_raw_text


def test_batch_size_does_not_change_results(tiny: Path) -> None:
    model = load_model(str(tiny))
    texts = [*OBVIOUS] * 3
    by_size = [model.predict(texts, batch_size=size) for size in (1, 4, 64)]
    for predictions in by_size[1:]:
        assert [p.label for p in predictions if p] == [p.label for p in by_size[0] if p]
        for a, b in zip(predictions, by_size[0], strict=True):
            assert a is not None and b is not None
            assert a.confidence == pytest.approx(b.confidence, abs=1e-5)


def test_int8_tables_predict_like_the_float_ones() -> None:
    import torch

    from ecoute.plugins.scorers.sentiment.embeddings import HashedBag

    torch.manual_seed(0)
    bag = HashedBag(64, 8)
    with torch.no_grad():
        bag.weight.normal_()
    ids, offsets = torch.tensor([1, 5, 9, 63, 2]), torch.tensor([0, 3])
    before = bag(ids, offsets).detach()
    bag.quantise()
    assert bag.codes.dtype == torch.int8 and bag.scales.dtype == torch.float16
    after = bag(ids, offsets)
    assert torch.allclose(before, after, atol=0.02)
    # The stored form reloads into a fresh quantised bag.
    fresh = HashedBag(64, 8, quantised=True)
    fresh.load_state_dict(bag.state_dict())
    assert torch.equal(fresh(ids, offsets), after)


def test_a_language_scored_near_chance_is_trained_on_but_not_declared_covered(
    tmp_path: Path,
) -> None:
    import random

    from ecoute.plugins.scorers.sentiment.training.data import load_dataset
    from ecoute.plugins.scorers.sentiment.training.recipe import TrainingConfig
    from ecoute.plugins.scorers.sentiment.training.trainer import train_model
    from tests.plugins.sentiment_support import TINY_RECIPE, write_umsab_folder

    data = write_umsab_folder(tmp_path / "data", val_per_label=20)
    # German with labels drawn at random: nothing to learn, so chance on validation.
    rng = random.Random(2)
    noise = data / "german"
    noise.mkdir()
    for split, count in (("train", 90), ("val", 60)):
        texts = [
            " ".join(rng.choices(["ja", "nein", "heute", "der", "zug"], k=4)) for _ in range(count)
        ]
        labels = [rng.choice("012") for _ in range(count)]
        (noise / f"{split}_text.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
        (noise / f"{split}_labels.txt").write_text("\n".join(labels) + "\n", encoding="utf-8")
    result = train_model(load_dataset(data), tmp_path / "m.pt", TrainingConfig(**TINY_RECIPE))
    assert result.card["trained_languages"] == ["de", "en", "es", "fr"]
    assert set(result.card["weak_languages"]) == {"de"}
    assert result.card["weak_languages"]["de"] < 45
    model = load_model(str(tmp_path / "m.pt"))
    assert model.info.languages == ("en", "es", "fr")
    assert any(note.startswith("de: trained on") for note in model.info.notes)


def _save_untrained(path: Path, labels: list[str]) -> Path:
    from flair.data import Dictionary
    from flair.models import TextClassifier

    from ecoute.plugins.scorers.sentiment.embeddings import HashedNgramEmbeddings

    dictionary = Dictionary(add_unk=False)
    for label in labels:
        dictionary.add_item(label)
    classifier = TextClassifier(
        HashedNgramEmbeddings(word_bits=8, char_bits=8, dimensions=4),
        label_type="sentiment",
        label_dictionary=dictionary,
    )
    classifier.save(path)
    return path


def test_upper_case_binary_labels_are_mapped(tmp_path: Path) -> None:
    model = load_model(str(_save_untrained(tmp_path / "binary.pt", ["POSITIVE", "NEGATIVE"])))
    predictions = model.predict(["good", "bad", "fine"])
    assert {p.label for p in predictions if p} <= {"positive", "negative"}
    assert all(p is not None for p in predictions)


def test_a_model_with_other_labels_is_refused_clearly(tmp_path: Path) -> None:
    path = _save_untrained(tmp_path / "spam.pt", ["spam", "ham"])
    with pytest.raises(SentimentModelError) as caught:
        load_model(str(path))
    assert "spam, ham" in str(caught.value) and "fix:" in str(caught.value)


def test_a_file_that_is_not_a_model_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.pt"
    path.write_bytes(b"this is not a pickle")
    with pytest.raises(SentimentModelError) as caught:
        load_model(str(path))
    message = str(caught.value)
    assert "'" + str(path) + "' could not be loaded" in message
    assert "TextClassifier.save()" in message


def test_a_flair_model_name_is_served_from_flairs_cache(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flair

    monkeypatch.setattr(flair, "cache_root", tmp_path)
    (tmp_path / "models").mkdir()
    # The file name Flair's own table gives the "sentiment" model.
    shutil.copy(tiny, tmp_path / "models" / "sentiment-en-mix-distillbert_4.pt")
    model = load_model("sentiment")
    assert model.info.name == "tiny-test"  # the file's own card wins over the Flair name
    assert model.info.path == tmp_path / "models" / "sentiment-en-mix-distillbert_4.pt"
    prediction = model.predict(["I love it, wonderful"])[0]
    assert prediction is not None and prediction.label == "positive"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Route every download through a proxy address nothing listens on: no network."""
    proxy = f"http://127.0.0.1:{_closed_port()}"
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, proxy)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_an_uncached_flair_name_offline_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flair

    monkeypatch.setattr(flair, "cache_root", tmp_path)
    _offline(monkeypatch)
    with pytest.raises(SentimentModelError) as caught:
        load_model("sentiment-fast")
    message = str(caught.value)
    assert "'sentiment-fast' could not be downloaded" in message
    assert 'model = "bundled"' in message and "~/.flair/models" in message


class _HubHandler(http.server.BaseHTTPRequestHandler):
    """Answers like a model hub's resolve endpoint for one repository and file."""

    payload = b""
    repo_path = "/acme/tiny-sentiment/resolve/main/pytorch_model.bin"
    requests: list[str] = []  # noqa: RUF012 - shared record of what was asked

    def _headers(self) -> bool:
        self.requests.append(f"{self.command} {self.path}")
        if self.path != self.repo_path:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.payload)))
        self.send_header("ETag", '"' + hashlib.sha256(self.payload).hexdigest() + '"')
        self.send_header("X-Repo-Commit", "a" * 40)
        self.end_headers()
        return True

    def do_HEAD(self) -> None:
        self._headers()

    def do_GET(self) -> None:
        if self._headers():
            self.wfile.write(self.payload)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


@pytest.fixture
def hub(tiny: Path) -> Iterator[str]:
    """A local stand-in for the model hub serving the tiny model as acme/tiny-sentiment."""
    _HubHandler.payload = tiny.read_bytes()
    _HubHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HubHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_hub_id_is_downloaded_once_then_read_from_the_cache(
    hub: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flair
    from huggingface_hub import file_download

    monkeypatch.setattr(flair, "cache_root", tmp_path)
    monkeypatch.setattr(
        file_download,
        "HUGGINGFACE_CO_URL_TEMPLATE",
        hub + "/{repo_id}/resolve/{revision}/{filename}",
    )
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    model = load_model("acme/tiny-sentiment")
    assert model.info.spec == "acme/tiny-sentiment"
    assert tmp_path in model.info.path.parents
    assert any(r.startswith("GET ") for r in _HubHandler.requests)
    prediction = model.predict(["je déteste, c'est nul"])[0]
    assert prediction is not None and prediction.label == "negative"


def test_an_unknown_hub_id_is_a_clear_error(
    hub: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flair
    from huggingface_hub import file_download

    monkeypatch.setattr(flair, "cache_root", tmp_path)
    monkeypatch.setattr(
        file_download,
        "HUGGINGFACE_CO_URL_TEMPLATE",
        hub + "/{repo_id}/resolve/{revision}/{filename}",
    )
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with pytest.raises(SentimentModelError, match="'acme/nothing-here' could not be downloaded"):
        load_model("acme/nothing-here")


def test_cuda_without_a_gpu_is_a_clear_error(tiny: Path) -> None:
    import torch

    if torch.cuda.is_available():
        model = load_model(str(tiny), device="cuda")
        assert model.info.device == "cuda"
        return
    with pytest.raises(SentimentModelError, match='device = "cuda" but torch sees no GPU'):
        load_model(str(tiny), device="cuda")
