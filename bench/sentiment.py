"""Sentiment benchmark: texts/s of a Flair model end to end, and where the time goes.

Usage: python bench/sentiment.py [--model bundled] [--data DIR] [--n 5000] [--batch 64]
                                 [--rounds 5]

Texts: the UMSAB validation tweets when ``--data`` (default
``../shared/data/sentiment/umsab``) exists, else tweet-length texts made from a word
list. For 1 and 2 torch threads it times ``SentimentModel.predict`` in batches
(Flair ``Sentence`` creation, the forward pass, reading labels back) and, inside
it, the forward pass alone (embeddings + decoder): the baseline, measured in the
same run. Then the scorer path on mentions (coverage check, de-duplication, cache)
with all-distinct texts. Median of ``--rounds``. Never run as a test.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ecoute.engine import ComponentContext, Mention
from ecoute.plugins.scorers.sentiment.cache import PredictionCache
from ecoute.plugins.scorers.sentiment.model import SentimentModel, load_model
from ecoute.plugins.scorers.sentiment.scorer import SentimentScorer
from ecoute.plugins.scorers.sentiment.training.data import load_umsab

DEFAULT_DATA = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "sentiment" / "umsab"
)
WORDS = (
    *("acme", "cloud", "sync", "broken", "again", "love", "great", "terrible", "support"),
    *("app", "phone", "update", "price", "today", "never", "always", "why", "how", "thanks"),
    *("fixed", "slow", "fast", "c'est", "nul", "génial", "merci", "encore", "la", "synchro"),
    *("marche", "pas", "#acmecloud", "@acme_support", "http", ":)", "!!", "?"),
)


class ForwardTimer:
    """Adds up the time a Flair classifier spends in its forward pass (embed + decode)."""

    def __init__(self, classifier: Any) -> None:
        self.seconds = 0.0
        classifier._encode_data_points = self._timed(classifier._encode_data_points)
        classifier.decoder.forward = self._timed(classifier.decoder.forward)

    def _timed(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        return timed


def texts_for(data: Path, n: int) -> list[str]:
    """``n`` tweet-length texts: real validation tweets when available."""
    if data.is_dir():
        pool = [example.text for example in load_umsab(data, "val")]
    else:
        rng = random.Random(3)
        pool = [" ".join(rng.choices(WORDS, k=rng.randint(8, 22))) for _ in range(2000)]
    return [pool[i % len(pool)] + ("" if i < len(pool) else f" #{i}") for i in range(n)]


def time_predict(
    model: SentimentModel, timer: ForwardTimer, texts: list[str], batch: int
) -> tuple[float, float]:
    """(seconds end to end, seconds in the forward pass) for all ``texts``."""
    timer.seconds = 0.0
    start = time.perf_counter()
    for index in range(0, len(texts), batch):
        model.predict(texts[index : index + batch], batch)
    return time.perf_counter() - start, timer.seconds


def time_scorer(scorer: SentimentScorer, texts: list[str], batch: int) -> float:
    """Seconds for the scorer to annotate ``texts`` as mentions, ``batch`` at a time."""
    created = datetime(2026, 1, 1, tzinfo=UTC)
    mentions = [
        Mention(id=f"b:{i}", platform="b", text=text, created_at=created)
        for i, text in enumerate(texts)
    ]
    scorer.cache = PredictionCache(scorer.cache.size)  # every round starts cold
    start = time.perf_counter()
    for index in range(0, len(mentions), batch):
        scorer.score(mentions[index : index + batch])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="bundled")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import torch

    texts = texts_for(args.data, args.n)
    mean_chars = statistics.mean(len(t) for t in texts)
    model = load_model(args.model, device="cpu", threads=1)
    timer = ForwardTimer(model.classifier)
    model.predict(texts[: args.batch * 4], args.batch)  # warm-up
    source = "UMSAB val tweets" if args.data.is_dir() else "made-up texts"
    print(
        f"model {model.info.model_id} ({model.info.size_bytes / 1e6:.1f} MB), {len(texts)} "
        f"{source}, mean {mean_chars:.0f} chars, batch {args.batch}, median of {args.rounds}"
    )
    print("threads  texts/s end to end  forward-only texts/s  time outside forward")
    one_thread = 0.0
    for threads in (1, 2):
        torch.set_num_threads(threads)
        runs = [time_predict(model, timer, texts, args.batch) for _ in range(args.rounds)]
        total = statistics.median(r[0] for r in runs)
        forward = statistics.median(r[1] for r in runs)
        rate = len(texts) / total
        one_thread = rate if threads == 1 else one_thread
        print(
            f"{threads:<8} {rate:>18,.0f}  {len(texts) / forward:>19,.0f}  "
            f"{100 * (1 - forward / total):>19.0f}%"
        )
    torch.set_num_threads(1)
    options = {option.name: option.default for option in SentimentScorer.options}
    options.update(model=args.model, device="cpu", batch_size=args.batch)
    scorer = SentimentScorer(ComponentContext("sentiment", options, _quiet_logger()))
    scorer.model  # noqa: B018 - load outside the timing
    scorer_rate = len(texts) / statistics.median(
        time_scorer(scorer, texts, args.batch) for _ in range(args.rounds)
    )
    print(f"scorer on mentions (1 thread, cold cache): {scorer_rate:,.0f} texts/s")
    verdict = "met" if one_thread >= 2000 else "NOT met"
    print(f"goal: >= 2,000 texts/s on one core end to end: {verdict} ({one_thread / 2000:.1f}x)")


def _quiet_logger() -> Any:
    import logging

    logger = logging.getLogger("bench.sentiment")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    return logger


if __name__ == "__main__":
    main()
