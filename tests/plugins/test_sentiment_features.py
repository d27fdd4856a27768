"""Sentiment plugin parts that need no Flair: hashing, coverage, data files, scores, sources."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ecoute.plugins.scorers.sentiment.cache import PredictionCache
from ecoute.plugins.scorers.sentiment.coverage import dominant_script, is_covered, primary_language
from ecoute.plugins.scorers.sentiment.features import NgramHasher, normalise
from ecoute.plugins.scorers.sentiment.model_location import (
    BUNDLED_FILE,
    SentimentModelError,
    locate_model,
)
from ecoute.plugins.scorers.sentiment.training.data import (
    DataError,
    load_dataset,
    load_file,
    load_umsab,
    unescape_tweet,
)
from ecoute.plugins.scorers.sentiment.training.evaluation import evaluate, score_group
from tests.plugins.sentiment_support import write_umsab_folder


def _bags(ids: np.ndarray, offsets: np.ndarray) -> list[list[int]]:
    ends = [*offsets[1:], len(ids)]
    return [sorted(ids[start:end].tolist()) for start, end in zip(offsets, ends, strict=True)]


def test_normalise_masks_handles_links_digits_and_long_repeats() -> None:
    text = "SOOOO good!!!! @Acme_Support see https://acme.example/x?y=1 in 2024 www.acme.io"
    # Digits become 0 before long runs are cut, so any long number reads "00".
    assert normalise(text) == "soo good!! @user see http in 00 http"


def test_hashes_of_a_text_do_not_depend_on_its_batch() -> None:
    hasher = NgramHasher(word_bits=16, char_bits=18, min_n=2, max_n=5)
    alone = hasher.hash_batch(["love it"])
    mixed = hasher.hash_batch(["something else entirely", "love it", ""])
    assert (
        _bags(alone.char_ids, alone.char_offsets)[0] == _bags(mixed.char_ids, mixed.char_offsets)[1]
    )
    assert (
        _bags(alone.word_ids, alone.word_offsets)[0] == _bags(mixed.word_ids, mixed.word_offsets)[1]
    )
    # "love it": words love, it and the pair (love, it); an empty text has no ids.
    assert len(_bags(alone.word_ids, alone.word_offsets)[0]) == 3
    assert _bags(mixed.word_ids, mixed.word_offsets)[2] == []
    padded = len(" love it ")
    assert len(_bags(alone.char_ids, alone.char_offsets)[0]) == sum(
        padded - n + 1 for n in range(2, 6)
    )


def test_ids_stay_inside_the_tables_and_differ_between_texts() -> None:
    hasher = NgramHasher(word_bits=10, char_bits=12, min_n=3, max_n=4)
    batch = hasher.hash_batch(["J'adore ça 😍 #génial", "Это ужасно", "كاني ويست"])
    assert batch.word_ids.min() >= 0 and batch.word_ids.max() < 2**10
    assert batch.char_ids.min() >= 0 and batch.char_ids.max() < 2**12
    bags = _bags(batch.char_ids, batch.char_offsets)
    assert all(bags) and bags[0] != bags[1] != bags[2]


@pytest.mark.slow
def test_hashes_are_the_same_in_another_process() -> None:
    code = (
        "from ecoute.plugins.scorers.sentiment.features import NgramHasher\n"
        "b = NgramHasher(18, 20, 2, 5).hash_batch(['Grève à la SNCF, encore !'])\n"
        "print(b.char_ids.tolist()[:20], b.word_ids.tolist())"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


@pytest.mark.parametrize(
    ("lang", "expected"), [("pt-BR", "pt"), ("fr_CA", "fr"), ("EN", "en"), (None, ""), ("", "")]
)
def test_primary_language(lang: str | None, expected: str) -> None:
    assert primary_language(lang) == expected


def test_dominant_script() -> None:
    assert dominant_script("hello :)") == "LATIN"
    assert dominant_script("Привет, Acme") == "CYRILLIC"
    assert dominant_script("नमस्ते दोस्त") == "DEVANAGARI"
    assert dominant_script("🔥🔥 123 !!") is None


@pytest.mark.parametrize(
    ("text", "lang", "covered"),
    [
        ("great product", "en", True),
        ("great product", "en-GB", True),
        ("Это ужасно", "ru", False),  # language not declared
        ("Это ужасно", None, False),  # unknown language, uncovered script
        ("Это ужасно", "en", False),  # a wrong tag does not fool the script check
        ("bahut accha hai yaar", "hi", True),  # romanised Hindi, as trained
        ("बहुत अच्छा है", "hi", False),  # Devanagari was never seen in training
        ("🔥🔥", None, True),
        ("goed gedaan", "nl", False),
    ],
)
def test_coverage_by_language_and_script(text: str, lang: str | None, covered: bool) -> None:
    assert is_covered(text, lang, {"en", "fr", "hi"}, {"LATIN", "ARABIC"}) is covered


def test_undeclared_coverage_restricts_nothing() -> None:
    assert is_covered("Это ужасно", "ru", (), ())


def test_umsab_layout_is_read_with_iso_codes_and_labels(tmp_path: Path) -> None:
    root = write_umsab_folder(tmp_path, train_per_label=4, val_per_label=2)
    train = list(load_umsab(root, "train"))
    val = list(load_umsab(root, "val"))
    assert len(train) == 3 * 3 * 4 and len(val) == 3 * 3 * 2
    assert {e.lang for e in train} == {"en", "fr", "es"}
    assert {e.label for e in train} == {"negative", "neutral", "positive"}
    dataset = load_dataset(root)
    assert len(dataset.train) == len(train) and len(dataset.val) == len(val)


def test_umsab_mismatched_lines_and_bad_labels_name_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "english"
    folder.mkdir()
    (folder / "train_text.txt").write_text("a\nb\n")
    (folder / "train_labels.txt").write_text("0\n")
    with pytest.raises(DataError, match=r"train_text\.txt has 2 lines"):
        list(load_umsab(tmp_path, "train"))
    (folder / "train_labels.txt").write_text("0\n7\n")
    with pytest.raises(DataError, match=r"train_labels\.txt:2: unknown label '7'"):
        list(load_umsab(tmp_path, "train"))
    with pytest.raises(DataError, match=r"no <language>/train_text\.txt"):
        load_dataset(tmp_path / "english")


def test_csv_and_jsonl_files(tmp_path: Path) -> None:
    csv_file = tmp_path / "data.csv"
    csv_file.write_text(
        'text,label,lang\n"Love it, truly",positive,en\nmeh,1,\n"",negative,en\n', encoding="utf-8"
    )
    examples = load_file(csv_file)
    assert [(e.text, e.label, e.lang) for e in examples] == [
        ("Love it, truly", "positive", "en"),
        ("meh", "neutral", ""),
    ]
    jsonl = tmp_path / "data.jsonl"
    jsonl.write_text(
        json.dumps({"text": "Nul &amp; cher", "label": "NEG", "lang": "fr"}) + "\n\n", "utf-8"
    )
    assert load_file(jsonl)[0].text == "Nul & cher"
    jsonl.write_text('{"text": "ok", "label": "positive"}\n{"text": oops}\n')
    with pytest.raises(DataError, match=r"data.jsonl:2: not JSON"):
        load_file(jsonl)
    csv_file.write_text("sentence,sentiment\nhi,positive\n")
    with pytest.raises(DataError, match="must name the columns text and label"):
        load_file(csv_file)


def test_a_file_gets_a_seeded_validation_split(tmp_path: Path) -> None:
    rows = [{"text": f"text {i}", "label": "positive" if i % 2 else "negative"} for i in range(50)]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    first, second = load_dataset(path, seed=3), load_dataset(path, seed=3)
    assert len(first.val) == 5 and len(first.train) == 45
    assert first.val == second.val
    assert load_dataset(path, seed=4).val != first.val


def test_exported_tweet_escapes_are_undone() -> None:
    assert unescape_tweet("i\\u2019m happy &amp; free ") == "i’m happy & free"
    assert unescape_tweet("lol \\ud83d\\ude02 ok \\ud800") == "lol 😂 ok \ufffd"


def test_macro_scores_by_hand() -> None:
    gold = ["positive", "positive", "negative", "neutral"]
    predicted = ["positive", "negative", "negative", None]
    score = score_group("x", gold, predicted, ("negative", "neutral", "positive"))
    # F1: negative 2/3, neutral 0, positive 2/3 -> mean 44.44; recall: 1, 0, 1/2 -> 50.
    assert score.macro_f1 == pytest.approx(44.44)
    assert score.macro_recall == pytest.approx(50.0)
    assert score.accuracy == 50.0 and score.unscored == 1


def test_evaluate_groups_by_language() -> None:
    report = evaluate(
        ["positive", "negative", "positive", "negative"],
        ["positive", "negative", "negative", "negative"],
        ["en", "en", "fr", ""],
    )
    assert [s.group for s in report.languages] == ["?", "en", "fr"]
    assert report.languages[1].accuracy == 100.0
    assert report.overall.count == 4 and report.overall.accuracy == 75.0
    assert report.to_dict()["overall"]["group"] == "all"  # type: ignore[index]


def test_prediction_cache_is_bounded_lru() -> None:
    cache = PredictionCache(2)
    cache.put("a", None)
    cache.put("b", None)
    assert cache.get("a") == (True, None)  # a is now the most recent
    cache.put("c", None)
    assert cache.get("b") == (False, None)
    assert cache.get("a")[0] and cache.get("c")[0] and len(cache) == 2
    assert (cache.hits, cache.misses) == (3, 1)
    disabled = PredictionCache(0)
    disabled.put("a", None)
    assert len(disabled) == 0


def test_model_settings_are_classified_without_flair(tmp_path: Path) -> None:
    assert locate_model("bundled").path == BUNDLED_FILE
    assert locate_model("sentiment").kind == "flair"
    assert locate_model("sentiment").languages == ("en",)
    assert locate_model("someone/tweet-sentiment").kind == "hub"
    existing = tmp_path / "model.pt"
    existing.write_bytes(b"x")
    assert locate_model(str(existing)).kind == "file"
    assert locate_model("./missing/model.pt").kind == "file"
    with pytest.raises(SentimentModelError, match="unknown sentiment model 'not a model'"):
        locate_model("not a model")
    with pytest.raises(SentimentModelError, match="does not exist"):
        locate_model(str(tmp_path / "nope.pt")).fetch()


@pytest.mark.slow
def test_the_plugin_and_its_commands_load_no_heavy_library() -> None:
    code = (
        "import sys, json\n"
        "import ecoute.plugins.scorers.sentiment as s\n"
        "from ecoute.cli.main import main\n"
        "try:\n    main(['sentiment', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(json.dumps([m for m in ('flair', 'torch') if m in sys.modules]))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "predict" in result.stdout and "train" in result.stdout
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
