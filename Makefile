# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Users pick their torch build; this one is the CPU wheel (no multi-GB CUDA download).
TORCH ?= torch==2.13.0
TYPECHECK_TREE := build/typecheck

.PHONY: demo test lint typecheck unit bench install clean model

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: install
	$(BIN)/ecoute demo

test: install lint typecheck unit

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# setuptools maps engine/ to ecoute.engine (and so on); mypy needs that layout on disk.
typecheck: install
	rm -rf $(TYPECHECK_TREE) && mkdir -p $(TYPECHECK_TREE)/ecoute
	cp ecoute/__init__.py ecoute/py.typed $(TYPECHECK_TREE)/ecoute/
	ln -s ../../../engine $(TYPECHECK_TREE)/ecoute/engine
	ln -s ../../../plugins $(TYPECHECK_TREE)/ecoute/plugins
	ln -s ../../../tui $(TYPECHECK_TREE)/ecoute/tui
	cd $(TYPECHECK_TREE) && ../../$(BIN)/mypy --config-file ../../pyproject.toml -p ecoute

unit: install
	$(BIN)/pytest -q

bench: install
	$(BIN)/python bench/startup.py
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
