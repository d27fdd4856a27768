"""Macro-F1 and macro-recall per language and overall, and the table that shows them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from ecoute.engine import SENTIMENT_LABELS


@dataclass(frozen=True, slots=True)
class Score:
    """Scores of one group of examples (one language, or all of them); in percent."""

    group: str
    count: int
    macro_f1: float
    macro_recall: float
    accuracy: float
    unscored: int = 0


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Per-language scores, the pooled score of all examples, and the mean over languages."""

    languages: list[Score]
    overall: Score
    language_mean_f1: float

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "languages": [asdict(score) for score in self.languages],
            "overall": asdict(self.overall),
            "language_mean_f1": self.language_mean_f1,
        }


def score_group(
    group: str, gold: Sequence[str], predicted: Sequence[str | None], labels: Sequence[str]
) -> Score:
    """Macro scores over ``labels``; a missing prediction (``None``) counts as wrong."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted labels differ in length")
    f1s, recalls = [], []
    for label in labels:
        true_positive = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == label)
        predicted_count = sum(1 for p in predicted if p == label)
        gold_count = sum(1 for g in gold if g == label)
        precision = true_positive / predicted_count if predicted_count else 0.0
        recall = true_positive / gold_count if gold_count else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
        recalls.append(recall)
    correct = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p)
    return Score(
        group=group,
        count=len(gold),
        macro_f1=round(100 * sum(f1s) / len(labels), 2),
        macro_recall=round(100 * sum(recalls) / len(labels), 2),
        accuracy=round(100 * correct / len(gold), 2) if gold else 0.0,
        unscored=sum(1 for p in predicted if p is None),
    )


def evaluate(
    gold: Sequence[str],
    predicted: Sequence[str | None],
    langs: Sequence[str],
    labels: Sequence[str] = SENTIMENT_LABELS,
) -> EvaluationReport:
    """Score predictions per language (``""`` shows as "?") and over everything."""
    by_language: dict[str, tuple[list[str], list[str | None]]] = defaultdict(lambda: ([], []))
    for g, p, lang in zip(gold, predicted, langs, strict=True):
        by_language[lang or "?"][0].append(g)
        by_language[lang or "?"][1].append(p)
    languages = [
        score_group(lang, golds, preds, labels)
        for lang, (golds, preds) in sorted(by_language.items())
    ]
    overall = score_group("all", gold, predicted, labels)
    mean = sum(s.macro_f1 for s in languages) / len(languages) if languages else 0.0
    return EvaluationReport(languages, overall, round(mean, 2))


def format_report(report: EvaluationReport, covered: dict[str, bool]) -> str:
    """The report as an aligned table; ``covered`` (when given) adds a coverage column."""
    headers = ["language", "texts", "macro-F1", "macro-recall", "accuracy"]
    if covered:
        headers.append("covered")
    rows = []
    for score in [*report.languages, report.overall]:
        row = [
            score.group,
            str(score.count),
            f"{score.macro_f1:.1f}",
            f"{score.macro_recall:.1f}",
            f"{score.accuracy:.1f}",
        ]
        if covered:
            row.append("" if score.group == "all" else ("yes" if covered[score.group] else "no"))
        rows.append(row)
    rows.append(["mean of languages", "", f"{report.language_mean_f1:.1f}", "", ""])
    if covered:
        rows[-1].append("")
    return _table(headers, rows)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)
