"""Where a sentiment model comes from: the bundled file, a local file, a Flair name or a hub id."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ecoute.engine import EcouteError

BUNDLED = "bundled"
BUNDLED_FILE = Path(__file__).resolve().parent / "model" / "ecoute-sentiment.pt"
# Flair's own sentiment models, downloaded by Flair on first use; all English.
FLAIR_NAMES: dict[str, tuple[str, ...]] = {
    "sentiment": ("en",),
    "en-sentiment": ("en",),
    "sentiment-fast": ("en",),
}
LocationKind = Literal["bundled", "file", "flair", "hub"]


class SentimentModelError(EcouteError):
    """A sentiment model cannot be found, fetched or loaded; the message says what to do.

    ``summary`` is a few words for status lines ("model file missing: x.pt"); it
    defaults to the message's first line.
    """

    exit_code = 2

    def __init__(self, message: str, *, summary: str = "") -> None:
        super().__init__(message)
        self.summary = summary or message.split("\n", 1)[0]


@dataclass(frozen=True, slots=True)
class ModelLocation:
    """A resolved ``model`` setting: its kind, a display name and the languages it is known for."""

    spec: str
    kind: LocationKind
    name: str
    path: Path | None = None
    languages: tuple[str, ...] = ()

    def fetch(self) -> Path:
        """The local model file, downloading (Flair names, hub ids) when not cached yet.

        Raises:
            SentimentModelError: the file is missing or the download failed.
        """
        if self.path is not None:
            if not self.path.is_file():
                raise SentimentModelError(
                    _missing_file_message(self), summary=f"model file missing: {self.path.name}"
                )
            return self.path
        try:
            if self.kind == "flair":
                from flair.models import TextClassifier

                # Flair's own name table and cache: a cached file needs no network.
                return Path(TextClassifier._fetch_model(self.spec))
            from flair.file_utils import hf_download

            return Path(hf_download(self.spec))
        except Exception as exc:
            raise SentimentModelError(
                f"sentiment model '{self.spec}' could not be downloaded "
                f"({type(exc).__name__}: {exc})\n"
                "  fix: it is fetched from the internet once and then cached by Flair "
                "(under ~/.flair/models); run ecoute once with network access, or copy the "
                'model file here and set [scorers.sentiment] model = "/path/to/model.pt", '
                'or use model = "bundled", which works offline',
                summary=f"download failed: {self.spec}",
            ) from exc


def locate_model(spec: str) -> ModelLocation:
    """Classify a ``model`` setting without touching the network or importing Flair.

    Raises:
        SentimentModelError: the setting is empty or names nothing ecoute knows how to load.
    """
    text = spec.strip()
    if not text:
        raise SentimentModelError(
            'the sentiment model setting is empty\n  fix: model = "bundled" (the default)',
            summary="no model set",
        )
    if text == BUNDLED:
        return ModelLocation(text, "bundled", "bundled", path=BUNDLED_FILE)
    candidate = Path(text).expanduser()
    if candidate.exists() or _looks_like_path(text):
        return ModelLocation(text, "file", candidate.stem, path=candidate)
    if text in FLAIR_NAMES:
        return ModelLocation(text, "flair", f"flair/{text}", languages=FLAIR_NAMES[text])
    if text.count("/") == 1 and all(part.strip() for part in text.split("/")):
        return ModelLocation(text, "hub", text)
    known = ", ".join(sorted(FLAIR_NAMES))
    raise SentimentModelError(
        f"unknown sentiment model '{text}': not a file, not a Flair model name ({known}) "
        "and not a hub id (owner/name)\n"
        '  fix: model = "bundled", a Flair name, a hub id, or the path of a .pt file',
        summary=f"unknown model: {text}",
    )


def _looks_like_path(text: str) -> bool:
    return text.startswith(("/", "./", "../", "~")) or text.endswith((".pt", ".bin", ".pth"))


def _missing_file_message(location: ModelLocation) -> str:
    if location.kind == "bundled":
        return (
            f"the bundled sentiment model is missing from this installation ({location.path})\n"
            "  fix: reinstall ecoute, or rebuild the file with `make model` in a source checkout"
        )
    return (
        f"sentiment model file '{location.spec}' does not exist ({location.path})\n"
        "  fix: correct [scorers.sentiment] model, or write a model there with "
        "`ecoute sentiment train --data DIR --out PATH`"
    )
