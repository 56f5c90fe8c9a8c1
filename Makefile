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

.PHONY: install run test bench bench-quick lint format clean system-deps web-assets

TUS_JS := src/video_transcriber/web/static/vendor/tus.min.js

install: $(VENV)/.installed web-assets

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --python $(BIN)/python --quiet -e '.[dev]'
	touch $@

## The web UI's browser dependency from npm (tus-js-client, pinned by package-lock.json), copied
## where the app serves it. Without npm the rest still installs; the upload page says what is missing.
web-assets: $(TUS_JS)

$(TUS_JS): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && \
	  mkdir -p $(@D) && cp node_modules/tus-js-client/dist/tus.min.js $@; \
	else \
	  echo "npm not found: install Node.js and npm, then run 'make install' again (the upload page needs tus-js-client)." >&2; \
	fi

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
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache node_modules $(dir $(TUS_JS))
