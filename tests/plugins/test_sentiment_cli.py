"""``ecoute sentiment predict|eval|info|train`` as a user runs them."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ecoute.cli.app import AppContext
from ecoute.cli.main import cli
from ecoute.plugins.scorers.sentiment.model import load_model
from tests.plugins.sentiment_support import tiny_model

# Every test here loads Flair or torch, or starts a process.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def tiny() -> tuple[Path, Path]:
    """(tiny model file, its made-up data folder), trained once per session."""
    return tiny_model()


def invoke(tmp_path: Path, *args: str, stdin: str | None = None, config: str = "") -> Result:
    """Run the ecoute CLI in this process (Flair stays imported between tests)."""
    config_path = tmp_path / "config.toml"
    if config:
        config_path.write_text(config, encoding="utf-8")
    app = AppContext(config_path=config_path, explicit=bool(config))
    app.plugins().add_commands(cli)
    return CliRunner().invoke(cli, list(args), obj=app, input=stdin)


def ecoute(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecoute", *args], capture_output=True, text=True, timeout=120
    )


def test_predict_prints_one_json_object_per_line_in_order(
    tiny: tuple[Path, Path], tmp_path: Path
) -> None:

    lines = ["I love it, wonderful", "", "awful, broken, useless", "Это ужасно", "tuesday meeting"]
    result = invoke(
        tmp_path, "sentiment", "predict", "--model", str(tiny[0]), stdin="\n".join(lines)
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(lines)
    assert [r["label"] for r in records] == [
        "positive",
        None,
        "negative",
        records[3]["label"],
        "neutral",
    ]
    assert records[1] == {"label": None, "confidence": None, "covered": None}
    assert records[3]["covered"] is False and records[0]["covered"] is True
    assert 0 < records[0]["confidence"] <= 1


def test_predict_reads_a_file_and_the_configured_model(
    tiny: tuple[Path, Path], tmp_path: Path
) -> None:
    texts = tmp_path / "texts.txt"
    texts.write_text("je déteste, c'est nul\r\nme encanta, genial\n", encoding="utf-8")
    config = f'[scorers.sentiment]\nmodel = "{tiny[0]}"\nbatch_size = 1\n'
    result = invoke(tmp_path, "sentiment", "predict", str(texts), "--lang", "fr", config=config)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["label"] for r in records] == ["negative", "positive"]


def test_eval_reports_per_language_scores(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    model, data = tiny
    result = invoke(
        tmp_path, "sentiment", "eval", "--data", str(data), "--model", str(model), "--json"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [s["group"] for s in report["languages"]] == ["en", "es", "fr"]
    assert all(s["count"] == 24 and s["macro_f1"] >= 90 for s in report["languages"])
    assert report["overall"]["count"] == 72 and report["covered"] == {
        "en": True,
        "es": True,
        "fr": True,
    }
    assert report["model"].startswith("tiny-test@") and report["split"] == "val"
    table = invoke(tmp_path, "sentiment", "eval", "--data", str(data), "--model", str(model))
    assert table.exit_code == 0
    header = table.stdout.splitlines()[1]
    assert header.split() == [
        "language",
        "texts",
        "macro-F1",
        "macro-recall",
        "accuracy",
        "covered",
    ]
    assert "mean of languages" in table.stdout


def test_info_says_what_is_loaded_and_what_it_covers(
    tiny: tuple[Path, Path], tmp_path: Path
) -> None:
    config = f'[scorers.sentiment]\nmodel = "{tiny[0]}"\nout_of_coverage = "flag"\n'
    result = invoke(tmp_path, "sentiment", "info", config=config)
    assert result.exit_code == 0, result.output
    assert f"file       {tiny[0]}" in result.stdout
    assert "languages  en, es, fr" in result.stdout
    assert 'scored, flagged covered=false (out_of_coverage = "flag")' in result.stdout
    assert "note: made-up test data" in result.stdout
    data = json.loads(invoke(tmp_path, "sentiment", "info", "--json", config=config).stdout)
    assert data["size_bytes"] == tiny[0].stat().st_size
    assert data["languages"] == ["en", "es", "fr"] and data["scripts"] == ["LATIN"]
    assert data["val"]["overall"]["macro_f1"] >= 90


def test_train_writes_a_loadable_model_reproducibly(
    tiny: tuple[Path, Path], tmp_path: Path
) -> None:
    data = tiny[1]
    digests = []
    # Same file name in two folders: torch names the archive inside after the file.
    for name in ("a/model.pt", "b/model.pt"):
        args = ["--data", str(data), "--out", str(tmp_path / name), "--seed", "3", "--epochs", "2"]
        args += [
            "--char-bits",
            "12",
            "--word-bits",
            "10",
            "--dimensions",
            "4",
            "--encoder-dimensions",
            "8",
            "--name",
            "cli-test",
        ]
        result = invoke(tmp_path, "sentiment", "train", *args)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"wrote {tmp_path / name}")
        assert "EPOCH" not in result.stdout  # the training log goes to stderr
        digests.append(hashlib.sha256((tmp_path / name).read_bytes()).hexdigest())
    assert digests[0] == digests[1]
    model = load_model(str(tmp_path / "a" / "model.pt"))
    assert model.info.name == "cli-test" and model.info.card["recipe"]["seed"] == 3
    # The pretrained encoder travelled inside the file and reads the text on reload.
    assert model.info.card["recipe"]["pretrained"] is True
    encoder = model.classifier.embeddings.encoder
    assert encoder is not None and encoder.reduced == 8


def test_train_on_a_csv_file(tmp_path: Path) -> None:
    rows = ["text,label"] + [
        f"{word} {n},{label}"
        for n in range(20)
        for word, label in (("great", "positive"), ("awful", "negative"), ("tuesday", "neutral"))
    ]
    data = tmp_path / "data.csv"
    data.write_text("\n".join(rows), encoding="utf-8")
    args = ["--data", str(data), "--out", str(tmp_path / "m.pt"), "--epochs", "2", "--quiet"]
    args.append("--no-pretrained")
    result = invoke(tmp_path, "sentiment", "train", *args, "--char-bits", "10", "--word-bits", "10")
    assert result.exit_code == 0, result.output
    assert load_model(str(tmp_path / "m.pt")).info.languages == ()


def test_errors_are_one_clear_line_without_flair_or_traceback(tmp_path: Path) -> None:
    missing = ecoute("sentiment", "predict", "--model", str(tmp_path / "nope.pt"))
    assert missing.returncode == 2
    assert f"ecoute: error: sentiment model file '{tmp_path / 'nope.pt'}' does not exist" in (
        missing.stderr
    )
    assert "fix:" in missing.stderr and "Traceback" not in missing.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nhello,joyful\n")
    training = ecoute("sentiment", "train", "--data", str(bad), "--out", str(tmp_path / "m.pt"))
    assert training.returncode == 2
    assert f"{bad}:2: unknown label 'joyful'" in training.stderr
    assert "Traceback" not in training.stderr


def test_info_never_prints_control_sequences_from_a_model_file(
    tiny: tuple[Path, Path], tmp_path: Path
) -> None:
    from flair.models import TextClassifier

    classifier = TextClassifier.load(str(tiny[0]))
    card = classifier.model_card["ecoute"]
    card["name"] = "evil\x1b[2J\x1b]0;pwned\x07"
    card["notes"] = ["clear \x1b[31mred\x1b[0m screen", "bell\x07\nnew line"]
    classifier.save(tmp_path / "evil.pt")
    result = invoke(tmp_path, "sentiment", "info", "--model", str(tmp_path / "evil.pt"))
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "note: clear red screen" in result.stdout
    assert "note: bell new line" in result.stdout
    assert "(evil@" in result.stdout
