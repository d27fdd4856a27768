"""``ecoute sentiment predict|eval|info|train``: thin wiring; Flair is imported inside commands."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from ecoute.engine import EcouteError, clean_line

from .coverage import is_covered
from .evaluation import format_report
from .recipe import BUNDLED_NOTES, TrainingConfig

if TYPE_CHECKING:
    from .model import SentimentModel

_DEVICES = click.Choice(["auto", "cpu", "cuda"])
RECIPE = TrainingConfig()


@click.group("sentiment")
def sentiment_group() -> None:
    """Predict, evaluate, inspect and train sentiment models."""


def _model_options(command: Any) -> Any:
    command = click.option(
        "--model",
        "model_spec",
        help='"bundled", a Flair model name, a hub id or a .pt file '
        "(default: [scorers.sentiment] model, else bundled).",
    )(command)
    command = click.option("--device", type=_DEVICES, help="auto, cpu or cuda.")(command)
    return click.option("--batch-size", type=click.IntRange(min=1), help="Texts per batch.")(
        command
    )


@sentiment_group.command("predict")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
@_model_options
@click.option("--lang", help="Language of the input (ISO 639-1), for the coverage check.")
def predict_command(
    file: TextIO,
    model_spec: str | None,
    device: str | None,
    batch_size: int | None,
    lang: str | None,
) -> None:
    """Label each line of FILE (or stdin): one JSON object per line, in the same order.

    Each object has label (negative, neutral, positive; null for an empty line),
    confidence, and covered (false when the model does not cover the text's
    language or script).
    """
    settings = _settings()
    model = _load(settings, model_spec, device)
    size = batch_size or int(settings.get("batch_size", 64))
    info = model.info
    for chunk in _chunks((line.rstrip("\r\n") for line in file), size * 16):
        for text, prediction in zip(chunk, model.predict(chunk, size), strict=True):
            record = {
                "label": prediction.label if prediction else None,
                "confidence": round(prediction.confidence, 4) if prediction else None,
                "covered": is_covered(text, lang, info.languages, info.scripts)
                if prediction
                else None,
            }
            click.echo(json.dumps(record))
        sys.stdout.flush()


@sentiment_group.command("eval")
@click.option(
    "--data",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="A UMSAB-style folder or a CSV/JSONL file of text,label[,lang].",
)
@click.option(
    "--split",
    type=click.Choice(["val", "train"]),
    default="val",
    show_default=True,
    help="Which split of a folder to score.",
)
@_model_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def eval_command(
    data: Path,
    split: str,
    model_spec: str | None,
    device: str | None,
    batch_size: int | None,
    as_json: bool,
) -> None:
    """Macro-F1 and macro-recall per language and overall on labelled data."""
    from .data import DataError, load_file, load_umsab
    from .evaluation import evaluate

    examples = list(load_umsab(data, split)) if data.is_dir() else load_file(data)
    if not examples:
        raise DataError(f"{data}: no {split} examples found")
    settings = _settings()
    model = _load(settings, model_spec, device)
    size = batch_size or int(settings.get("batch_size", 64))
    predictions = model.predict([e.text for e in examples], size)
    report = evaluate(
        [e.label for e in examples],
        [p.label if p else None for p in predictions],
        [e.lang for e in examples],
    )
    info = model.info
    covered = {
        score.group: not info.languages or score.group in info.languages
        for score in report.languages
    }
    if as_json:
        payload = {"model": info.model_id, "data": str(data), "split": split, **report.to_dict()}
        payload["covered"] = covered
        click.echo(json.dumps(payload, indent=2))
        return
    click.echo(f"model {info.model_id} on {data} ({split})")
    click.echo(format_report(report, covered))


@sentiment_group.command("info")
@_model_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info_command(
    model_spec: str | None, device: str | None, batch_size: int | None, as_json: bool
) -> None:
    """Which model is active, what it covers, its size and where it was loaded from."""
    settings = _settings()
    model = _load(settings, model_spec, device)
    info = model.info
    rule = str(settings.get("out_of_coverage", "skip"))
    payload = {
        "model": info.spec,
        "name": info.name,
        "version": info.version,
        "path": str(info.path),
        "size_bytes": info.size_bytes,
        "device": info.device,
        "labels": info.labels,
        "languages": list(info.languages),
        "scripts": list(info.scripts),
        "out_of_coverage": rule,
        "notes": info.notes,
        "val": info.card.get("val"),
    }
    if as_json:
        click.echo(json.dumps(payload, indent=2))
        return
    undeclared = "not declared (every language is treated as covered)"
    # A model file's card is text from whoever wrote the file: no control sequences.
    info = dataclasses.replace(
        info,
        name=clean_line(info.name),
        labels=[clean_line(label) for label in info.labels],
        languages=tuple(clean_line(code) for code in info.languages),
        scripts=tuple(clean_line(script) for script in info.scripts),
        notes=[clean_line(note) for note in info.notes],
    )
    lines = [
        f"model      {info.spec} ({info.model_id})",
        f"file       {info.path}",
        f"size       {info.size_bytes / 1e6:.1f} MB",
        f"device     {info.device}",
        f"labels     {', '.join(info.labels)}",
        f"languages  {', '.join(info.languages) or undeclared}",
        f"scripts    {', '.join(s.lower() for s in info.scripts) or 'not declared'}",
        f"other languages: {'left unscored' if rule == 'skip' else 'scored, flagged covered=false'}"
        f' (out_of_coverage = "{rule}")',
    ]
    lines += [f"note: {note}" for note in info.notes]
    val = info.card.get("val")
    if isinstance(val, dict):
        scores = ", ".join(f"{s['group']} {s['macro_f1']:.1f}" for s in val["languages"])
        lines.append(clean_line(f"val macro-F1: all {val['overall']['macro_f1']:.1f}; {scores}"))
    click.echo("\n".join(lines))


@sentiment_group.command("train")
@click.option(
    "--data",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="A UMSAB-style folder (train and val splits) or a CSV/JSONL of text,label[,lang].",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the model file.",
)
@click.option(
    "--seed",
    type=int,
    default=RECIPE.seed,
    show_default=True,
    help="Same data, options and seed: the same file.",
)
@click.option("--epochs", type=click.IntRange(min=1), default=RECIPE.epochs, show_default=True)
@click.option("--learning-rate", type=float, default=RECIPE.learning_rate, show_default=True)
@click.option(
    "--char-bits", type=click.IntRange(8, 24), default=RECIPE.char_bits, show_default=True
)
@click.option(
    "--word-bits", type=click.IntRange(8, 24), default=RECIPE.word_bits, show_default=True
)
@click.option(
    "--dimensions", type=click.IntRange(min=1), default=RECIPE.dimensions, show_default=True
)
@click.option(
    "--pretrained/--no-pretrained",
    default=RECIPE.pretrained,
    show_default=True,
    help="Add the frozen multilingual sentence encoder (needs the 'train' extra).",
)
@click.option(
    "--encoder-dimensions",
    type=click.IntRange(min=1, max=512),
    default=RECIPE.encoder_dimensions,
    show_default=True,
    help="Dimensions kept per subword vector of the sentence encoder.",
)
@click.option("--name", default="custom-sentiment", show_default=True, help="Model name.")
@click.option("--note", "notes", multiple=True, help="A note for the model card (repeatable).")
@click.option("--bundled-notes", is_flag=True, help="Add the bundled model's notes.")
@click.option(
    "--threads", type=click.IntRange(min=1), default=1, show_default=True, help="Torch threads."
)
@click.option("--quiet", is_flag=True, help="No training log on stderr.")
def train_command(
    data: Path,
    out: Path,
    seed: int,
    epochs: int,
    learning_rate: float,
    char_bits: int,
    word_bits: int,
    dimensions: int,
    pretrained: bool,
    encoder_dimensions: int,
    name: str,
    notes: tuple[str, ...],
    bundled_notes: bool,
    threads: int,
    quiet: bool,
) -> None:
    """Train a hashed n-gram Flair TextClassifier and save it to OUT.

    The epoch with the best validation macro-F1 is kept (a file's validation
    split is a seeded 10% of it).
    """
    from .data import load_dataset

    dataset = load_dataset(data, seed=seed)  # bad data is reported before Flair loads
    from .training import print_progress, train_model

    config = TrainingConfig(
        word_bits=word_bits,
        char_bits=char_bits,
        dimensions=dimensions,
        pretrained=pretrained,
        encoder_dimensions=encoder_dimensions,
        epochs=epochs,
        learning_rate=learning_rate,
        seed=seed,
    )
    all_notes = [*(BUNDLED_NOTES if bundled_notes else ()), *notes]
    result = train_model(
        dataset,
        out,
        config,
        name=name,
        notes=all_notes,
        threads=threads,
        progress=None if quiet else print_progress,
    )
    click.echo(
        f"wrote {result.path} ({result.size_bytes / 1e6:.1f} MB), best epoch {result.best_epoch}"
    )
    if result.val is not None:
        click.echo(format_report(result.val, {}))


def _settings() -> dict[str, Any]:
    """The ``[scorers.sentiment]`` table of the active config (empty when there is none)."""
    app = click.get_current_context().find_root().obj
    config_of = getattr(app, "config", None)
    if config_of is None:
        return {}
    config = config_of()
    entry = config.scorers.get("sentiment")
    return dict(entry.settings) if entry is not None else {}


def _load(settings: dict[str, Any], model_spec: str | None, device: str | None) -> SentimentModel:
    from .model import load_model

    spec = model_spec or str(settings.get("model", "bundled"))
    languages = settings.get("languages") or []
    if not isinstance(languages, list):
        raise EcouteError("[scorers.sentiment] languages must be a list of language codes")
    return load_model(
        spec,
        device=device or str(settings.get("device", "auto")),
        threads=int(settings.get("threads", 1)),
        languages=[str(code).lower() for code in languages],
    )


def _chunks(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
