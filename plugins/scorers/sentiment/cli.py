"""``ecoute sentiment predict|info``, and ``train|eval`` loaded from ``training`` when run.

Thin wiring: Flair is imported inside the commands, and the training package only by
the group when ``train`` or ``eval`` is the command asked for.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import sys
from collections.abc import Iterable, Iterator
from typing import TextIO

import click

from ecoute.engine import clean_line

from .cli_support import configured_settings, load_configured_model, model_options
from .coverage import is_covered

# name -> (attribute of the training CLI module, its one-line help for listings)
TRAINING_COMMANDS: dict[str, tuple[str, str]] = {
    "eval": (
        "eval_command",
        "Macro-F1 and macro-recall per language and overall on labelled data.",
    ),
    "train": ("train_command", "Train a hashed n-gram Flair TextClassifier and save it to OUT."),
}
TRAINING_CLI = f"{__package__}.training.cli"


class SentimentGroup(click.Group):
    """A click group that imports the training commands only when one of them runs.

    Listing them (``ecoute sentiment --help``) uses the help lines of
    :data:`TRAINING_COMMANDS` and imports nothing from ``training``.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *TRAINING_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in TRAINING_COMMANDS:
            attribute, _ = TRAINING_COMMANDS[cmd_name]
            command = getattr(importlib.import_module(TRAINING_CLI), attribute)
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            command = self.commands.get(name)
            if command is None:
                # A stand-in carrying the help line, shortened exactly as click shortens it.
                command = click.Command(name, help=TRAINING_COMMANDS[name][1])
            if not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group("sentiment", cls=SentimentGroup)
def sentiment_group() -> None:
    """Predict, evaluate, inspect and train sentiment models."""


@sentiment_group.command("predict")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
@model_options
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
    settings = configured_settings()
    model = load_configured_model(settings, model_spec, device)
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


@sentiment_group.command("info")
@model_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info_command(
    model_spec: str | None, device: str | None, batch_size: int | None, as_json: bool
) -> None:
    """Which model is active, what it covers, its size and where it was loaded from."""
    settings = configured_settings()
    model = load_configured_model(settings, model_spec, device)
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


def _chunks(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
