# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Users pick their torch build; this one is the CPU wheel (no multi-GB CUDA download).
TORCH ?= torch==2.13.0
# setuptools maps engine/ to ecoute.engine (and so on); mypy and lint-imports need that
# layout on disk, so build/tree lays it out with links.
TREE := build/tree

.PHONY: demo test lint tree typecheck imports unit fast bench install clean model

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: install
	$(BIN)/ecoute demo

test: install lint typecheck imports unit

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

tree:
	rm -rf $(TREE) && mkdir -p $(TREE)/ecoute
	cp ecoute/__init__.py ecoute/__main__.py ecoute/py.typed $(TREE)/ecoute/
	ln -s ../../../ecoute/cli $(TREE)/ecoute/cli
	ln -s ../../../engine $(TREE)/ecoute/engine
	ln -s ../../../plugins $(TREE)/ecoute/plugins
	ln -s ../../../tui $(TREE)/ecoute/tui

typecheck: install tree
	cd $(TREE) && ../../$(BIN)/mypy --config-file ../../pyproject.toml -p ecoute

# The import contracts of pyproject.toml ([tool.importlinter]).
imports: install tree
	cd $(TREE) && PYTHONPATH=. ../../$(BIN)/lint-imports --no-cache ../../pyproject.toml

unit: install
	$(BIN)/pytest -q

# The fast lane: no subprocesses, wheels, tmux or Flair, on four workers (the tests
# mostly wait on Textual and SQLite, so four beat two even on two cores).
fast: install
	$(BIN)/pytest -q -m "not slow" -n 4

bench: install
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/first_rows.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/sentiment.py
	$(BIN)/python bench/sources.py

clean:
	rm -rf $(VENV) build dist *.egg-info .mypy_cache .pytest_cache .ruff_cache

# Rebuild the bundled sentiment model from the UMSAB train and val splits beside the
# repo (a few minutes on one core). The data is read in place, never copied.
SENTIMENT_DATA ?= ../shared/data/sentiment/umsab
SENTIMENT_MODEL := plugins/scorers/sentiment/model/ecoute-sentiment.pt

model: install
	$(BIN)/ecoute sentiment train --data $(SENTIMENT_DATA) --out $(SENTIMENT_MODEL) \
		--name ecoute-umsab-ngram-use --bundled-notes --seed 13
