"""The ``sentiment`` scorer: a Flair model behind the Scorer contract, loaded in the background.

Flair is imported by :meth:`SentimentScorer.prepare` (the engine calls it in a
background thread at start) or by the first batch, never when the plugin loads.
The scorer is deferrable: mentions are stored and shown while the model loads,
and get their sentiment once it is ready. Identical texts are predicted once per
batch and remembered in a bounded cache, so reposts and crossposts cost nothing.
Mentions in languages or scripts the model does not cover are left unscored or
flagged, as configured.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ecoute.engine import (
    Annotations,
    ComponentContext,
    Mention,
    Option,
    Scorer,
    Sentiment,
    truncate_excerpt,
)

from .cache import PredictionCache
from .coverage import is_covered

if TYPE_CHECKING:
    from .model import Prediction, SentimentModel
    from .model_location import SentimentModelError

# A model that failed to load is tried again after this long; until then the same
# error is raised at once (a download attempt or a 6 s Flair import is not free).
RELOAD_AFTER_SECONDS = 600.0
# Characters of a load failure shown by status(): it goes on a one-line status bar.
STATUS_CHARS = 80


class SentimentScorer(Scorer):
    """Labels mentions negative, neutral or positive with a Flair ``TextClassifier``."""

    name = "sentiment"
    order = 50
    deferrable = True
    options = (
        Option(
            "model",
            str,
            "bundled",
            help='"bundled" (offline, multilingual), a Flair model name, a hub id or a .pt file',
        ),
        Option("device", str, "auto", choices=("auto", "cpu", "cuda"), help="where to run it"),
        Option("batch_size", int, 64, minimum=1, help="texts per forward pass"),
        Option(
            "out_of_coverage",
            str,
            "skip",
            choices=("skip", "flag"),
            help='mentions the model does not cover: "skip" leaves them unscored, '
            '"flag" scores them with covered = false',
        ),
        Option(
            "languages",
            list,
            [],
            help="language codes the model covers, when its file does not say (empty: its own)",
        ),
        Option("cache_size", int, 20000, minimum=0, help="texts whose result is remembered"),
        Option("threads", int, 1, minimum=1, help="torch threads for prediction"),
        Option("max_chars", int, 2000, minimum=1, help="characters of each text that are read"),
    )
    description = "sentiment with a Flair model (bundled multilingual model by default)"

    def __init__(self, context: ComponentContext) -> None:
        super().__init__(context)
        options = context.options
        self.cache = PredictionCache(options["cache_size"])
        self._model: SentimentModel | None = None
        self._failure: SentimentModelError | None = None
        self._retry_at = 0.0
        # prepare() loads in a background thread; a batch arriving meanwhile waits for
        # that load instead of starting a second one.
        self._loading = threading.Lock()

    def prepare(self) -> None:
        """Load the model before the first batch (the engine calls this in a background thread).

        Raises:
            SentimentModelError: the model cannot be loaded; :meth:`score` raises it too
                until :data:`RELOAD_AFTER_SECONDS` have passed, then tries again.
        """
        self.load()

    def status(self) -> str:
        """``"ready"`` once the model is loaded, ``"error: <reason>"`` after a failed load.

        Empty before the first load attempt (and while it runs).
        """
        if self._model is not None:
            return "ready"
        if self._failure is not None:
            return f"error: {truncate_excerpt(self._failure.summary, STATUS_CHARS)}"
        return ""

    @property
    def model(self) -> SentimentModel:
        """The loaded model, loading it on first use (see :meth:`load`)."""
        return self.load()

    def load(self) -> SentimentModel:
        """The model, loaded now unless it already is; one load at a time across threads.

        Raises:
            SentimentModelError: the model cannot be loaded; raised again without a
                new attempt until :data:`RELOAD_AFTER_SECONDS` have passed.
        """
        if self._model is not None:
            return self._model
        with self._loading:
            if self._model is not None:
                return self._model  # loaded by the other thread while this one waited
            return self._load()

    def _load(self) -> SentimentModel:
        """Try to load the model, or raise the last failure again until it is time to retry."""
        from .model_location import SentimentModelError

        now = self.context.clock.monotonic()
        if self._failure is not None and now < self._retry_at:
            raise self._failure
        from .model import load_model

        options = self.context.options
        try:
            self._model = load_model(
                options["model"],
                device=options["device"],
                threads=options["threads"],
                languages=[str(code).lower() for code in options["languages"]],
            )
        except Exception as exc:
            if isinstance(exc, SentimentModelError):
                reason, summary = str(exc), exc.summary
            else:
                reason = (
                    f"sentiment model '{options['model']}' could not be loaded: "
                    f"{type(exc).__name__}: {exc}"
                )
                summary = f"{type(exc).__name__}: {exc}"
            minutes = RELOAD_AFTER_SECONDS / 60
            self._failure = SentimentModelError(
                f"{reason}\n  ecoute goes on without sentiment and tries to load it again "
                f"in {minutes:.0f} min",
                summary=summary,
            )
            self._retry_at = now + RELOAD_AFTER_SECONDS
            self.context.logger.error("%s", self._failure)
            raise self._failure from exc
        self._failure = None
        info = self._model.info
        self.context.logger.info(
            "sentiment model %s loaded from %s (%s; languages: %s)",
            info.model_id,
            info.path,
            info.device,
            ", ".join(info.languages) or "not declared",
        )
        return self._model

    def score(self, batch: Sequence[Mention]) -> list[Annotations | None]:
        """Sentiment for each mention with text; see the class docstring for coverage."""
        model = self.model
        options = self.context.options
        flag_uncovered = options["out_of_coverage"] == "flag"
        info = model.info
        results: list[Annotations | None] = [None] * len(batch)
        wanted: dict[str, list[tuple[int, bool]]] = {}
        for index, mention in enumerate(batch):
            if mention.sentiment is not None:
                continue  # already scored upstream (an import); never overwritten
            text = _text_of(mention, options["max_chars"])
            covered = is_covered(text, mention.lang, info.languages, info.scripts)
            if covered or flag_uncovered:
                wanted.setdefault(text, []).append((index, covered))
        predictions = self._predictions(model, list(wanted))
        for text, uses in wanted.items():
            prediction = predictions[text]
            if prediction is None:
                continue
            for index, covered in uses:
                results[index] = Annotations(
                    sentiment=Sentiment(
                        prediction.label, round(prediction.confidence, 4), info.model_id, covered
                    )
                )
        return results

    def _predictions(self, model: SentimentModel, texts: list[str]) -> dict[str, Prediction | None]:
        """Each distinct text's prediction: from the cache, or predicted now in batches."""
        found: dict[str, Prediction | None] = {}
        missing = []
        for text in texts:
            hit, prediction = self.cache.get(text)
            if hit:
                found[text] = prediction
            else:
                missing.append(text)
        if missing:
            predicted = model.predict(missing, self.context.options["batch_size"])
            for text, prediction in zip(missing, predicted, strict=True):
                found[text] = prediction
                self.cache.put(text, prediction)
        return found

    def close(self) -> None:
        """Drop the model so its memory can be freed."""
        self._model = None


def _text_of(mention: Mention, max_chars: int) -> str:
    text = f"{mention.title}\n{mention.text}" if mention.title else mention.text
    return text[:max_chars]
