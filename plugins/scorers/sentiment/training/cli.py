"""``ecoute sentiment eval|train``: thin wiring; Flair is imported inside the commands."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..cli_support import configured_settings, load_configured_model, model_options
from .evaluation import format_report
from .recipe import BUNDLED_NOTES, TrainingConfig

RECIPE = TrainingConfig()


@click.command("eval")
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
@model_options
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
    settings = configured_settings()
    model = load_configured_model(settings, model_spec, device)
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


@click.command("train")
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
    from .trainer import print_progress, train_model

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
