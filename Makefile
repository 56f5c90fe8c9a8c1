# video-transcriber — set-up, run, test, bench, lint.
# Every target that needs Python depends on .venv, which installs the package and dev tools once
# (and again whenever pyproject.toml changes).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
DATA_DIR ?= data
PYTEST_ARGS ?=

export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install run test bench bench-quick lint format clean system-deps

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --python $(BIN)/python --quiet -e '.[dev]'
	touch $@

## Start the service on the bundled defaults (tiny.en, SQLite, local worker pool).
run: install
	$(BIN)/video-transcriber serve --host $(HOST) --port $(PORT) --data-dir $(DATA_DIR)

## The whole suite (CI runs exactly this).
test: install system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## System packages the test suite drives for real (headless Chromium for the UI tests).
system-deps:
	@bash scripts/system-deps.sh

bench: install
	$(BIN)/python bench/run_all.py

bench-quick: install
	$(BIN)/python bench/run_all.py --quick

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
